import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Tests draw and encode 640x480 frames and start decode workers: slow on a loaded 2-core CI box
    // (a worker test that takes 1 s alone took 16 s in a CI run beside the other packages' tests).
    testTimeout: 60_000,
    passWithNoTests: true,
    typecheck: {
      enabled: true,
      include: ['src/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
