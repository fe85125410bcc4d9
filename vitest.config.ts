import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The reliability suite has its own run (`npm run test:reliability`), sized on its own; the
    // shared suite reads material beside the repository and is opt-in (`npm run test:shared`).
    exclude: [...configDefaults.exclude, 'test/reliability/**', 'test/shared/**'],
    environment: 'node',
    // Handlers log JSON through Powertools; tests assert on outcomes, not on log noise.
    env: {
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Integration suites start their own emulators on ephemeral ports, so files can run side by side.
    fileParallelism: true,
  },
});
