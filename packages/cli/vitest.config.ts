import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The tests drive the built CLI in child processes (tsc, vitest, the tool packages): give them room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
