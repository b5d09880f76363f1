import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Waiters } from './waiters.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A running `npm start -- <args>` (without the build step), stdin and stdout as pipes. */
export interface AgentProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything written to stdout and stderr so far, in order. */
  readonly output: string;
  /** What was written to stderr so far. */
  readonly errors: string;
  /**
   * The exit code, once the process exited and closed its output; fails with the output when it is
   * still running after {@link PROCESS_WAIT_MS}.
   */
  readonly exited: Promise<number | null>;
  /**
   * Resolves when the output so far (from character `from` on) matches; fails with the output when
   * the process exits first, or after `timeoutMs` (default {@link PROCESS_WAIT_MS}).
   */
  waitFor(pattern: RegExp, from?: number, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Types one line. */
  type(line: string): void;
}

/**
 * How long one wait on the process allows by default: what comes within seconds here, with room
 * for a loaded CI machine, and below vitest's 60 s, so that a process stuck at a test's first wait
 * fails with its output (a test with several waits sets its own timeout above their sum).
 */
export const PROCESS_WAIT_MS = 45_000;

/**
 * Starts `script` (default `src/main.ts`) with `args`. The environment is this one without
 * GEMINI_API_KEY and the npm config variables, with `env` on top (an `undefined` value removes a variable).
 */
export function startAgent(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  script = 'src/main.ts',
): AgentProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.GEMINI_API_KEY;
  for (const key of Object.keys(childEnv)) if (key.startsWith('npm_config_')) delete childEnv[key];
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key];
    else childEnv[key] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env: childEnv,
  });
  let output = '';
  let errors = '';
  // every change of the output is offered to the waits; the process closing ends those left
  const changes = new Waiters<string>();
  const take = (chunk: Buffer, stderr: boolean) => {
    output += chunk.toString();
    if (stderr) errors += chunk.toString();
    changes.offer(output);
  };
  child.stdout.on('data', (chunk: Buffer) => take(chunk, false));
  child.stderr.on('data', (chunk: Buffer) => take(chunk, true));
  const close = new Promise<number | null>((resolve) =>
    child.once('close', (code, signal) => {
      changes.closeAll(`exited (code ${code}, signal ${signal})`);
      resolve(code);
    }),
  );
  const withOutput = (what: string) => () => `${what}; output:\n${output}`;
  return {
    child,
    get output() {
      return output;
    },
    get errors() {
      return errors;
    },
    get exited() {
      return new Promise<number | null>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(withOutput(`still running after ${PROCESS_WAIT_MS} ms`)())),
          PROCESS_WAIT_MS,
        );
        void close.then((code) => {
          clearTimeout(timer);
          resolve(code);
        });
      });
    },
    async waitFor(pattern: RegExp, from = 0, timeoutMs = PROCESS_WAIT_MS) {
      const now = pattern.exec(output.slice(from));
      if (now) return now;
      const seen = await changes.wait(
        (o) => pattern.test(o.slice(from)),
        timeoutMs,
        withOutput(String(pattern)),
      );
      return pattern.exec(seen.slice(from))!;
    },
    type(line: string) {
      child.stdin.write(`${line}\n`);
    },
  };
}

/** Kills what a test left running. */
export function stopAll(processes: AgentProcess[]): void {
  if (process.env.DEBUG_AGENT_OUTPUT) for (const p of processes) console.log(p.output);
  for (const p of processes.splice(0))
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill();
}
