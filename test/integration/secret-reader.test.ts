import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedSecret } from '../../lib/config/secrets.ts';
import { type SecretsTestServer, startSecretsTestServer } from '../support/secrets-server.ts';

// cachedSecret against a Secrets Manager emulator through the real SDK client, with a fake clock.

const ID = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:reader';
let secrets: SecretsTestServer;
let clock = 0;
const now = () => clock;

beforeEach(async () => {
  secrets = await startSecretsTestServer();
  secrets.create(ID);
  clock = 0;
});
afterEach(async () => {
  await secrets.close();
});

const put = (value: string) =>
  secrets.client.send(new PutSecretValueCommand({ SecretId: ID, SecretString: value }));

describe('cachedSecret', () => {
  it('keeps a value for the TTL and reads it again after', async () => {
    const read = cachedSecret(ID, secrets.client, { ttlMs: 1_000, now });
    await put('v1');
    expect(await read()).toBe('v1');
    await put('v2');
    clock = 999;
    expect(await read()).toBe('v1');
    clock = 1_000;
    expect(await read()).toBe('v2');
    expect(secrets.reads()).toBe(2);
  });

  it('never remembers an empty value', async () => {
    const read = cachedSecret(ID, secrets.client, { ttlMs: 60_000, now });
    await put('   ');
    expect(await read()).toBeUndefined();
    await put('sk-set');
    expect(await read()).toBe('sk-set');
  });

  it('reads again at once after invalidate()', async () => {
    const read = cachedSecret(ID, secrets.client, { ttlMs: 60_000, now });
    await put('old');
    expect(await read()).toBe('old');
    await put('new');
    read.invalidate();
    expect(await read()).toBe('new');
  });

  it('a failed first read is not cached; a failed refresh keeps serving the value already read', async () => {
    const read = cachedSecret(ID, secrets.client, { ttlMs: 1_000, now });
    await expect(read()).rejects.toThrow(/AWSCURRENT/);
    await put('v1');
    expect(await read()).toBe('v1');
    await secrets.close();
    clock = 5_000;
    expect(await read()).toBe('v1');
    secrets = await startSecretsTestServer();
  });
});
