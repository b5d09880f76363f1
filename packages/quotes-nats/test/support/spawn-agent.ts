/** Starts {@link ./agent-process.ts} as a real child process and follows its output. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { printed, waitForChild } from './wait-for.js';

export interface AgentProcess {
  readonly child: ChildProcess;
  readonly lines: string[];
  /** Resolves once a line matching `pattern` was printed; fails, with the output, if the agent exited first. */
  saw(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Everything the agent printed so far, for a failure message. */
  printed(): string;
  /** Sends `signal` and resolves when the process exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

export function spawnAgent(env: Record<string, string>): AgentProcess {
  const script = fileURLToPath(new URL('./agent-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // a test run that ends abruptly must not leave the agent behind
  const reap = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', reap);
  child.once('exit', () => process.off('exit', reap));
  const lines: string[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr?.on('data', (chunk: Buffer) => lines.push(`stderr ${chunk.toString().trim()}`));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const output = (): string => [...lines, partial].join('\n');
  return {
    child,
    lines,
    saw: (pattern, timeoutMs = 10_000) =>
      waitForChild(
        child,
        () => lines.find((line) => pattern.test(line)),
        `a line matching ${pattern} from the agent`,
        timeoutMs,
        output,
      ),
    printed: () => printed(output()),
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
