/**
 * `GET /health` asked every 100 ms (after each answer) for as long as something runs, each answer
 * timed from the request to its last byte. A request still unanswered after 10 s counts as 10 s.
 */
export interface HealthWatch {
  /** Stops asking; every answer's time in ms and how many were not a 200. */
  stop(): Promise<{ latenciesMs: number[]; maxMs: number; non200: string[] }>;
}

export function watchHealth(apiUrl: string, everyMs = 100): HealthWatch {
  let stopped = false;
  const latenciesMs: number[] = [];
  const non200: string[] = [];
  const loop = (async () => {
    while (!stopped) {
      const started = performance.now();
      try {
        const res = await fetch(`${apiUrl}/health`, { signal: AbortSignal.timeout(10_000) });
        await res.arrayBuffer();
        if (res.status !== 200) non200.push(String(res.status));
      } catch (e: unknown) {
        non200.push(e instanceof Error ? e.name : String(e));
      }
      latenciesMs.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return { latenciesMs, maxMs: Math.max(0, ...latenciesMs), non200 };
    },
  };
}
