import {
  asyncScheduler,
  Observable,
  type OperatorFunction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import type { PriceAlert, PriceReport, PriceReportKind, ReportScheduling } from './price-report.js';
import type { Quote, QuoteFeedStatus, QuoteStatusChange, QuoteUpdate } from './quote-source.js';
import { createReportBudget } from './report-budget.js';
import { scheduleAfter } from './schedule-after.js';

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
 * Default hard cap of {@link monitorQuotes}: reports of every kind a minute, after a burst of 3 (one
 * every 10 s: about what a spoken conversation can take in).
 *
 * @example
 * ```ts
 * monitorQuotes({ maxReportsPerMinute: DEFAULT_MAX_REPORTS_PER_MINUTE / 2 });
 * ```
 */
export const DEFAULT_MAX_REPORTS_PER_MINUTE = 6;

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
  /**
   * Hard cap on reports of every kind, alerts and feed status included: up to 3 at once, then one
   * each `60 / maxReportsPerMinute` seconds. Reports over the cap are held and merged into one,
   * sent as soon as the cap allows with the newest price; its kind is the most urgent of those it
   * stands for (an `alert` over a `move`), and its `coalesced` says how many that is. A held move
   * the price has since undone is not sent. When the source completes or fails, what is held is
   * sent at once, before the end. Default: 6 ({@link DEFAULT_MAX_REPORTS_PER_MINUTE});
   * `Infinity` removes the cap.
   */
  readonly maxReportsPerMinute?: number;
  /** Scheduler of the `minIntervalMs` and cap timers and clock. Default: `asyncScheduler`. */
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
 *   reported (there is no price to report yet);
 * - whatever the kind, no more than `maxReportsPerMinute` (default 6, after a burst of 3): a
 *   flood of quotes or alerts is merged into one report with the newest price, whose `coalesced`
 *   says how many reports it stands for.
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
  const maxReportsPerMinute = options.maxReportsPerMinute ?? DEFAULT_MAX_REPORTS_PER_MINUTE;
  if (!(maxReportsPerMinute >= 1)) {
    throw new RangeError(
      `maxReportsPerMinute must be a number >= 1 (or Infinity), got ${maxReportsPerMinute}.`,
    );
  }
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
      let reportedStatus: QuoteFeedStatus = 'live';
      let aboveArmed = true;
      let belowArmed = true;
      // over the cap: the reports waiting for it, merged
      const budget = createReportBudget(maxReportsPerMinute);
      let held: { kind: 'move' | 'alert'; alert: PriceAlert | undefined; count: number } | undefined;
      let heldStatus: { status: QuoteStatusChange; count: number } | undefined;
      let release: Subscription | undefined;

      const report = (
        kind: PriceReportKind,
        quote: Quote,
        scheduling: ReportScheduling,
        extra: { alert?: PriceAlert | undefined; status?: QuoteStatusChange; coalesced?: number } = {},
      ): void => {
        const first = start ?? quote;
        const base = baseline ?? quote;
        const { status, alert, coalesced = 1 } = extra;
        if (status) reportedStatus = status.status;
        else {
          baseline = quote;
          lastMoveReportAt = scheduler.now();
        }
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
          ...(coalesced > 1 ? { coalesced } : {}),
          scheduling,
        });
      };

      const isMove = (quote: Quote): boolean =>
        baseline !== undefined &&
        quote.price !== baseline.price &&
        Math.abs(percent(quote.price, baseline.price)) >= thresholdPercent - 1e-9;

      /** Sends what the cap held, newest price first, then the feed status if it still differs. */
      const releaseHeld = (force: boolean): void => {
        release?.unsubscribe();
        release = undefined;
        const now = scheduler.now();
        if (held && latest) {
          const { kind, alert, count } = held;
          if (kind === 'move' && !isMove(latest))
            held = undefined; // the price undid the move
          else if (force || budget.take(now)) {
            held = undefined;
            if (kind === 'alert') report('alert', latest, 'INTERRUPT', { alert, coalesced: count });
            else report('move', latest, 'WHEN_IDLE', { coalesced: count });
          }
        }
        if (!held && heldStatus && latest) {
          const { status, count } = heldStatus;
          if (status.status === reportedStatus) heldStatus = undefined;
          else if (force || budget.take(now)) {
            heldStatus = undefined;
            report('feed-status', latest, 'SILENT', { status, coalesced: count });
          }
        }
        if ((held || heldStatus) && !force) holdRelease();
      };

      const holdRelease = (): void => {
        release ??= scheduleAfter(scheduler, budget.waitMs(scheduler.now()), () => releaseHeld(false));
      };

      const sendPrice = (kind: 'initial' | 'move' | 'alert', quote: Quote, alert?: PriceAlert): void => {
        const scheduling: ReportScheduling = kind === 'alert' ? 'INTERRUPT' : 'WHEN_IDLE';
        if (!held && !heldStatus && budget.take(scheduler.now())) {
          report(kind, quote, scheduling, { alert });
          return;
        }
        held = {
          kind: kind === 'alert' || held?.kind === 'alert' ? 'alert' : 'move',
          alert: alert ?? held?.alert,
          count: (held?.count ?? 0) + 1,
        };
        holdRelease();
      };

      const sendStatus = (status: QuoteStatusChange): void => {
        if (!latest) return;
        if (!held && !heldStatus && budget.take(scheduler.now())) {
          report('feed-status', latest, 'SILENT', { status });
          return;
        }
        heldStatus = { status, count: (heldStatus?.count ?? 0) + 1 };
        holdRelease();
      };

      const cancelPending = (): void => {
        pending = undefined;
        flush?.unsubscribe();
        flush = undefined;
      };

      const flushPending = (): void => {
        const quote = pending;
        cancelPending();
        if (quote && isMove(quote)) sendPrice('move', quote);
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
          sendPrice('initial', quote, alert);
          return;
        }
        if (alerts.length > 0) {
          cancelPending();
          for (const alert of alerts) sendPrice('alert', quote, alert);
          return;
        }
        if (!isMove(quote)) {
          cancelPending();
          return;
        }
        const wait = lastMoveReportAt + minIntervalMs - scheduler.now();
        if (wait <= 0) {
          cancelPending();
          sendPrice('move', quote);
          return;
        }
        pending = quote;
        flush ??= scheduleAfter(scheduler, wait, flushPending);
      };

      const onStatus = (status: QuoteStatusChange): void => {
        if (status.status === feedStatus) return;
        feedStatus = status.status;
        sendStatus(status);
      };

      const subscription = source.subscribe({
        next: (update) => (update.type === 'quote' ? onQuote(update.quote) : onStatus(update)),
        error: (error: unknown) => {
          cancelPending();
          releaseHeld(true); // what the cap held (an alert, say) is told before the error, never lost
          subscriber.error(error);
        },
        complete: () => {
          flushPending();
          releaseHeld(true);
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        cancelPending();
        release?.unsubscribe();
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
