import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tests beside the code in src/, and the suites that are not shipped in test/.
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The reliability suites connect to fake servers over sockets in real time, with waits of up to
    // 10 s that say what they saw: vitest's 5 s default would cut them short on a loaded CI box.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    typecheck: {
      enabled: true,
      include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
