/**
 * Issue 13 item 5: a frame from the Live server that is not a JSON object made the SDK reject a
 * promise nobody handles, and Node's default ended the process. Each case runs in a child process
 * (test/support/non-json-frame-child.ts), so a crash is observable: the child must live, report
 * every bad frame as a `MALFORMED_FRAME` error event, and still answer a tool call afterwards.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ChildExit, childExit } from '../support/child-exit.js';
import { badFrames } from '../support/non-json-frames.js';

/** A child starts tsx and compiles the session's sources: seconds on a loaded machine. */
const CHILD_TEST_TIMEOUT_MS = 60_000;
/** How long the child may run: the test's timeout less room to report. */
const CHILD_TIMEOUT_MS = CHILD_TEST_TIMEOUT_MS - 5_000;

const child = fileURLToPath(new URL('../support/non-json-frame-child.ts', import.meta.url));
const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

interface ChildResult {
  readonly errors: { code: string | undefined; message: string }[];
  readonly warnings: string[];
  readonly response: unknown;
  readonly openAfter: boolean;
  readonly listenersBefore: number;
  readonly listenersWhileOpen: number;
  readonly listenersAfter: number;
}

interface Exited extends ChildExit {
  readonly result: ChildResult | undefined;
}

/** The environment without what vitest put there (its NODE_OPTIONS would load vitest hooks). */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(VITEST|TEST$|NODE_OPTIONS$)/.test(key)) env[key] = value;
  }
  return env;
}

function runChild(args: readonly string[]): Promise<Exited> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', child, ...args],
      { cwd: packageRoot, env: childEnv(), timeout: CHILD_TIMEOUT_MS },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
        const result = line === undefined ? undefined : (JSON.parse(line.slice(7)) as ChildResult);
        done({ ...childExit(error, stdout, stderr, CHILD_TIMEOUT_MS), result });
      },
    );
  });
}

describe.each([
  ['@google/genai 3.x', '3'],
  ['@google/genai 2.x', '2'],
])('frames that are not JSON objects, %s', (_name, sdk) => {
  it.each(['binary', 'text'])(
    'over %s frames: the process lives, each frame is one MALFORMED_FRAME error event, and a tool call after them is answered',
    async (transport) => {
      const run = await runChild([sdk, transport]);
      expect(run.stderr).not.toMatch(/SyntaxError|Unhandled/);
      expect(run.code, run.stderr).toBe(0);
      const result = run.result;
      expect(result).toBeDefined();
      expect(result?.response).toEqual({ echoed: 'after the bad frames' });
      expect(result?.openAfter).toBe(true);
      expect(result?.errors).toHaveLength(badFrames.length);
      for (const error of result?.errors ?? []) {
        expect(error.code).toBe('MALFORMED_FRAME');
        expect(error.message).toMatch(/^Ignored a frame from the Live server that is not a JSON object/);
      }
      // The frame is quoted as a JSON string, so control characters in it cannot garble a log line.
      expect(result?.errors[0]?.message).toContain(JSON.stringify(badFrames[0]));
      expect(result?.warnings.filter((w) => /not a JSON object/.test(w))).toHaveLength(badFrames.length);
      // No process-wide handler is involved: the session never touches `unhandledRejection`.
      expect(result?.listenersWhileOpen).toBe(result?.listenersBefore);
      expect(result?.listenersAfter).toBe(result?.listenersBefore);
    },
    CHILD_TEST_TIMEOUT_MS,
  );

  it(
    'an unrelated unhandled rejection still ends the process as Node decides by default',
    async () => {
      const run = await runChild([sdk, 'binary', 'unrelated']);
      expect(run.result?.errors).toHaveLength(badFrames.length);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('an unrelated rejection nobody handles');
    },
    CHILD_TEST_TIMEOUT_MS,
  );
});
