/** A stream the CLI writes to: `process.stdout`, `process.stderr` or a test double. */
export interface CliStream {
  /** Writes text as is. */
  write(text: string): unknown;
  /** True on a terminal: enables the spinner (stderr) and colours. */
  readonly isTTY?: boolean | undefined;
}

/**
 * Where the CLI reads and writes: the process by default ({@link processIo}), a double in tests.
 *
 * @example
 * ```ts
 * const out: string[] = [];
 * const io: CliIo = { stdout: { write: (t) => out.push(t) }, stderr: { write: () => {} }, cwd: process.cwd() };
 * const code = await runCli(['check', 'packages/tools-stock'], io);
 * ```
 */
export interface CliIo {
  /** Results: reports, emissions, JSON. */
  readonly stdout: CliStream;
  /** Progress and diagnostics: the spinner, notes, errors. */
  readonly stderr: CliStream;
  /** The directory relative paths and package names are resolved from. */
  readonly cwd: string;
  /**
   * Listens for Ctrl-C (SIGINT). Returns a function that removes the listener. Without it,
   * `run` cannot be interrupted gracefully.
   */
  readonly onInterrupt?: (listener: () => void) => () => void;
  /** Environment variables (`NO_COLOR`). Default: none. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The real process: stdout, stderr, the current directory and SIGINT.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), processIo());
 * ```
 */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
    onInterrupt: (listener) => {
      process.on('SIGINT', listener);
      return () => {
        process.off('SIGINT', listener);
      };
    },
  };
}
