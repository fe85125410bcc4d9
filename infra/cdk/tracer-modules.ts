/**
 * Powertools Tracer (and the X-Ray SDK under it): installed beside both entry files and imported
 * on the first sampled invocation (lib/telemetry/tracing.ts). Inside the api's entry file, even
 * unevaluated, its ≈ 100 KB cost ≈ 8 ms of CPU to parse at every cold start.
 */
export const TRACER_MODULES: readonly string[] = ['@aws-lambda-powertools/tracer'];
