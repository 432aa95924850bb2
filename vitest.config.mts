import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'methodologies/**/*.test.ts'],
    environment: 'node',
    // Safety nets against a hung test, not speed targets (npm run bench measures speed): CI shares two
    // cores, and a loaded machine must never fail a test that is only slow.
    testTimeout: 240_000,
    hookTimeout: 420_000,
    pool: 'forks',
    setupFiles: ['test/helpers/setup.ts'],
  },
});
