import { defineConfig } from 'vitest/config';

// One config for every suite. Long soak runs sit behind SOAK=1 (npm run test:soak).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
    // A page buffer reused while something still reads it shows up as garbage (page-pool.ts PP4).
    env: { OMBRA_POISON_FREED_PAGES: '1' },
  },
});
