/**
 * @internal
 * When resumption attempts start, and when a session stops resuming. Within one resumption, the
 * first attempt starts at once and each failed attempt doubles the wait before the next one,
 * from `initialDelayMs` up to `maxDelayMs`. Resumptions in a row (each after a connection that
 * lasted less than `stableAfterMs`) continue that doubling: the `k`-th in a row waits
 * `min(maxDelayMs, initialDelayMs * 2 ** (k - 2))` before its first attempt, and after
 * `maxConsecutive` of them the session gives up. Times come from the session scheduler's clock.
 */
export class ResumptionPacer {
  /** Resumptions in a row, the current one included. */
  #streak = 0;
  /** When the current connection was set up. */
  #connectedAt: number;

  readonly #settings: {
    readonly initialDelayMs: number;
    readonly maxDelayMs: number;
    readonly maxConsecutive: number;
    readonly stableAfterMs: number;
  };
  readonly #now: () => number;

  constructor(
    settings: {
      readonly initialDelayMs: number;
      readonly maxDelayMs: number;
      readonly maxConsecutive: number;
      readonly stableAfterMs: number;
    },
    now: () => number,
  ) {
    this.#settings = settings;
    this.#now = now;
    this.#connectedAt = now();
  }

  /** Resumptions in a row so far, the one under way included. */
  get inARow(): number {
    return this.#streak;
  }

  /** A connection was set up (the first, or a resumed one). */
  connected(): void {
    this.#connectedAt = this.#now();
  }

  /** A resumption starts; `false` when it would exceed `maxConsecutive` in a row (the session gives up). */
  begin(): boolean {
    if (this.#now() - this.#connectedAt >= this.#settings.stableAfterMs) this.#streak = 0;
    this.#streak += 1;
    return this.#streak <= this.#settings.maxConsecutive;
  }

  /** How long to wait before attempt `attempt` (from 1) of the resumption under way, in ms. */
  waitBefore(attempt: number): number {
    const n = this.#streak - 1 + attempt - 1;
    if (n <= 0) return 0;
    const { initialDelayMs, maxDelayMs } = this.#settings;
    return Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(n - 1, 30));
  }
}
