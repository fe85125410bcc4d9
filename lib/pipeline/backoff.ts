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
  // What the server asked for wins over the cap (waiting less would only earn another 429), up to
  // the 12 hours SQS allows a visibility timeout.
  return Math.min(Math.max(exponential, Math.ceil(options.retryAfterSeconds ?? 0)), 43_200);
}
