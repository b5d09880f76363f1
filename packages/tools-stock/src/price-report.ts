import type { Scheduling } from '@livetools/core';
import type { QuoteFeedStatus } from './quote-source.js';

/**
 * How a report should be delivered to the live conversation: the core `Scheduling` of a tool
 * result, `INTERRUPT` (speak up now), `WHEN_IDLE` (mention it at the next pause) or `SILENT` (add
 * to the context without a turn).
 *
 * @example
 * ```ts
 * const scheduling: ReportScheduling = 'WHEN_IDLE';
 * ```
 */
export type ReportScheduling = Scheduling;

/**
 * Why a report was made: the first price (`initial`), a significant move (`move`), a crossed price
 * alert (`alert`) or a change of feed health (`feed-status`).
 *
 * @example
 * ```ts
 * const kind: PriceReportKind = 'alert';
 * ```
 */
export type PriceReportKind = 'initial' | 'move' | 'alert' | 'feed-status';

/**
 * A crossed (or, on the initial report, already passed) price alert level.
 *
 * @example
 * ```ts
 * const alert: PriceAlert = { direction: 'above', level: 250 };
 * ```
 */
export interface PriceAlert {
  /** Whether the price went above or below the level. */
  readonly direction: 'above' | 'below';
  /** The alert level. */
  readonly level: number;
}

/**
 * One report of the price monitor, ready to hand to the model.
 *
 * @example
 * ```ts
 * const report: PriceReport = {
 *   kind: 'move', symbol: 'AAPL', price: 231.5, time: Date.now(), source: 'simulated', marketOpen: true,
 *   change: 1.2, changePercent: 0.521, changeSinceStart: 1.5, changePercentSinceStart: 0.652,
 *   scheduling: 'WHEN_IDLE',
 * };
 * ```
 */
export interface PriceReport {
  /** What the report is about. */
  readonly kind: PriceReportKind;
  /** The symbol. */
  readonly symbol: string;
  /** Price now (for `feed-status`: the last known price). */
  readonly price: number;
  /** Time of the quote (for `feed-status`: of the status change), epoch ms. */
  readonly time: number;
  /** Name of the quote source. */
  readonly source: string;
  /** Whether the instrument's regular market session is open. */
  readonly marketOpen: boolean;
  /** Price change since the last reported price (0 on the initial report). */
  readonly change: number;
  /** Percent change since the last reported price. */
  readonly changePercent: number;
  /** Price change since the first report. */
  readonly changeSinceStart: number;
  /** Percent change since the first report. */
  readonly changePercentSinceStart: number;
  /** The alert level that was crossed (kind `alert`), or already passed on the initial report. */
  readonly alert?: PriceAlert;
  /** New feed health (kind `feed-status`). */
  readonly feedStatus?: QuoteFeedStatus;
  /** Why the feed health changed, when known (kind `feed-status`). */
  readonly reason?: string;
  /**
   * How many reports this one stands for, when the cap on reports a minute merged several into it
   * (absent otherwise): e.g. an `alert` with `coalesced: 40` says the level was crossed again and
   * again while reports were held; its price is the newest.
   */
  readonly coalesced?: number;
  /** Suggested delivery: `INTERRUPT` for alerts, `WHEN_IDLE` for prices, `SILENT` for feed status. */
  readonly scheduling: ReportScheduling;
}
