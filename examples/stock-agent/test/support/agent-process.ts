import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
   * still running after {@link WAIT_MS}.
   */
  readonly exited: Promise<number | null>;
  /**
   * Resolves when the output so far (from character `from` on) matches; fails with the output when
   * the process exits first, or after `timeoutMs` (default {@link WAIT_MS}).
   */
  waitFor(pattern: RegExp, from?: number, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Types one line. */
  type(line: string): void;
}

/**
 * How long a wait on the process allows by default: what comes within seconds here, with room for
 * a loaded CI machine, and below vitest's 60 s, so that a stuck process fails with its output.
 */
export const WAIT_MS = 45_000;

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
  type Waiter = { pattern: RegExp; from: number; resolve: (match: RegExpExecArray) => void };
  const waiters: Waiter[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const match = w.pattern.exec(output.slice(w.from));
      if (match) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(match);
      }
    }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    check();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    errors += chunk.toString();
    check();
  });
  const close = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const stuck = (what: string, timeoutMs: number) =>
    new Error(`still running after ${timeoutMs} ms, waiting for ${what}; output:\n${output}`);
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
        const timer = setTimeout(() => reject(stuck('the exit', WAIT_MS)), WAIT_MS);
        void close.then((code) => {
          clearTimeout(timer);
          resolve(code);
        });
      });
    },
    waitFor(pattern: RegExp, from = 0, timeoutMs = WAIT_MS) {
      return new Promise<RegExpExecArray>((resolve, reject) => {
        const match = pattern.exec(output.slice(from));
        if (match) return resolve(match);
        const waiter: Waiter = {
          pattern,
          from,
          resolve: (found) => {
            clearTimeout(timer);
            resolve(found);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(stuck(String(pattern), timeoutMs));
        }, timeoutMs);
        waiters.push(waiter);
        void close.then(() => {
          if (!waiters.includes(waiter)) return; // found or timed out
          waiters.splice(waiters.indexOf(waiter), 1);
          clearTimeout(timer);
          const late = pattern.exec(output.slice(from));
          if (late) resolve(late);
          else reject(new Error(`exited before ${pattern}; output:\n${output}`));
        });
      });
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
