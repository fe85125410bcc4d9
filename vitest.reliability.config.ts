import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { LEDGER_ENV } from './test/reliability/support/ledger.ts';

// One ledger per run: scenarios (in worker processes) append their figures, the reporter sums them.
process.env[LEDGER_ENV] ??= join(tmpdir(), `khulasa-reliability-${process.pid}-${Date.now()}.jsonl`);

export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    environment: 'node',
    env: {
      [LEDGER_ENV]: process.env[LEDGER_ENV],
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    // Each file drives whole stacks and measures throughput: one at a time on a 2-core machine.
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 90_000,
    hookTimeout: 90_000,
    reporters: ['default', './test/reliability/support/summary-reporter.ts'],
  },
});
