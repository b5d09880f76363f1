import type { Logger } from '@livetools/core';
import { ChangeNotifier } from './wait-until.js';

/** A logger that keeps its debug messages and lets a test await them (the other levels are dropped). */
export class DebugLog implements Logger {
  readonly messages: string[] = [];
  private readonly changes = new ChangeNotifier();

  debug(message: string): void {
    this.messages.push(message);
    this.changes.notify();
  }

  info(): void {}

  warn(): void {}

  error(): void {}

  /** Waits until `n` debug messages have been logged; resolves with the n-th. */
  nth(n: number): Promise<string> {
    return this.changes.until(() => this.messages[n - 1], `debug message #${n}`);
  }
}
