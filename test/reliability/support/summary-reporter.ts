import { existsSync, readFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';
import { type Figures, LEDGER_ENV } from './ledger.ts';

type Totals = Required<Omit<Figures, 'scenario'>>;
const ZERO: Totals = {
  uploads: 0,
  records: 0,
  llmCalls: 0,
  deadLetters: 0,
  lost: 0,
  duplicateLlmCalls: 0,
  apiRequests: 0,
  apiErrors: 0,
};

/** `scenario 7: …` in a test's full name → 7. */
const scenarioOf = (fullName: string): number | null => {
  const match = /\bscenario (\d+)\b/i.exec(fullName);
  return match ? Number(match[1]) : null;
};

/** Prints the suite's one summary table once every file has run. */
export default class ReliabilitySummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const outcome = new Map<number, boolean>();
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const scenario = scenarioOf(test.fullName);
        if (scenario === null) continue;
        const passed = test.result().state === 'passed';
        outcome.set(scenario, (outcome.get(scenario) ?? true) && passed);
      }
    }
    const totals = { ...ZERO };
    const file = process.env[LEDGER_ENV];
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const figures = JSON.parse(line) as Figures;
        for (const key of Object.keys(ZERO) as (keyof Totals)[]) totals[key] += figures[key] ?? 0;
      }
    }
    const passed = [...outcome.values()].filter(Boolean).length;
    const rows: [string, string][] = [
      ['scenarios passed', `${passed}/${outcome.size}`],
      ['uploads made', String(totals.uploads)],
      ['records stored', String(totals.records)],
      ['LLM calls', String(totals.llmCalls)],
      ['DLQ count', String(totals.deadLetters)],
      ['lost uploads', String(totals.lost)],
      ['duplicate LLM calls', String(totals.duplicateLlmCalls)],
      ['API requests served', String(totals.apiRequests)],
      ['API errors', String(totals.apiErrors)],
    ];
    const width = Math.max(...rows.map(([name]) => name.length));
    const valueWidth = Math.max(...rows.map(([, value]) => value.length));
    const rule = `+${'-'.repeat(width + 2)}+${'-'.repeat(valueWidth + 2)}+`;
    const lines = [
      '',
      'khulasa reliability summary',
      rule,
      ...rows.map(([name, value]) => `| ${name.padEnd(width)} | ${value.padStart(valueWidth)} |`),
      rule,
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}
