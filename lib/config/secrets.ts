import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * A secret read once per container and kept in memory. A failed read is not cached, so the
 * next invocation tries again. The value is never logged or put into an error message.
 */
export function cachedSecret(
  client: SecretsManagerClient,
  secretId: string,
): () => Promise<string | undefined> {
  let pending: Promise<string | undefined> | null = null;
  return () => {
    pending ??= client
      .send(new GetSecretValueCommand({ SecretId: secretId }))
      .then((out) => {
        const value = out.SecretString?.trim();
        return value ? value : undefined;
      })
      .catch((e: unknown) => {
        pending = null;
        throw e;
      });
    return pending;
  };
}
