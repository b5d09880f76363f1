import {
  asyncScheduler,
  Observable,
  type OperatorFunction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import type { PriceAlert, PriceReport, PriceReportKind, ReportScheduling } from './price-report.js';
import type { Quote, QuoteFeedStatus, QuoteStatusChange, QuoteUpdate } from './quote-source.js';

/**
 * Default move threshold of {@link monitorQuotes}, in percent.
 *
 * @example
 * ```ts
 * monitorQuotes({ thresholdPercent: DEFAULT_THRESHOLD_PERCENT * 2 });
 * ```
 */
export const DEFAULT_THRESHOLD_PERCENT = 0.5;
/**
 * Default alert hysteresis of {@link monitorQuotes}, in percent of the alert level.
 *
 * @example
 * ```ts
 * monitorQuotes({ alertAbove: 200, alertHysteresisPercent: DEFAULT_ALERT_HYSTERESIS_PERCENT * 5 });
 * ```
 */
export const DEFAULT_ALERT_HYSTERESIS_PERCENT = 0.1;

/**
 * Options of {@link monitorQuotes}.
 *
 * @example
 * ```ts
 * const options: MonitorQuotesOptions = { thresholdPercent: 1, alertAbove: 250, minIntervalMs: 30_000 };
 * ```
 */
export interface MonitorQuotesOptions {
  /** Smallest move, in percent of the last reported price, that is worth a report. Default: 0.5. `0` reports every change. */
  readonly thresholdPercent?: number;
  /** Report with `INTERRUPT` when the price rises to or above this level. */
  readonly alertAbove?: number;
  /** Report with `INTERRUPT` when the price falls to or below this level. */
  readonly alertBelow?: number;
  /**
   * Minimum time between two reports of ordinary moves, in ms. A move that comes sooner waits and is
   * coalesced with later quotes: when the interval is over, the newest price is reported if it still
   * differs from the last reported price by the threshold. Alerts and feed status are never held.
   * Default: 0.
   */
  readonly minIntervalMs?: number;
  /**
   * How far, in percent of the level, the price must go back before a fired alert can fire again.
   * Default: 0.1 (an `alertAbove: 200` that fired re-arms once the price is below 199.80).
   */
  readonly alertHysteresisPercent?: number;
  /** Scheduler of the `minIntervalMs` timer and clock. Default: `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * Turns a stream of quote updates into a few reports worth telling a user about — never a flood:
 *
 * - the first quote → `initial`, at once (`WHEN_IDLE`); if the price is already beyond an alert
 *   level, the report carries that `alert` and the alert counts as fired;
 * - then one `move` (`WHEN_IDLE`) each time the price has moved by at least `thresholdPercent` from
 *   the LAST REPORTED price (not from the previous tick), at most one per `minIntervalMs`
 *   (coalesced to the newest price);
 * - crossing `alertAbove` / `alertBelow` → `alert` (`INTERRUPT`) at once, never throttled. Each
 *   alert fires once per crossing and re-arms after the price goes back past the level by
 *   `alertHysteresisPercent`, so a price hovering at the level does not fire again and again;
 * - a change of feed health (`stale`, `reconnecting`, `live` again) → `feed-status` (`SILENT`),
 *   once per change, with the last known price. Status changes before the first quote are not
 *   reported (there is no price to report yet).
 *
 * `change`/`changePercent` are relative to the previous report's price (alerts and moves reset that
 * baseline; feed-status reports do not), `changeSinceStart`/`changePercentSinceStart` to the initial
 * report. Changes are rounded to 6 decimals, percents to 3.
 *
 * @param options - Threshold, alerts, minimum interval, scheduler.
 * @returns An operator from quote updates to price reports.
 *
 * @example
 * ```ts
 * source
 *   .watch('AAPL')
 *   .pipe(monitorQuotes({ thresholdPercent: 1, alertBelow: 200 }))
 *   .subscribe((report) => console.log(report.kind, report.price, report.scheduling));
 * ```
 * @see PriceReport
 */
export function monitorQuotes(
  options: MonitorQuotesOptions = {},
): OperatorFunction<QuoteUpdate, PriceReport> {
  const thresholdPercent = options.thresholdPercent ?? DEFAULT_THRESHOLD_PERCENT;
  const minIntervalMs = options.minIntervalMs ?? 0;
  const hysteresisPercent = options.alertHysteresisPercent ?? DEFAULT_ALERT_HYSTERESIS_PERCENT;
  const hysteresis = hysteresisPercent / 100;
  const { alertAbove, alertBelow } = options;
  const scheduler = options.scheduler ?? asyncScheduler;
  assertNonNegative('thresholdPercent', thresholdPercent);
  assertNonNegative('minIntervalMs', minIntervalMs);
  assertNonNegative('alertHysteresisPercent', hysteresisPercent);
  if (alertAbove !== undefined) assertPositive('alertAbove', alertAbove);
  if (alertBelow !== undefined) assertPositive('alertBelow', alertBelow);

  return (source) =>
    new Observable<PriceReport>((subscriber) => {
      let start: Quote | undefined;
      let baseline: Quote | undefined;
      let latest: Quote | undefined;
      let lastMoveReportAt = Number.NEGATIVE_INFINITY;
      let pending: Quote | undefined;
      let flush: Subscription | undefined;
      let feedStatus: QuoteFeedStatus = 'live';
      let aboveArmed = true;
      let belowArmed = true;

      const report = (
        kind: PriceReportKind,
        quote: Quote,
        scheduling: ReportScheduling,
        extra: { alert?: PriceAlert; status?: QuoteStatusChange } = {},
      ): void => {
        const first = start ?? quote;
        const base = baseline ?? quote;
        const { status, alert } = extra;
        subscriber.next({
          kind,
          symbol: quote.symbol,
          price: quote.price,
          time: status ? status.time : quote.time,
          source: quote.source,
          marketOpen: quote.marketOpen,
          change: roundTo(quote.price - base.price, 6),
          changePercent: roundTo(percent(quote.price, base.price), 3),
          changeSinceStart: roundTo(quote.price - first.price, 6),
          changePercentSinceStart: roundTo(percent(quote.price, first.price), 3),
          ...(alert ? { alert } : {}),
          ...(status ? { feedStatus: status.status } : {}),
          ...(status?.reason === undefined ? {} : { reason: status.reason }),
          scheduling,
        });
        if (!status) {
          baseline = quote;
          lastMoveReportAt = scheduler.now();
        }
      };

      const isMove = (quote: Quote): boolean =>
        baseline !== undefined &&
        quote.price !== baseline.price &&
        Math.abs(percent(quote.price, baseline.price)) >= thresholdPercent - 1e-9;

      const cancelPending = (): void => {
        pending = undefined;
        flush?.unsubscribe();
        flush = undefined;
      };

      const flushPending = (): void => {
        const quote = pending;
        cancelPending();
        if (quote && isMove(quote)) report('move', quote, 'WHEN_IDLE');
      };

      const onQuote = (quote: Quote): void => {
        latest = quote;
        const price = quote.price;
        if (alertAbove !== undefined && !aboveArmed && price < alertAbove * (1 - hysteresis))
          aboveArmed = true;
        if (alertBelow !== undefined && !belowArmed && price > alertBelow * (1 + hysteresis))
          belowArmed = true;
        const alerts: PriceAlert[] = [];
        if (alertAbove !== undefined && aboveArmed && price >= alertAbove) {
          aboveArmed = false;
          alerts.push({ direction: 'above', level: alertAbove });
        }
        if (alertBelow !== undefined && belowArmed && price <= alertBelow) {
          belowArmed = false;
          alerts.push({ direction: 'below', level: alertBelow });
        }
        if (!start) {
          // a level already passed counts as fired; the initial report carries the first one
          const [alert] = alerts;
          start = quote;
          report('initial', quote, 'WHEN_IDLE', alert ? { alert } : {});
          return;
        }
        if (alerts.length > 0) {
          cancelPending();
          for (const alert of alerts) report('alert', quote, 'INTERRUPT', { alert });
          return;
        }
        if (!isMove(quote)) {
          cancelPending();
          return;
        }
        const wait = lastMoveReportAt + minIntervalMs - scheduler.now();
        if (wait <= 0) {
          cancelPending();
          report('move', quote, 'WHEN_IDLE');
          return;
        }
        pending = quote;
        flush ??= scheduler.schedule(flushPending, wait);
      };

      const onStatus = (status: QuoteStatusChange): void => {
        if (status.status === feedStatus) return;
        feedStatus = status.status;
        if (latest) report('feed-status', latest, 'SILENT', { status });
      };

      const subscription = source.subscribe({
        next: (update) => (update.type === 'quote' ? onQuote(update.quote) : onStatus(update)),
        error: (error: unknown) => {
          cancelPending();
          subscriber.error(error);
        },
        complete: () => {
          flushPending();
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        cancelPending();
      };
    });
}

function percent(price: number, base: number): number {
  return base === 0 ? 0 : ((price - base) / base) * 100;
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const rounded = Math.round(value * factor) / factor;
  return rounded === 0 ? 0 : rounded;
}

function assertNonNegative(name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${value}.`);
  }
}

function assertPositive(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new RangeError(`${name} must be a finite number > 0, got ${value}.`);
  }
}
