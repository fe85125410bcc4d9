import { appendFileSync } from 'node:fs';

/**
 * The figures each scenario contributes to the suite's summary table. Scenarios run in separate
 * worker processes, so they append one JSON line each to a file the reporter reads at the end.
 */
export interface Figures {
  scenario: number;
  uploads?: number;
  /** Records in a terminal state (`done`, `failed`, `deleted`) for this scenario's uploads. */
  records?: number;
  llmCalls?: number;
  deadLetters?: number;
  /** Uploads without a record in a terminal state. */
  lost?: number;
  /** Successful LLM calls beyond one per unique content. */
  duplicateLlmCalls?: number;
  apiRequests?: number;
  apiErrors?: number;
}

export const LEDGER_ENV = 'KHULASA_RELIABILITY_LEDGER';

export function recordFigures(figures: Figures): void {
  const file = process.env[LEDGER_ENV];
  if (!file) return;
  appendFileSync(file, `${JSON.stringify(figures)}\n`);
}
