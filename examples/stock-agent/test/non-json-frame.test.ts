/**
 * Issue 13 item 5, seen from the console: frames from the Live server that are not JSON objects
 * made the SDK reject a promise nobody handles, and the console's process exited. The console runs
 * in a child process (support/non-json-frame-console.ts) so a crash is observable: it must live,
 * show each bad frame to the page as a session error, and still run a tool call afterwards.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
/** How long the child may run: tsx compiles it on the fly, slow on a loaded machine. */
const CHILD_TIMEOUT_MS = 55_000;

interface ConsoleResult {
  readonly badFrames: number;
  readonly errors: { code: string; message: string }[];
  readonly answered: boolean;
  readonly toolEnd: { reason: string } | undefined;
}

function runConsole(
  sdk: string,
): Promise<{ code: number | null; stdout: string; stderr: string; result?: ConsoleResult }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(VITEST|TEST$|NODE_OPTIONS$)/.test(key)) env[key] = value;
  }
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'test/support/non-json-frame-console.ts', sdk],
      { cwd: root, env, timeout: CHILD_TIMEOUT_MS },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
        done({
          code,
          stdout,
          // a child the timeout killed says so where a failed assertion shows it
          stderr: error?.killed
            ? `${stderr}\n[killed by the test after ${CHILD_TIMEOUT_MS} ms (${error.signal ?? 'no signal'})]\n`
            : stderr,
          ...(line === undefined ? {} : { result: JSON.parse(line.slice(7)) as ConsoleResult }),
        });
      },
    );
  });
}

describe.each([
  ['@google/genai 3.x', '3'],
  ['@google/genai 2.x', '2'],
])('the console receiving frames that are not JSON, %s', (_name, sdk) => {
  it('keeps running: the page sees one session error per bad frame, and a tool call after them completes', async () => {
    const run = await runConsole(sdk);
    expect(run.stderr).not.toMatch(/SyntaxError|Unhandled/);
    expect(run.code, `${run.stderr}\nstdout:\n${run.stdout}`).toBe(0);
    expect(run.result?.answered).toBe(true);
    expect(run.result?.toolEnd?.reason).toBe('completed');
    expect(run.result?.errors).toHaveLength(run.result?.badFrames ?? -1);
    for (const error of run.result?.errors ?? []) {
      expect(error).toMatchObject({
        code: 'SESSION_ERROR',
        message: expect.stringMatching(/^Ignored a frame from the Live server that is not a JSON object/),
      });
    }
  });
});
