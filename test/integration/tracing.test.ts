import { createSocket, type Socket } from 'node:dgram';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/app.ts';
import { recordId } from '../../lib/domain/id.ts';
import { isSampled, lazyTracing } from '../../lib/telemetry/tracing.ts';
import { apiEvent } from '../support/api-events.ts';
import { SOLAR_ARTICLE } from '../support/articles.ts';
import { BUCKET, type IngestRig, startIngestRig } from '../support/ingest-rig.ts';

// Both handlers with Powertools Tracer on and off. "On" is Lambda's environment for a sampled
// invocation, with a UDP socket standing in for the X-Ray daemon: what the X-Ray SDK sends there
// is what X-Ray would receive.

const context = {
  getRemainingTimeInMillis: () => 60_000,
  awsRequestId: 'req-1',
  functionName: 'khulasa-test',
} as unknown as Context;
const SAMPLED = 'Root=1-67a1b2c3-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1';
const MISSING = recordId(BUCKET, 'tracing/never-uploaded.txt');
const UNSAMPLED = 'Root=1-67a1b2c3-0123456789abcdef01234568;Parent=53995c3f42cd8ad9;Sampled=0';

interface SentSegment {
  name: string;
  annotations?: Record<string, unknown>;
  aws?: { operation?: string };
  subsegments?: SentSegment[];
}

describe('X-Ray tracing through Powertools Tracer', () => {
  let rig: IngestRig;
  let daemon: Socket;
  const received: SentSegment[] = [];
  const saved = { ...process.env };

  beforeAll(async () => {
    rig = await startIngestRig({ config: { MAX_RECEIVE_COUNT: '8' } });
    daemon = createSocket('udp4');
    daemon.on('message', (message) => {
      // `{"format":"json","version":1}` then the (sub)segment document.
      const body = message.toString('utf8').split('\n')[1];
      if (body) received.push(JSON.parse(body) as SentSegment);
    });
    await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
    Object.assign(process.env, {
      AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
      AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
      LAMBDA_TASK_ROOT: '/var/task',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_FUNCTION_NAME: 'khulasa-test',
      _HANDLER: 'index.handler',
    });
  }, 60_000);

  afterAll(async () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await new Promise<void>((resolve) => daemon?.close(() => resolve()));
    await rig?.close();
  });

  const api = (tracing: ReturnType<typeof lazyTracing>) => createApiHandler({ store: rig.store, tracing });
  const get = async (handler: ReturnType<typeof api>, path: string) =>
    (await handler(apiEvent('GET', path), context)) as APIGatewayProxyStructuredResultV2;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 100));
  const all = (segments: SentSegment[]): SentSegment[] =>
    segments.flatMap((s) => [s, ...all(s.subsegments ?? [])]);

  it('reads the sampling decision from the trace header', () => {
    expect(isSampled(SAMPLED)).toBe(true);
    expect(isSampled(UNSAMPLED)).toBe(false);
    expect(isSampled(undefined)).toBe(false);
  });

  it('serves requests without loading the Tracer when tracing is off or the trace is not sampled', async () => {
    process.env._X_AMZN_TRACE_ID = SAMPLED;
    process.env.POWERTOOLS_TRACE_ENABLED = 'false';
    const off = lazyTracing({ serviceName: 'khulasa-api' });
    const offAnswer = await get(api(off), `/summaries/${MISSING}`);
    process.env.POWERTOOLS_TRACE_ENABLED = 'true';
    process.env._X_AMZN_TRACE_ID = UNSAMPLED;
    const unsampled = lazyTracing({ serviceName: 'khulasa-api' });
    const unsampledAnswer = await get(api(unsampled), `/summaries/${MISSING}`);
    await settle();

    expect(offAnswer.statusCode).toBe(404);
    expect(unsampledAnswer.statusCode).toBe(404);
    expect(off.loaded()).toBeNull();
    expect(unsampled.loaded()).toBeNull();
    expect(received).toEqual([]);
  });

  it('sends the api handler and its DynamoDB call to X-Ray on a sampled invocation', async () => {
    process.env.POWERTOOLS_TRACE_ENABLED = 'true';
    process.env._X_AMZN_TRACE_ID = SAMPLED;
    received.length = 0;
    const tracing = lazyTracing({ serviceName: 'khulasa-api', clients: [rig.ddb.client] });

    const answer = await get(api(tracing), `/summaries/${MISSING}`);
    await settle();

    expect(answer.statusCode).toBe(404);
    expect(tracing.loaded()).not.toBeNull();
    const handler = all(received).find((s) => s.name === '## index.handler');
    expect(handler?.annotations).toMatchObject({ Service: 'khulasa-api' });
    expect(all(received).some((s) => s.name === 'DynamoDB' && s.aws?.operation === 'GetItem')).toBe(true);
  });

  it('traces the ingest handler, which still stores the record', async () => {
    process.env.POWERTOOLS_TRACE_ENABLED = 'true';
    process.env._X_AMZN_TRACE_ID = SAMPLED;
    received.length = 0;
    const created = await rig.upload('tracing/solar.txt', SOLAR_ARTICLE.bytes);

    const response = await rig.ingest(rig.message('m-traced', created), context);
    await settle();

    expect(response.batchItemFailures).toEqual([]);
    expect((await rig.store.get(recordId(BUCKET, 'tracing/solar.txt')))?.status).toBe('done');
    const names = all(received).map((s) => s.name);
    expect(names).toContain('## index.handler');
    expect(names).toContain('S3');
    expect(all(received).find((s) => s.name === '## index.handler')?.annotations).toMatchObject({
      Service: 'khulasa-ingest',
    });
  });
});
