import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { recordId } from '../../lib/domain/id.ts';
import { SOLAR_ARTICLE } from '../support/articles.ts';
import { BUCKET, type IngestRig, startIngestRig } from '../support/ingest-rig.ts';
import { startOpenAiTestServer } from '../support/openai-server.ts';
import { startAzureTestServer } from '../support/provider-servers.ts';
import { type SecretsTestServer, startSecretsTestServer } from '../support/secrets-server.ts';

// The LLM key in Secrets Manager (a local emulator spoken to by the real SDK client), read by one
// warm ingest handler across several receives: an empty secret is not remembered, and a key the
// server rejects is read again once.

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:khulasa-openai-key';
const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'req-key' } as unknown as Context;
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function setup(
  config: Record<string, string>,
): Promise<{ rig: IngestRig; secrets: SecretsTestServer }> {
  const secrets = await startSecretsTestServer();
  open.push(secrets);
  secrets.create(SECRET_ARN);
  const rig = await startIngestRig({
    config: { MAX_RECEIVE_COUNT: '5', OPENAI_API_KEY_SECRET_ARN: SECRET_ARN, ...config },
    secrets: secrets.client,
  });
  open.push(rig);
  return { rig, secrets };
}

const putKey = (secrets: SecretsTestServer, value: string) =>
  secrets.client.send(new PutSecretValueCommand({ SecretId: SECRET_ARN, SecretString: value }));

async function status(rig: IngestRig, key: string): Promise<string | undefined> {
  const item = await rig.ddb.client.send(
    new GetCommand({ TableName: rig.ddb.tableName, Key: { pk: recordId(BUCKET, key), sk: 'record' } }),
  );
  return (item.Item as { status?: string } | undefined)?.status;
}

describe('the LLM key on a warm ingest handler', () => {
  it('an empty secret fails the receive; after put-secret-value the next receive succeeds', async () => {
    const llm = await startOpenAiTestServer({ apiKey: 'sk-first' });
    open.push(llm);
    const { rig, secrets } = await setup({ LLM_PROVIDER: 'openai', OPENAI_BASE_URL: llm.url });
    const record = await rig.upload('rotation/empty-then-set.txt', SOLAR_ARTICLE.bytes);

    const before = await rig.ingest(rig.message('m-1', record, 1), context);
    await putKey(secrets, 'sk-first');
    const after = await rig.ingest(rig.message('m-1', record, 2), context);

    expect(before.batchItemFailures).toHaveLength(1);
    expect(llm.chatRequests()).toHaveLength(1);
    expect(after.batchItemFailures).toEqual([]);
    expect(await status(rig, 'rotation/empty-then-set.txt')).toBe('done');
    expect(llm.chatRequests()[0]?.headers.authorization).toBe('Bearer sk-first');
  });

  it('a 401 after rotation drops the client, reads the secret again and succeeds with the new key', async () => {
    let accepted = 'sk-old';
    const llm = await startOpenAiTestServer({
      gate: (request) =>
        request.headers.authorization === `Bearer ${accepted}`
          ? null
          : {
              type: 'status',
              status: 401,
              body: {
                error: {
                  message: 'Incorrect API key provided.',
                  type: 'invalid_request_error',
                  code: 'invalid_api_key',
                },
              },
            },
    });
    open.push(llm);
    const { rig, secrets } = await setup({ LLM_PROVIDER: 'openai', OPENAI_BASE_URL: llm.url });
    await putKey(secrets, 'sk-old');
    const first = await rig.upload('rotation/first.txt', SOLAR_ARTICLE.bytes);
    expect((await rig.ingest(rig.message('m-first', first), context)).batchItemFailures).toEqual([]);

    // Rotation: the provider now accepts only the new key, and the secret holds it; the handler's
    // cached value is still the old one.
    accepted = 'sk-new';
    await putKey(secrets, 'sk-new');
    const second = await rig.upload('rotation/second.txt', SOLAR_ARTICLE.text.replace('120 ألف', '125 ألف'));
    const result = await rig.ingest(rig.message('m-second', second), context);

    expect(result.batchItemFailures).toEqual([]);
    expect(await status(rig, 'rotation/second.txt')).toBe('done');
    expect(llm.chatRequests().map((r) => r.headers.authorization)).toEqual([
      'Bearer sk-old',
      'Bearer sk-old',
      'Bearer sk-new',
    ]);
  });

  it('azure: a rotated api-key is picked up after the 401', async () => {
    const llm = await startAzureTestServer({
      deployment: 'gpt-4o-mini',
      apiVersion: '2024-10-21',
      apiKey: 'az-old',
    });
    open.push(llm);
    const { rig, secrets } = await setup({ LLM_PROVIDER: 'azure', AZURE_OPENAI_ENDPOINT: llm.endpoint });
    await putKey(secrets, 'az-old');
    const first = await rig.upload('azure/first.txt', SOLAR_ARTICLE.bytes);
    expect((await rig.ingest(rig.message('a-1', first), context)).batchItemFailures).toEqual([]);

    llm.accept({ apiKey: 'az-new' });
    await putKey(secrets, 'az-new');
    const second = await rig.upload('azure/second.txt', SOLAR_ARTICLE.text.replace('120 ألف', '140 ألف'));
    const result = await rig.ingest(rig.message('a-2', second), context);

    expect(result.batchItemFailures).toEqual([]);
    expect(llm.chatRequests().map((r) => r.headers['api-key'])).toEqual(['az-old', 'az-old', 'az-new']);
  });
});
