import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { findNatsServer } from './src/testing/nats-binary.js';

// The relay, the NATS source and the fault tests run against a real nats-server. In CI (CI=true)
// it is required; elsewhere, without one, the tests that start it are skipped with a notice.
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';
const needsServer = /(testing\/nats-server|faults\/fault-nats-server|faults\/fleet-processes)\.js/;
const testFiles = (): string[] =>
  ['src', 'test'].flatMap((dir) =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.test.ts'))
      .map((file) => join(dir, file)),
  );
const skipped =
  inCi || findNatsServer() ? [] : testFiles().filter((file) => needsServer.test(readFileSync(file, 'utf8')));
if (skipped.length > 0) {
  console.warn(
    `\n[quotes-nats] ${skipped.length} test files SKIPPED: no nats-server found (NATS_SERVER_BIN, PATH, /usr/sbin). ` +
      'Install it (Debian/Ubuntu: apt-get install nats-server) or set NATS_SERVER_BIN; with CI=true they are required.\n',
  );
}

export default defineConfig({
  test: {
    // Tests beside the code in src/, and the suites that are not shipped (the fault tests) in test/.
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...skipped],
    passWithNoTests: true,
    // Tests with a real nats-server (and child processes) wait for events; under CI's parallel load
    // the first connection and JetStream's first bucket take seconds, so the bound is generous.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    typecheck: {
      enabled: true,
      include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
