/** One JSON line per error, for CloudWatch Logs Insights; the client never sees any of it. */
export function logError(message: string, error: unknown, extra: Record<string, unknown> = {}): void {
  const detail =
    error instanceof Error
      ? { name: error.name, message: error.message, stack: error.stack }
      : { value: String(error) };
  console.error(JSON.stringify({ level: 'error', message, error: detail, ...extra }));
}
