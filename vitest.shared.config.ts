import { defineConfig } from 'vitest/config';

// `npm run test:shared`: suites that read third-party material beside the repository (../shared).
// Opt-in, so a bare clone's `npm test` never depends on it; CI runs it too.
export default defineConfig({
  test: {
    include: ['test/shared/**/*.test.ts'],
    environment: 'node',
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
    testTimeout: 120_000,
    pool: 'forks',
  },
});
