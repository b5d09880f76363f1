import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** packages/cli */
export const cliRoot = resolve(import.meta.dirname, '../..');
/** The repository root, whose node_modules every scaffold and fixture resolves from. */
export const repoRoot = resolve(cliRoot, '../..');
export const bin = join(cliRoot, 'dist/bin.js');
export const tscBin = join(repoRoot, 'node_modules/typescript/bin/tsc');
export const vitestBin = join(repoRoot, 'node_modules/vitest/vitest.mjs');

/** The environment of child processes, without what the running vitest put there. */
export function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(VITEST|TEST$|NODE_OPTIONS$|NODE_ENV$|FORCE_COLOR$)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: '1' };
}

export interface Exited {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node <args>` to completion. */
export function node(
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<Exited> {
  const timeout = options.timeoutMs ?? 30_000;
  return new Promise((done) => {
    execFile(
      process.execPath,
      [...args],
      {
        cwd: options.cwd ?? cliRoot,
        env: childEnv(),
        timeout,
        maxBuffer: 16 << 20,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        // A child the timeout killed says so where a failed assertion shows it.
        const killed = error?.killed
          ? `\n[killed by the test after ${timeout} ms (${error.signal ?? 'no signal'})]\n`
          : '';
        done({ code, stdout, stderr: stderr + killed });
      },
    );
  });
}

/** Runs the built `livetools` CLI to completion. */
export function livetools(
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<Exited> {
  if (!existsSync(bin))
    throw new Error(`${bin} is missing: build the CLI first (npm run build -w @livetools/cli).`);
  return node([bin, ...args], options);
}

/** A running CLI: what it printed so far, and a wait for what it prints. */
export interface RunningCli extends ChildProcess {
  output(): Exited;
  /**
   * Resolves once stdout contains `text`; rejects, with everything the child printed, when it
   * closes first or after `timeoutMs`.
   */
  printed(text: string, timeoutMs?: number): Promise<void>;
}

/** Starts the built CLI, for tests that talk to it while it runs. */
export function startLivetools(args: readonly string[], cwd = cliRoot): RunningCli {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const output = (): Exited => ({ code: child.exitCode, stdout, stderr });
  // settles once the child has closed its output, or failed to start
  const closed = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });
  const printed = (text: string, timeoutMs = 30_000): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const shown = (why: string) => {
        const o = output();
        return new Error(
          `${why} before printing ${JSON.stringify(text)}\nstdout:\n${o.stdout}\nstderr:\n${o.stderr}`,
        );
      };
      const timer = setTimeout(() => finish(shown(`still running after ${timeoutMs} ms`)), timeoutMs);
      const onData = (): void => {
        if (stdout.includes(text)) finish();
      };
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        if (error) reject(error);
        else resolve();
      };
      child.stdout.on('data', onData);
      void closed.then(() =>
        finish(
          stdout.includes(text)
            ? undefined
            : shown(`exited (code ${child.exitCode}, signal ${child.signalCode})`),
        ),
      );
      onData();
    });
  return Object.assign(child, { output, printed });
}

/**
 * A fresh directory under packages/cli/.tmp-test (git-ignored), removed on dispose. Inside the
 * repository, so `@livetools/core`, `rxjs`, `zod`, `typescript` and `vitest` resolve to the workspace.
 */
export function tempDir(): AsyncDisposable & { readonly path: string } {
  const base = join(cliRoot, '.tmp-test');
  mkdirSync(base, { recursive: true });
  const path = mkdtempSync(join(base, 't-'));
  return {
    path,
    [Symbol.asyncDispose]: async () => rmSync(path, { recursive: true, force: true }),
  };
}
