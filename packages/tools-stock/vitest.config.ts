import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tests beside the code in src/; the suites that are not shipped (hostile providers) in test/.
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    passWithNoTests: true,
    typecheck: {
      enabled: true,
      include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
