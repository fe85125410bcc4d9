import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventsDirOf } from '../../infra/local/event-log.ts';
import { startWebhookDelivery, type WebhookDelivery } from '../../infra/local/webhook-delivery.ts';
import { FileOutcomeEvents } from '../../lib/adapters/file-events.ts';
import type { OutcomeEvent } from '../../lib/domain/outcome-event.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const SECRET = 'delivery-test-secret-0123456789';

const event = (key: string, revision: number): OutcomeEvent => ({
  source: 'khulasa',
  'detail-type': 'Summary Done',
  time: '2026-11-29T10:00:00.000Z',
  detail: {
    id: `id-${key}`,
    bucket: 'articles',
    key,
    status: 'done',
    revision,
    title: null,
    languages: ['ar'],
    errorCode: null,
    updatedAt: '2026-11-29T10:00:00.000Z',
  },
});
const keysOf = (bodies: string[]) => bodies.map((b) => (JSON.parse(b) as OutcomeEvent).detail.key);

describe('local webhook delivery', () => {
  let dataDir: string;
  let log: FileOutcomeEvents;
  let receiver: WebhookReceiver;
  const deliveries: WebhookDelivery[] = [];
  const start = (warn: (line: string) => void = () => undefined, retryDelaysMs = [10, 10]) =>
    startWebhookDelivery({
      dataDir,
      webhook: { url: receiver.url, secret: SECRET },
      retryDelaysMs,
      warn,
      nowSeconds: () => 1_800_000_000,
    }).then((d) => {
      deliveries.push(d);
      return d;
    });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'khulasa-webhook-'));
    log = new FileOutcomeEvents(eventsDirOf(dataDir));
  });
  afterEach(async () => {
    for (const d of deliveries.splice(0)) await d.close();
    await receiver?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('signs HMAC-SHA256 over "<timestamp>.<body>" and sends the timestamp beside it', async () => {
    receiver = await startWebhookReceiver();
    await start();

    await log.publish(event('incoming/a.txt', 2));
    await receiver.waitFor((r) => r.length === 1, 10_000);

    const [hook] = receiver.received;
    const expected = createHmac('sha256', SECRET).update(`1800000000.${hook?.body}`).digest('hex');
    expect(hook?.headers['x-khulasa-timestamp']).toBe('1800000000');
    expect(hook?.headers['x-khulasa-signature']).toBe(`sha256=${expected}`);
    expect(hook?.headers['content-type']).toBe('application/json');
  });

  it('does not replay events logged before a webhook was first configured', async () => {
    receiver = await startWebhookReceiver();
    await log.publish(event('incoming/before.txt', 2));
    await start();

    await log.publish(event('incoming/after.txt', 2));
    await receiver.waitFor((r) => r.length === 1, 10_000);

    expect(keysOf(receiver.received.map((h) => h.body))).toEqual(['incoming/after.txt']);
  });

  it('delivers events logged while the stack was stopped at its next start, in order', async () => {
    receiver = await startWebhookReceiver();
    const first = await start();
    await first.close();

    await log.publish(event('incoming/one.txt', 2));
    await log.publish(event('incoming/two.txt', 2));
    await start();
    await receiver.waitFor((r) => r.length === 2, 10_000);

    expect(keysOf(receiver.received.map((h) => h.body))).toEqual(['incoming/one.txt', 'incoming/two.txt']);
  });

  it('sets an event aside after the last retry and goes on with the next', async () => {
    receiver = await startWebhookReceiver({ refuse: 3 });
    const warnings: string[] = [];
    await start((line) => warnings.push(line), [10, 10]);

    await log.publish(event('incoming/refused.txt', 2));
    await log.publish(event('incoming/next.txt', 2));
    await receiver.waitFor((r) => r.some((h) => h.status === 204), 10_000);

    expect(receiver.received.map((h) => [keysOf([h.body])[0], h.status])).toEqual([
      ['incoming/refused.txt', 503],
      ['incoming/refused.txt', 503],
      ['incoming/refused.txt', 503],
      ['incoming/next.txt', 204],
    ]);
    const failed = (await readFile(join(eventsDirOf(dataDir), 'webhook-failed.jsonl'), 'utf8')).trim();
    expect(JSON.parse(failed)).toMatchObject({
      event: { detail: { key: 'incoming/refused.txt' } },
      attempts: 3,
      lastError: 'the webhook answered HTTP 503',
    });
    expect(warnings).toEqual([expect.stringMatching(/gave up on an event after 3 attempts/)]);
  });
});
