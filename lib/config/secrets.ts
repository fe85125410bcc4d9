import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

type SecretsSdk = typeof import('@aws-sdk/client-secrets-manager');
let sdk: Promise<SecretsSdk> | null = null;
// Loaded on the first read, not at init: a cold start that never needs a secret never pays for the client.
const loadSdk = (): Promise<SecretsSdk> => {
  sdk ??= import('@aws-sdk/client-secrets-manager');
  return sdk;
};

/**
 * How long a read value is trusted. Short, so a key put or rotated with `put-secret-value` reaches
 * warm containers within a minute without a redeploy; long enough that a busy function reads the
 * secret about once a minute rather than once per article.
 */
const SECRET_TTL_MS = 60_000;

/** Reads the secret (cached); `invalidate()` makes the next call read it again. */
export interface SecretReader {
  (): Promise<string | undefined>;
  /** Forget the cached value: after the server rejected it (401/403) it may have been rotated. */
  invalidate(): void;
}

export interface SecretReaderOptions {
  ttlMs?: number;
  now?: () => number;
}

/**
 * A secret read on first use and re-read once its value is older than `ttlMs`. An empty value is
 * never cached (the next call reads again: "put the value, then redrive" works on warm containers),
 * and a failed read is not cached either; a failed refresh of a value already read keeps serving
 * that value rather than failing every article while Secrets Manager is unreachable. The value is
 * never logged or put into an error message. `client` is for tests; by default one client is
 * created on the first read.
 */
export function cachedSecret(
  secretId: string,
  client?: SecretsManagerClient,
  options: SecretReaderOptions = {},
): SecretReader {
  const ttlMs = options.ttlMs ?? SECRET_TTL_MS;
  const now = options.now ?? Date.now;
  let secrets = client;
  let cached: { value: string; at: number } | null = null;
  let pending: Promise<string | undefined> | null = null;
  let generation = 0;

  const read = async (): Promise<string | undefined> => {
    const { SecretsManagerClient, GetSecretValueCommand } = await loadSdk();
    secrets ??= new SecretsManagerClient({});
    const out = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    const value = out.SecretString?.trim();
    return value ? value : undefined;
  };

  const refresh = (): Promise<string | undefined> => {
    if (pending !== null) return pending;
    const started = generation;
    const current: Promise<string | undefined> = read()
      .then((value) => {
        // An invalidate() while this read was in flight asked for a read that starts after it.
        if (started === generation) cached = value === undefined ? null : { value, at: now() };
        return value;
      })
      .catch((e: unknown) => {
        if (cached !== null) return cached.value;
        throw e;
      })
      .finally(() => {
        if (pending === current) pending = null;
      });
    pending = current;
    return current;
  };

  const reader = (async () => {
    if (cached !== null && now() - cached.at < ttlMs) return cached.value;
    return refresh();
  }) as SecretReader;
  reader.invalidate = () => {
    generation += 1;
    cached = null;
    pending = null;
  };
  return reader;
}
