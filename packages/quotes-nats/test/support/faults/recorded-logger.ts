import type { Logger } from '@livetools/core';
import { EVENT_TIMEOUT_MS } from './line-process.js';

/** One entry a {@link RecordedLogger} was given. */
export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly data: Record<string, unknown> | undefined;
  readonly at: number;
}

/**
 * A logger for an in-process relay that keeps every entry and lets a test wait for one: waiters are
 * woken by each entry, never by a timer (the timeout only fails the test).
 */
export class RecordedLogger implements Logger {
  readonly entries: LogEntry[] = [];
  private readonly waiters = new Set<() => void>();

  debug(message: string, data?: Record<string, unknown>): void {
    this.record('debug', message, data);
  }
  info(message: string, data?: Record<string, unknown>): void {
    this.record('info', message, data);
  }
  warn(message: string, data?: Record<string, unknown>): void {
    this.record('warn', message, data);
  }
  error(message: string, data?: Record<string, unknown>): void {
    this.record('error', message, data);
  }

  /** Resolves with the first entry from index `from` on whose message matches `pattern`. */
  logged(pattern: RegExp, from = 0, timeoutMs = EVENT_TIMEOUT_MS): Promise<LogEntry> {
    return new Promise<LogEntry>((resolve, reject) => {
      const check = (): void => {
        const entry = this.entries.slice(from).find((e) => pattern.test(e.message));
        if (!entry) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(entry);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        const tail = this.entries.slice(-10).map((e) => `${e.level} ${e.message}`);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for a log entry ${pattern}; last:\n${tail.join('\n')}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  private record(level: LogEntry['level'], message: string, data: Record<string, unknown> | undefined): void {
    this.entries.push({ level, message, data, at: Date.now() });
    for (const waiter of [...this.waiters]) waiter();
  }
}
