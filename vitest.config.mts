import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The consumer test packs and installs the package; give it room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 300_000,
  },
});
