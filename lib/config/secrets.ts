import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

type SecretsSdk = typeof import('@aws-sdk/client-secrets-manager');
let sdk: Promise<SecretsSdk> | null = null;
// Loaded on the first read, not at init: a cold start that never needs a secret never pays for the client.
const loadSdk = (): Promise<SecretsSdk> => {
  sdk ??= import('@aws-sdk/client-secrets-manager');
  return sdk;
};

/**
 * A secret read once per container and kept in memory. A failed read is not cached, so the
 * next invocation tries again. The value is never logged or put into an error message.
 * `client` is for tests; by default one client is created on the first read.
 */
export function cachedSecret(
  secretId: string,
  client?: SecretsManagerClient,
): () => Promise<string | undefined> {
  let pending: Promise<string | undefined> | null = null;
  let secrets = client;
  const read = async (): Promise<string | undefined> => {
    const { SecretsManagerClient, GetSecretValueCommand } = await loadSdk();
    secrets ??= new SecretsManagerClient({});
    const out = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    const value = out.SecretString?.trim();
    return value ? value : undefined;
  };
  return () => {
    pending ??= read().catch((e: unknown) => {
      pending = null;
      throw e;
    });
    return pending;
  };
}
