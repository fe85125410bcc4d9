import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.ts';
import { recordId } from '../../lib/store/id.ts';
import type { SummaryRecord } from '../../lib/store/record.ts';
import { documentClientFor } from '../support/dynamo.ts';
import { freePort, pollJson } from '../support/stack-process.ts';

// A data folder whose table was written before the filter index existed: at its next start the
// local stack indexes the records in the background and says so in one line.
// The api handler keeps the DynamoDB endpoint it first resolved, so both starts share one port.
const dynamoPort = await freePort();
const KEY = 'news/2025/rail.txt';
const ARTICLE =
  'Published: 2025-05-04\nSource: Reuters\n\nRail workers end strike after pay deal\n\n' +
  'Rail workers ended a three-day strike on Sunday after the union accepted a new pay offer. ' +
  'Trains will run on the normal timetable from Monday, the operator said in a statement. ' +
  'The agreement raises wages over two years and adds a review of working hours.\n';

describe('the local stack at start-up', () => {
  let dataDir: string;
  let stack: LocalStack | undefined;
  const lines: string[] = [];

  const start = async () => {
    stack = await startLocalStack({
      dataDir,
      s3Port: 0,
      dynamoPort,
      apiPort: 0,
      concurrency: 1,
      log: (line) => lines.push(line),
      warn: (line) => lines.push(line),
    });
    return stack;
  };

  /** Every index and counter item, without the bookkeeping a recount or a sync moves on (`seq`, `r`). */
  async function indexItems(): Promise<string[]> {
    const doc = documentClientFor(stack?.dynamoEndpoint ?? '');
    try {
      const out = await doc.send(new ScanCommand({ TableName: 'summaries' }));
      return (out.Items ?? [])
        .filter((i) => /^(ix|fc)#/.test(String(i.pk)))
        .map(({ seq: _seq, r: _r, ...rest }) =>
          JSON.stringify(rest, (_k, v) => (v instanceof Set ? [...v] : v)),
        )
        .sort();
    } finally {
      doc.destroy();
    }
  }

  /** The table as it was before filters: no index state on the records, no index items. */
  async function stripIndex(): Promise<void> {
    const doc = documentClientFor(stack?.dynamoEndpoint ?? '');
    try {
      const out = await doc.send(new ScanCommand({ TableName: 'summaries', ProjectionExpression: 'pk, sk' }));
      for (const { pk, sk } of (out.Items ?? []) as { pk: string; sk: string }[]) {
        if (sk === 'record')
          await doc.send(
            new UpdateCommand({
              TableName: 'summaries',
              Key: { pk, sk },
              UpdateExpression: 'REMOVE ixk, ixp',
            }),
          );
        else if (/^(ix|fc)#/.test(pk))
          await doc.send(new DeleteCommand({ TableName: 'summaries', Key: { pk, sk } }));
      }
    } finally {
      doc.destroy();
    }
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'khulasa-reindex-'));
  });

  afterAll(async () => {
    await stack?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('indexes records the filters miss in the background, with one line saying how many', async () => {
    const first = await start();
    const s3 = new S3Client({
      endpoint: first.s3Endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIAUSERKEY', secretAccessKey: 'user-secret' },
    });
    await s3.send(new PutObjectCommand({ Bucket: 'articles', Key: KEY, Body: ARTICLE }));
    s3.destroy();
    await pollJson<SummaryRecord>(
      `${first.apiUrl}/summaries/${recordId('articles', KEY)}`,
      (r, status) => status === 200 && r.status === 'done',
    );
    const written = await indexItems();
    await stripIndex();
    await first.close();
    expect(written.length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.startsWith('reindexed'))).toEqual([]);

    const second = await start();
    const deadline = Date.now() + 30_000;
    while (!lines.some((l) => l.startsWith('reindexed')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));

    expect(lines.filter((l) => l.startsWith('reindexed'))).toEqual([
      'reindexed: 1 record the filters and facets missed',
    ]);
    expect(await indexItems()).toEqual(written);
    const outlet = (await (await fetch(`${second.apiUrl}/facets?kind=outlet`)).json()) as {
      values: { key: string; count: number }[];
    };
    expect(outlet.values).toEqual([expect.objectContaining({ key: 'reuters', count: 1 })]);
  }, 90_000);
});
