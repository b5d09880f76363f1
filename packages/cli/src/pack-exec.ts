import { execFile } from 'node:child_process';

/** What a finished child process printed. @internal */
export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command to completion without a shell and never rejects: a command that cannot start
 * or is killed at `timeoutMs` gives a `null` code and says why in `stderr`. @internal
 */
export function exec(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly timeoutMs?: number; readonly env?: NodeJS.ProcessEnv },
): Promise<Finished> {
  return new Promise((done) => {
    execFile(
      command,
      [...args],
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 300_000,
        maxBuffer: 64 << 20,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (!error) return done({ code: 0, stdout, stderr });
        const code = typeof error.code === 'number' ? error.code : null;
        const why = error.killed ? `\n(killed after ${options.timeoutMs ?? 300_000} ms)` : '';
        done({ code, stdout, stderr: `${stderr}${code === null ? `${error.message}${why}` : ''}` });
      },
    );
  });
}

/** The last `lines` lines of a command's output, for an error message. @internal */
export function tail(text: string, lines = 12): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** `npm` for this platform. @internal */
export const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
