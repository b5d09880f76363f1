import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** How long a fault test waits for one expected event before failing. */
export const EVENT_TIMEOUT_MS = 20_000;

/** One JSON line a fault-test child printed, with its `event` name. */
export interface ChildLine {
  readonly event: string;
  readonly [key: string]: unknown;
}

/** The environment of child processes, without what the running vitest put there. */
export function childEnv(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(VITEST|TEST$|NODE_OPTIONS$|NODE_ENV$|FORCE_COLOR$)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra, NO_COLOR: '1' };
}

/**
 * A child process (`node --import tsx <script>`) that reports what happens to it as JSON lines on
 * stdout. Every line is kept; waiters are woken by each new line, by the process's exit, and never
 * by a timer (the timeout only fails the test).
 */
export class LineProcess implements AsyncDisposable {
  /** Every JSON line so far, in order. */
  readonly lines: ChildLine[] = [];
  /** Whatever the child wrote that was not a JSON line (stderr, stray output), for failure messages. */
  readonly noise: string[] = [];
  readonly child: ChildProcess;
  /** Resolves with the exit code or signal once the process has exited. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
  private readonly waiters = new Set<() => void>();
  private exit: number | NodeJS.Signals | null | undefined;

  constructor(
    readonly name: string,
    script: string,
    env: Readonly<Record<string, string>>,
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: childEnv(env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exit = signal ?? code;
        resolve(this.exit);
        this.wake();
      });
    });
    createInterface({ input: this.child.stdout! }).on('line', (text) => {
      const line = parseLine(text);
      if (line) this.lines.push(line);
      else this.noise.push(text);
      this.wake();
    });
    createInterface({ input: this.child.stderr! }).on('line', (text) => this.noise.push(text));
  }

  /** The pid of the child. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Lines with this event name. */
  events(event: string): ChildLine[] {
    return this.lines.filter((line) => line.event === event);
  }

  /**
   * Resolves with the first line from index `from` on that matches; rejects when the process exits
   * first or after `timeoutMs`, naming `what` and showing the last lines.
   */
  nextLine(
    match: (line: ChildLine) => boolean,
    what: string,
    from = 0,
    timeoutMs = EVENT_TIMEOUT_MS,
  ): Promise<ChildLine> {
    return this.until(() => this.lines.slice(from).find(match), what, timeoutMs);
  }

  /**
   * Resolves with `probe()`'s first non-undefined result, checked now and after every line and at
   * exit; rejects after `timeoutMs` or when the process has exited and the probe still fails.
   */
  until<T>(probe: () => T | undefined, what: string, timeoutMs = EVENT_TIMEOUT_MS): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = (error?: Error, value?: T): void => {
        this.waiters.delete(check);
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(value as T);
      };
      const check = (): void => {
        let value: T | undefined;
        try {
          value = probe();
        } catch (error) {
          done(error as Error);
          return;
        }
        if (value !== undefined) done(undefined, value);
        else if (this.exit !== undefined) done(this.failure(`exited (${this.exit}) before ${what}`));
      };
      const timer = setTimeout(
        () => done(this.failure(`timed out after ${timeoutMs} ms waiting for ${what}`)),
        timeoutMs,
      );
      this.waiters.add(check);
      check();
    });
  }

  /** Writes one command line to the child's stdin. */
  send(command: string): void {
    this.child.stdin?.write(`${command}\n`);
  }

  /** Sends `signal` (SIGKILL, SIGSTOP, SIGCONT, SIGTERM) to the child. */
  signal(signal: NodeJS.Signals): void {
    if (this.exit === undefined) this.child.kill(signal);
  }

  /** Asks the child to finish (`quit` on stdin), then kills it if it has not exited in 5 s. */
  async stop(): Promise<void> {
    if (this.exit !== undefined) return;
    this.child.kill('SIGCONT');
    this.send('quit');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private failure(message: string): Error {
    const tail = [...this.lines.slice(-8).map((line) => JSON.stringify(line)), ...this.noise.slice(-8)];
    return new Error(`${this.name} (pid ${this.pid}) ${message}; last output:\n${tail.join('\n')}`);
  }
}

function parseLine(text: string): ChildLine | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { event?: unknown }).event === 'string'
    ) {
      return value as ChildLine;
    }
  } catch {}
  return undefined;
}
