/**
 * X-Ray tracing through Powertools Tracer, loaded on the first sampled invocation rather than at
 * init. Loading the Tracer (and the X-Ray SDK under it) costs ≈ 25 ms of CPU, more than the
 * api's whole cold-start budget over a bare DynamoDB function, and it is useless for invocations
 * X-Ray does not sample (`Sampled=0` in `_X_AMZN_TRACE_ID`: nothing they record is sent). So a
 * container pays for it once, on the first invocation whose trace is sampled; from then on every
 * invocation runs through `captureLambdaHandler` and the captured AWS SDK clients.
 *
 * Off when `POWERTOOLS_TRACE_ENABLED=false` (the local stack, tests) or outside Lambda.
 */
import type { MiddlewareObj } from '@middy/core';

type TracerModule = typeof import('@aws-lambda-powertools/tracer');
type Tracer = InstanceType<TracerModule['Tracer']>;
/** An AWS SDK v3 client (or DocumentClient): what `captureAWSv3Client` instruments. */
type SdkClient = Parameters<Tracer['captureAWSv3Client']>[0];

export interface LazyTracingOptions {
  serviceName: string;
  /** Clients whose calls become subsegments once the Tracer is loaded. */
  clients?: readonly SdkClient[];
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** Whether this invocation's trace is sampled, from the header Lambda puts in the environment. */
export function isSampled(traceHeader: string | undefined): boolean {
  return /(?:^|;)\s*Sampled=1(?:;|$)/.test(traceHeader ?? '');
}

type Request = Parameters<NonNullable<MiddlewareObj['before']>>[0];

export function lazyTracing(options: LazyTracingOptions): MiddlewareObj & { loaded(): Tracer | null } {
  const env = options.env ?? process.env;
  let loading: Promise<MiddlewareObj> | null = null;
  let inner: MiddlewareObj | null = null;
  let tracer: Tracer | null = null;

  const load = async (): Promise<MiddlewareObj> => {
    const [{ Tracer }, { captureLambdaHandler }] = await Promise.all([
      import('@aws-lambda-powertools/tracer'),
      import('@aws-lambda-powertools/tracer/middleware'),
    ]);
    tracer = new Tracer({ serviceName: options.serviceName, captureHTTPsRequests: false });
    for (const client of options.clients ?? []) tracer.captureAWSv3Client(client);
    // Responses hold records (article metadata): they stay out of the trace.
    inner = captureLambdaHandler(tracer, { captureResponse: false }) as MiddlewareObj;
    return inner;
  };

  const wanted = () => env.POWERTOOLS_TRACE_ENABLED !== 'false' && isSampled(env._X_AMZN_TRACE_ID);

  return {
    loaded: () => tracer,
    before: async (request: Request) => {
      if (!inner && !wanted()) return;
      loading ??= load().catch((e: unknown) => {
        loading = null;
        throw e;
      });
      try {
        await (await loading).before?.(request);
      } catch (e: unknown) {
        // Tracing is best effort: a trace that cannot be opened never fails the invocation.
        console.warn('X-Ray tracing is unavailable for this invocation', String(e));
      }
    },
    after: async (request: Request) => {
      await inner?.after?.(request);
    },
    onError: async (request: Request) => {
      await inner?.onError?.(request);
    },
  };
}
