/**
 * Reports a call may send at once before the rate of `maxReportsPerMinute` applies.
 *
 * @example
 * ```ts
 * const burst = Math.min(REPORT_BURST, maxReportsPerMinute);
 * ```
 */
export const REPORT_BURST = 3;

/**
 * A token bucket of reports: up to {@link REPORT_BURST} at once, then one each `60 000 /
 * perMinute` ms, so no more than `perMinute` (plus the burst) go out in any minute.
 *
 * @internal
 */
export interface ReportBudget {
  /** Spends one report if one is available at `now` (ms); returns whether it did. */
  take(now: number): boolean;
  /** How long, in ms from `now`, until a report is available. */
  waitMs(now: number): number;
}

/**
 * Creates a {@link ReportBudget} for `perMinute` reports a minute; `Infinity` never limits.
 *
 * @internal
 * @example
 * ```ts
 * const budget = createReportBudget(12);
 * if (budget.take(scheduler.now())) send(report);
 * ```
 */
export function createReportBudget(perMinute: number): ReportBudget {
  if (perMinute === Number.POSITIVE_INFINITY) return { take: () => true, waitMs: () => 0 };
  const capacity = Math.min(REPORT_BURST, perMinute);
  const intervalMs = 60_000 / perMinute;
  let tokens = capacity;
  let last: number | undefined;
  const refill = (now: number): void => {
    if (last !== undefined && now > last) tokens = Math.min(capacity, tokens + (now - last) / intervalMs);
    last = now;
  };
  return {
    take(now) {
      refill(now);
      if (tokens < 1 - 1e-9) return false;
      tokens = Math.max(0, tokens - 1);
      return true;
    },
    waitMs(now) {
      refill(now);
      return tokens >= 1 - 1e-9 ? 0 : Math.ceil((1 - tokens) * intervalMs);
    },
  };
}
