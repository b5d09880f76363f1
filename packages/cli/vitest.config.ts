import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tests beside the code in src/; their shared helpers are in test/support/ (never published).
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The tests drive the built CLI in child processes (tsc, vitest, the tool packages): give them room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
