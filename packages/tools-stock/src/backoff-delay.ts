/**
 * Exponential backoff with jitter.
 *
 * @example
 * ```ts
 * const backoff: BackoffOptions = { initialDelayMs: 250, maxDelayMs: 10_000, multiplier: 2, jitter: 0.5 };
 * ```
 */
export interface BackoffOptions {
  /** Delay before the first retry, in ms. Default: 500. */
  readonly initialDelayMs?: number;
  /** Largest delay, in ms. Default: 30 000. */
  readonly maxDelayMs?: number;
  /** Growth factor per failed attempt. Default: 2. */
  readonly multiplier?: number;
  /** Fraction of the delay that is random (0 = none, 1 = anywhere between 0 and the delay). Default: 0.5. */
  readonly jitter?: number;
}

/**
 * The delay before retry number `attempt` (0 for the first retry): `initialDelayMs ·
 * multiplier^attempt`, capped at `maxDelayMs`, of which the `jitter` fraction is random, so many
 * clients that lost the same server do not come back at the same instant.
 *
 * @param attempt - How many retries failed before this one.
 * @param options - Backoff settings.
 * @param random - Uniform random numbers in [0, 1). Default: `Math.random`.
 * @returns The delay in ms.
 *
 * @example
 * ```ts
 * backoffDelay(0, {}, () => 1); // 500
 * backoffDelay(3, {}, () => 1); // 4000
 * backoffDelay(3, {}, () => 0); // 2000 (half of it is jitter)
 * ```
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const multiplier = options.multiplier ?? 2;
  const jitter = Math.min(Math.max(options.jitter ?? 0.5, 0), 1);
  const base = Math.min(max, initial * multiplier ** Math.max(attempt, 0));
  return Math.round(base * (1 - jitter + jitter * random()));
}
