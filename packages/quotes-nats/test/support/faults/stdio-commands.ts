import { createInterface } from 'node:readline';

/** Prints one JSON line on stdout: what the fault tests read from a child process. */
export function report(event: string, data: Readonly<Record<string, unknown>> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, at: Date.now(), ...data })}\n`);
}

/** A logger that prints every entry as a `log` line. */
export const lineLogger = {
  debug: (message: string, data?: Record<string, unknown>) =>
    report('log', { level: 'debug', message, data }),
  info: (message: string, data?: Record<string, unknown>) => report('log', { level: 'info', message, data }),
  warn: (message: string, data?: Record<string, unknown>) => report('log', { level: 'warn', message, data }),
  error: (message: string, data?: Record<string, unknown>) =>
    report('log', { level: 'error', message, data }),
};

/** Runs `handlers[command](argument)` for every line on stdin (`watch AAPL`, `stats`, `quit`). */
export function onCommands(
  handlers: Readonly<Record<string, (argument: string) => void | Promise<void>>>,
): void {
  createInterface({ input: process.stdin }).on('line', (line) => {
    const [command = '', argument = ''] = line.trim().split(/\s+/, 2);
    const handler = handlers[command];
    if (!handler) {
      report('unknown-command', { command });
      return;
    }
    Promise.resolve(handler(argument)).catch((error: unknown) =>
      report('command-failed', { command, message: error instanceof Error ? error.message : `${error}` }),
    );
  });
}

/** A required environment variable, or exit with a message. */
export function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    process.stderr.write(`${name} is required\n`);
    process.exit(2);
  }
  return value;
}

/** An optional numeric environment variable. */
export function numberFrom(name: string): number | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : Number(value);
}
