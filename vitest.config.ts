import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'unit-integration', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**'] },
      },
      // Real browser against the real server; web/dist is built on demand if missing.
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.e2e.test.ts'], hookTimeout: 200_000 } },
    ],
  },
});
