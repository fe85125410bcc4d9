import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dropIntoInbox, LocalQueue, type QueueMessage } from '../../../infra/local/queue.ts';

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
    let received: () => void = () => undefined;
    const inFlight = new Promise<void>((resolve) => (received = resolve));
    const first = new LocalQueue({
      directory: dir,
      maxReceiveCount: 3,
      retryDelaysSeconds: [0],
      handler: () => {
        received();
        return new Promise<SQSBatchResponse>((r) => (release = () => r({ batchItemFailures: [] })));
      },
    });
    await first.start();
    const id = await first.send('article');
    // The first receive is on disk before the handler is called: wait for that call, not for a clock.
    await inFlight;
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

const stored = (overrides: Partial<QueueMessage>): QueueMessage => ({
  messageId: 'stored-1',
  body: 'left by the last run',
  messageAttributes: {},
  sentTimestamp: Date.now() - 60_000,
  receiveCount: 1,
  visibleAt: Date.now() + 300_000,
  lastError: null,
  ...overrides,
});

async function leave(files: Record<string, string>): Promise<void> {
  await mkdir(join(dir, 'queue'), { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, 'queue', name), text);
}

describe('LocalQueue durability and start-up', () => {
  it('has the message on disk by the time send resolves', async () => {
    const queue = new LocalQueue({
      directory: dir,
      maxReceiveCount: 3,
      retryDelaysSeconds: [0],
      handler: ok,
    });

    const id = await queue.send('acknowledged upload');

    const onDisk = JSON.parse(await readFile(join(dir, 'queue', `${id}.json`), 'utf8'));
    expect(onDisk).toMatchObject({ messageId: id, body: 'acknowledged upload', receiveCount: 0 });
    expect((await readdir(join(dir, 'queue'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('removes temporary files a crash left mid-write and delivers only whole messages', async () => {
    await leave({
      'stored-1.json': JSON.stringify(stored({})),
      'never-acknowledged.json.123.abc.tmp': '{"messageId":"half',
    });
    const bodies: string[] = [];
    const queue = new LocalQueue({
      directory: dir,
      maxReceiveCount: 3,
      retryDelaysSeconds: [0],
      handler: async (event) => {
        bodies.push(...event.Records.map((r) => r.body));
        return ok();
      },
    });

    await queue.start();
    await queue.whenIdle();
    await queue.stop();

    expect(bodies).toEqual(['left by the last run']);
    expect(await readdir(join(dir, 'queue'))).toEqual([]);
  });

  it('reports an unreadable queue file by name on one line and moves it aside', async () => {
    await leave({ 'cut-short.json': '{"messageId":"cut-short","bo' });
    const warnings: string[] = [];
    const queue = new LocalQueue({
      directory: dir,
      maxReceiveCount: 3,
      retryDelaysSeconds: [0],
      handler: ok,
      warn: (line) => warnings.push(line),
    });

    await queue.start();
    await queue.stop();

    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(join(dir, 'queue', 'cut-short.json'));
    expect(warnings[0]).not.toContain('\n');
    expect(await readdir(join(dir, 'dead-letter'))).toEqual(['corrupt-cut-short.json']);
    expect(await readdir(join(dir, 'queue'))).toEqual([]);
  });

  it('dead-letters at start a message whose last receive never finished, letting its records be marked first', async () => {
    await leave({ 'stored-1.json': JSON.stringify(stored({ receiveCount: 3 })) });
    let delivered = 0;
    const abandoned: string[] = [];
    const queue = new LocalQueue({
      directory: dir,
      maxReceiveCount: 3,
      retryDelaysSeconds: [0],
      handler: async () => {
        delivered += 1;
        return ok();
      },
      onAbandoned: async (event) => {
        abandoned.push(...event.Records.map((r) => `${r.messageId}:${r.attributes.ApproximateReceiveCount}`));
      },
    });

    await queue.start();
    await queue.whenIdle();
    await queue.stop();

    expect(delivered).toBe(0);
    expect(abandoned).toEqual(['stored-1:3']);
    const letter = JSON.parse(await readFile(join(dir, 'dead-letter', 'stored-1.json'), 'utf8'));
    expect(letter.message.body).toBe('left by the last run');
    expect(letter.lastError).toMatch(/never finished/);
    expect(await readdir(join(dir, 'queue'))).toEqual([]);
  });

  it('lets the records of a batch that timed out on its last receive be marked before dead-lettering it', async () => {
    const abandoned: string[] = [];
    const queue = new LocalQueue({
      directory: dir,
      maxReceiveCount: 1,
      retryDelaysSeconds: [0],
      functionTimeoutMs: 100,
      handler: () => new Promise<SQSBatchResponse>(() => undefined),
      onAbandoned: async (event) => {
        abandoned.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
      },
    });
    await queue.start();

    const id = await queue.send('stuck');
    await queue.whenIdle();
    await queue.stop();

    expect(abandoned).toEqual(['1']);
    expect(await readdir(join(dir, 'dead-letter'))).toEqual([`${id}.json`]);
  });

  it('does not ask to mark records the handler settled itself on the last receive', async () => {
    let abandonedCalls = 0;
    const queue = new LocalQueue({
      directory: dir,
      maxReceiveCount: 1,
      retryDelaysSeconds: [0],
      handler: async (event) => ({
        batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })),
      }),
      onAbandoned: async () => {
        abandonedCalls += 1;
      },
    });
    await queue.start();

    await queue.send('failed on its last try');
    await queue.whenIdle();
    await queue.stop();

    expect(abandonedCalls).toBe(0);
    expect(await readdir(join(dir, 'dead-letter'))).toHaveLength(1);
  });
});
