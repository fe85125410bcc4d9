import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalQueue } from '../../../infra/local/queue.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'khulasa-queue-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ok = async (): Promise<SQSBatchResponse> => ({ batchItemFailures: [] });

describe('LocalQueue', () => {
  it('delivers a message as an SQS event and forgets it once acknowledged', async () => {
    const seen: SQSEvent[] = [];
    const queue = new LocalQueue({
      directory: dir,
      maxReceiveCount: 3,
      retryDelaysSeconds: [0],
      handler: async (event) => {
        seen.push(event);
        return ok();
      },
    });
    await queue.start();

    const id = await queue.send('{"hello":"عالم"}');
    await queue.whenIdle();
    await queue.stop();

    expect(seen).toHaveLength(1);
    const record = seen[0]?.Records[0];
    expect(record?.messageId).toBe(id);
    expect(record?.body).toBe('{"hello":"عالم"}');
    expect(record?.attributes.ApproximateReceiveCount).toBe('1');
    expect(record?.eventSource).toBe('aws:sqs');
    expect(await readdir(join(dir, 'queue'))).toEqual([]);
  });

  it('retries only the failed message of a batch, counting receives', async () => {
    const receives: Record<string, string[]> = {};
    const queue = new LocalQueue({
      directory: dir,
      maxReceiveCount: 5,
      retryDelaysSeconds: [0],
      batchSize: 10,
      handler: async (event) => {
        const failures = [];
        for (const r of event.Records) {
          receives[r.body] = [...(receives[r.body] ?? []), r.attributes.ApproximateReceiveCount];
          if (r.body === 'flaky' && r.attributes.ApproximateReceiveCount === '1')
            failures.push({ itemIdentifier: r.messageId });
        }
        return { batchItemFailures: failures };
      },
    });
    await queue.send('steady');
    await queue.send('flaky');
    await queue.start();
    await queue.whenIdle();
    await queue.stop();

    expect(receives).toEqual({ steady: ['1'], flaky: ['1', '2'] });
  });

  it('moves a message to the dead-letter folder after the last receive, with its last error', async () => {
    const dead: string[] = [];
    const queue = new LocalQueue({
      directory: dir,
      maxReceiveCount: 2,
      retryDelaysSeconds: [0],
      onDeadLetter: (m) => dead.push(m.messageId),
      handler: async (event) => {
        for (const r of event.Records)
          queue.reportFailure(r.messageId, 'LlmUnavailableError: 503 from the model', 0);
        return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });
    await queue.start();
    const id = await queue.send('{"Records":[]}');
    await queue.whenIdle();
    await queue.stop();

    expect(dead).toEqual([id]);
    const file = JSON.parse(await readFile(join(dir, 'dead-letter', `${id}.json`), 'utf8'));
    expect(file.message.body).toBe('{"Records":[]}');
    expect(file.attributes.ApproximateReceiveCount).toBe('2');
    expect(file.lastError).toBe('LlmUnavailableError: 503 from the model');
    expect(await readdir(join(dir, 'queue'))).toEqual([]);
  });

  it('treats a handler that throws as a failure of the whole batch', async () => {
    let calls = 0;
    const queue = new LocalQueue({
      directory: dir,
      maxReceiveCount: 3,
      retryDelaysSeconds: [0],
      handler: async () => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
        return ok();
      },
    });
    await queue.start();
    await queue.send('a');
    await queue.whenIdle();
    await queue.stop();
    expect(calls).toBe(2);
  });

  it('redelivers after a restart what was in flight when the process stopped', async () => {
    // Arrange: a first "process" receives the message and never finishes it.
    let release: () => void = () => undefined;
    const first = new LocalQueue({
      directory: dir,
      maxReceiveCount: 3,
      retryDelaysSeconds: [0],
      handler: () => new Promise<SQSBatchResponse>((r) => (release = () => r({ batchItemFailures: [] }))),
    });
    await first.start();
    const id = await first.send('article');
    await new Promise((r) => setTimeout(r, 50));
    // Act: a second queue on the same folder starts, as after a crash.
    const counts: string[] = [];
    const second = new LocalQueue({
      directory: dir,
      maxReceiveCount: 3,
      retryDelaysSeconds: [0],
      handler: async (event) => {
        counts.push(...event.Records.map((r) => `${r.messageId}:${r.attributes.ApproximateReceiveCount}`));
        return ok();
      },
    });
    await second.start();
    await second.whenIdle();
    await second.stop();
    release();
    await first.stop();

    expect(counts).toEqual([`${id}:2`]);
  });
});

describe('LocalQueue inbox', () => {
  it('delivers a message another process dropped into the inbox, with its attributes', async () => {
    const { dropIntoInbox } = await import('../../../infra/local/queue.ts');
    const seen: SQSEvent[] = [];
    const queue = new LocalQueue({
      directory: dir,
      maxReceiveCount: 3,
      retryDelaysSeconds: [0],
      handler: async (event) => {
        seen.push(event);
        return ok();
      },
    });
    await queue.start();

    await dropIntoInbox(dir, {
      body: '{"Records":[]}',
      messageAttributes: { force: { dataType: 'String', stringValue: 'true' } },
    });
    for (let i = 0; i < 40 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    await queue.whenIdle();
    await queue.stop();

    expect(seen[0]?.Records[0]?.body).toBe('{"Records":[]}');
    expect(seen[0]?.Records[0]?.messageAttributes.force?.stringValue).toBe('true');
    expect(await readdir(join(dir, 'inbox'))).toEqual([]);
  });
});

describe('LocalQueue function timeout', () => {
  it('fails a batch that outlives the function timeout and delivers its messages again', async () => {
    const receives: string[] = [];
    const queue = new LocalQueue({
      directory: dir,
      maxReceiveCount: 3,
      retryDelaysSeconds: [0],
      functionTimeoutMs: 200,
      handler: (event) => {
        const count = event.Records[0]?.attributes.ApproximateReceiveCount ?? '?';
        receives.push(count);
        // The first invocation hangs for good, as a stalled connection would.
        return count === '1' ? new Promise<SQSBatchResponse>(() => undefined) : ok();
      },
    });
    await queue.start();

    await queue.send('article');
    await queue.whenIdle();
    await queue.stop();

    expect(receives).toEqual(['1', '2']);
  });
});
