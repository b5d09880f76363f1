import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tests beside the code in src/, and the suites that are not shipped in test/.
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    typecheck: {
      enabled: true,
      include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
