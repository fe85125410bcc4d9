/**
 * How long a message waits before its next try: exponential in the receive count, capped,
 * and never shorter than what the LLM asked for with `retry-after`.
 */
export function retryDelaySeconds(
  receiveCount: number,
  options: { baseSeconds: number; maxSeconds: number; retryAfterSeconds?: number | undefined },
): number {
  const exponent = Math.max(0, receiveCount - 1);
  const exponential = Math.min(options.maxSeconds, options.baseSeconds * 2 ** exponent);
  const wanted = Math.max(exponential, Math.ceil(options.retryAfterSeconds ?? 0));
  // SQS caps a visibility timeout at 12 hours.
  return Math.min(wanted, options.maxSeconds, 43_200);
}
