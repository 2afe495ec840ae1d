import { defineConfig } from 'vitest/config';

/** The e2e tier (npm run test:e2e, through test/e2e/run.sh): real API servers and istiod, one mesh at a time. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    // Clusters and istiod are processes of this machine: one file, one mesh at a time.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 600_000,
  },
});
