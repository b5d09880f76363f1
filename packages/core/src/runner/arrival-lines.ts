import type { CallRecord } from './call-record.js';

/**
 * @internal
 * The calls of tools whose duplicate policy depends on order (`replace`, `reject`, `queue`), per
 * tool, in arrival order, from arrival until they are settled. A call that finishes validating
 * before an older call of the same tool waits for it, so that policies follow arrival order, not
 * validation order.
 */
export class ArrivalLines {
  readonly #lines = new Map<string, CallRecord[]>();
  /** While above 0, a batch of cancellations runs: lines are drained when it ends. */
  #holds = 0;
  readonly #held = new Set<string>();
  readonly #settle: (record: CallRecord) => void;
  readonly #closed: () => boolean;

  /**
   * @param settle admits a validated call or answers an invalid one (called in arrival order).
   * @param closed true once the runner is disposed: nothing is settled any more.
   */
  constructor(settle: (record: CallRecord) => void, closed: () => boolean) {
    this.#settle = settle;
    this.#closed = closed;
  }

  /** Puts a call that just arrived at the end of its tool's line. */
  join(record: CallRecord): void {
    const line = this.#lines.get(record.name);
    if (line) line.push(record);
    else this.#lines.set(record.name, [record]);
  }

  /**
   * Settles the calls at the head of a tool's line whose validation is done (`outcome` set) or
   * that ended meanwhile (dropped), stopping at the first one still validating.
   */
  drain(name: string): void {
    if (this.#closed()) return;
    if (this.#holds > 0) {
      this.#held.add(name);
      return;
    }
    const line = this.#lines.get(name);
    if (!line) return;
    while (line.length > 0) {
      const head = line[0]!;
      if (head.phase === 'validating' && head.outcome === undefined) break; // the rest wait
      line.shift();
      if (head.phase === 'validating') this.#settle(head);
    }
    // A settle may have re-entered (an events$ subscriber) and replaced the line: keep the new one.
    if (line.length === 0 && this.#lines.get(name) === line) this.#lines.delete(name);
  }

  /**
   * Runs a batch of cancellations and drains afterwards, so that a call waiting behind a cancelled
   * one is not admitted while the batch is still cancelling (it may be in the batch too).
   */
  batch<T>(run: () => T): T {
    this.#holds += 1;
    try {
      return run();
    } finally {
      this.#holds -= 1;
      if (this.#holds === 0 && this.#held.size > 0) {
        const names = [...this.#held];
        this.#held.clear();
        for (const name of names) this.drain(name);
      }
    }
  }

  /** Forgets every line (the runner is disposed). */
  clear(): void {
    this.#lines.clear();
    this.#held.clear();
  }
}
