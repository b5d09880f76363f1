import type { ExecFileException } from 'node:child_process';

/** How a child run by `execFile` ended: its exit code (null when a signal ended it) and its output. */
export interface ChildExit {
  readonly code: number | null;
  readonly stdout: string;
  /** What it wrote to stderr, and a last line when the test's timeout killed it. */
  readonly stderr: string;
}

/**
 * Reads `execFile`'s callback arguments: a child the `timeoutMs` killed says so at the end of its
 * stderr, where a failed assertion shows it (otherwise it only has no exit code).
 */
export function childExit(
  error: ExecFileException | null,
  stdout: string,
  stderr: string,
  timeoutMs: number,
): ChildExit {
  const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
  const killed = error?.killed
    ? `\n[killed by the test after ${timeoutMs} ms (${error.signal ?? 'no signal'})]\n`
    : '';
  return { code, stdout, stderr: stderr + killed };
}
