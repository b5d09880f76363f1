import {
  defineStreamingTool,
  defineTool,
  type OneShotTool,
  type ParametersSchema,
  type ScheduledEmission,
  type StreamingTool,
  ToolDefinitionError,
  withScheduling,
} from '@livetools/core';
import { map, type Observable, takeUntil } from 'rxjs';
import { z } from 'zod';
import {
  DEFAULT_MAX_REPORTS_PER_MINUTE,
  DEFAULT_THRESHOLD_PERCENT,
  monitorQuotes,
} from './monitor-quotes.js';
import type { PriceReport } from './price-report.js';
import type { Quote, QuoteSource } from './quote-source.js';
import { longTimer } from './schedule-after.js';
import {
  type DuplicateWatchError,
  type DuplicateWatchPolicy,
  SessionWatches,
} from './stock-tools-watches.js';

/**
 * Defaults applied when the model leaves an argument out, and the cap it cannot lift.
 *
 * @example
 * ```ts
 * const defaults: StockToolDefaults = { thresholdPercent: 0.2, minSecondsBetweenReports: 30, maxReportsPerMinute: 6 };
 * ```
 */
export interface StockToolDefaults {
  /** Move, in percent, worth a report. Default 0.5. */
  readonly thresholdPercent?: number;
  /**
   * Minimum seconds between two ordinary move reports of one call; moves in between are coalesced
   * to the newest price. Default 0 (moves are already thresholded, and `maxReportsPerMinute` caps
   * them); the model may ask for another value (0 to 3600) with the `minSecondsBetweenReports`
   * argument.
   */
  readonly minSecondsBetweenReports?: number;
  /**
   * The rate a live conversation can bear, as a hard cap on the reports of one call, of every kind
   * (moves, alerts, feed status): up to 3 at once, then this many a minute; reports over it are
   * merged into one with the newest price (see `monitorQuotes`). The model cannot lift it.
   * Default 6 (one report every 10 s after the burst); `Infinity` removes it.
   */
  readonly maxReportsPerMinute?: number;
  /**
   * How long a watch runs, in minutes, when the model gives no `durationMinutes`. Any positive
   * length works, also beyond what one timer holds (about 24.8 days): it is timed in steps.
   * Default: until stopped.
   */
  readonly maxDurationMinutes?: number;
  /**
   * A second watch of a symbol the session already watches: `refuse` (default) answers it with a
   * `DUPLICATE_CALL` error naming the running call, so one symbol is never narrated twice; `allow`
   * runs both. Other sessions are not concerned: each may watch the symbol.
   */
  readonly duplicateWatch?: DuplicateWatchPolicy;
}

/**
 * Options of {@link createStockTools}.
 *
 * @example
 * ```ts
 * const options: StockToolsOptions = { source: createSimulatedSource(), thresholdPercent: 1 };
 * ```
 */
export interface StockToolsOptions extends StockToolDefaults {
  /** Where quotes come from: `createSimulatedSource()`, `createFinnhubSource()`, `createCoinbaseSource()` or your own. */
  readonly source: QuoteSource;
}

const monitorParameters = z.object({
  symbol: z.string().min(1).max(20).describe('Ticker symbol to watch, e.g. AAPL, MSFT or BTC-USD.'),
  thresholdPercent: z
    .number()
    .min(0)
    .max(50)
    .optional()
    .describe('Report a move once the price has changed this many percent since the last report.'),
  alertAbove: z
    .number()
    .positive()
    .optional()
    .describe('Interrupt at once when the price rises to or above this.'),
  alertBelow: z
    .number()
    .positive()
    .optional()
    .describe('Interrupt at once when the price falls to or below this.'),
  minSecondsBetweenReports: z
    .number()
    .min(0)
    .max(3600)
    .optional()
    .describe('Wait at least this many seconds between two ordinary move reports.'),
  durationMinutes: z
    .number()
    .positive()
    .max(24 * 60)
    .optional()
    .describe('Stop watching after this many minutes.'),
});

const quoteParameters = z.object({
  symbol: z.string().min(1).max(20).describe('Ticker symbol, e.g. AAPL, MSFT or BTC-USD.'),
});

/** What `monitor_stock_price` sends to the model for each report. */
export interface PriceReportOutput {
  /** `initial`, `move`, `alert` or `feed-status`. */
  readonly kind: PriceReport['kind'];
  /** The symbol. */
  readonly symbol: string;
  /** The latest price. */
  readonly price: number;
  /** Change since the last report. */
  readonly change: number;
  /** Change since the last report, in percent. */
  readonly changePercent: number;
  /** Change since the watch started. */
  readonly changeSinceStart: number;
  /** Change since the watch started, in percent. */
  readonly changePercentSinceStart: number;
  /** When the quote was made, ISO 8601. */
  readonly time: string;
  /** The quote source. */
  readonly source: string;
  /** Whether the market is open. */
  readonly marketOpen: boolean;
  /** The alert level crossed, for `alert` reports. */
  readonly alert?: PriceReport['alert'];
  /** The feed's health, for `feed-status` reports. */
  readonly feedStatus?: PriceReport['feedStatus'];
  /** How many reports this one stands for, when the cap on reports a minute merged several into it. */
  readonly coalesced?: number;
}

/** What `get_stock_price` answers. */
export interface QuoteOutput {
  /** The symbol. */
  readonly symbol: string;
  /** The latest price. */
  readonly price: number;
  /** When the quote was made, ISO 8601. */
  readonly time: string;
  /** The quote source. */
  readonly source: string;
  /** Whether the market is open. */
  readonly marketOpen: boolean;
  /** Best bid, when the source has one. */
  readonly bid?: number;
  /** Best ask, when the source has one. */
  readonly ask?: number;
}

function toOutput(report: PriceReport): PriceReportOutput {
  return {
    kind: report.kind,
    symbol: report.symbol,
    price: report.price,
    change: report.change,
    changePercent: report.changePercent,
    changeSinceStart: report.changeSinceStart,
    changePercentSinceStart: report.changePercentSinceStart,
    time: isoTime(report.time),
    source: report.source,
    marketOpen: report.marketOpen,
    ...(report.alert ? { alert: report.alert } : {}),
    ...(report.feedStatus ? { feedStatus: report.feedStatus } : {}),
    ...(report.coalesced === undefined ? {} : { coalesced: report.coalesced }),
  };
}

/** ISO 8601 of an epoch-ms time; `'unknown'` (never a throw) for one no `Date` can hold. */
function isoTime(time: number): string {
  return Math.abs(time) <= 8.64e15 ? new Date(time).toISOString() : 'unknown';
}

function toQuoteOutput(quote: Quote): QuoteOutput {
  return {
    symbol: quote.symbol,
    price: quote.price,
    time: isoTime(quote.time),
    source: quote.source,
    marketOpen: quote.marketOpen,
    ...(quote.bid === undefined ? {} : { bid: quote.bid }),
    ...(quote.ask === undefined ? {} : { ask: quote.ask }),
  };
}

/** The stock tools bound to one quote source: usable as `tools: stockTools` or by name. */
export interface StockTools extends ReadonlyArray<StreamingTool | OneShotTool> {
  /** `monitor_stock_price`: watches a symbol and reports significant moves and crossed alerts. */
  readonly monitorStockPrice: StreamingTool<ParametersSchema, ScheduledEmission<PriceReportOutput>>;
  /** `get_stock_price`: one quote. */
  readonly getStockPrice: OneShotTool<ParametersSchema, QuoteOutput>;
}

/**
 * Creates `monitor_stock_price` and `get_stock_price` bound to a quote source.
 *
 * `monitor_stock_price` reports the current price at once, then one report per move of at least
 * the threshold since the last report (`WHEN_IDLE`), every crossed alert level (`INTERRUPT`), and
 * changes of the feed's health (`SILENT`). Several symbols are several calls, each stopped on its
 * own; all calls and sessions watching one symbol share one upstream subscription. A second watch
 * of a symbol its session already watches is refused with a {@link DuplicateWatchError}
 * (`DUPLICATE_CALL`, naming the running call) unless `duplicateWatch` is `'allow'`.
 *
 * A quote flood never reaches the model as one: every report of a call counts against
 * `maxReportsPerMinute` (default 6 a minute, after a burst of 3), and what is held back is merged
 * into one report with the newest price.
 *
 * @throws ToolDefinitionError (`TOOL_DEFINITION`) when a default is out of range: `thresholdPercent`
 *   or `minSecondsBetweenReports` negative, `maxReportsPerMinute` below 1, `maxDurationMinutes` not a
 *   positive finite number.
 *
 * @example
 * ```ts
 * import { createLiveAgent } from '@livetools/core';
 * import { createCoinbaseSource, createStockTools } from '@livetools/tools-stock';
 *
 * const tools = createStockTools({ source: createCoinbaseSource(), thresholdPercent: 0.2 });
 * const agent = createLiveAgent({ ai, model, tools });
 * ```
 */
export function createStockTools(options: StockToolsOptions): StockTools {
  const { source } = options;
  const defaultThreshold = options.thresholdPercent ?? DEFAULT_THRESHOLD_PERCENT;
  const defaultMinSeconds = options.minSecondsBetweenReports ?? 0;
  const maxReportsPerMinute = options.maxReportsPerMinute ?? DEFAULT_MAX_REPORTS_PER_MINUTE;
  const maxMinutes = options.maxDurationMinutes;
  const watches = options.duplicateWatch === 'allow' ? undefined : new SessionWatches();
  check('thresholdPercent', defaultThreshold, Number.isFinite(defaultThreshold) && defaultThreshold >= 0);
  check(
    'minSecondsBetweenReports',
    defaultMinSeconds,
    Number.isFinite(defaultMinSeconds) && defaultMinSeconds >= 0,
  );
  check('maxReportsPerMinute', maxReportsPerMinute, maxReportsPerMinute >= 1);
  if (maxMinutes !== undefined) {
    check('maxDurationMinutes', maxMinutes, Number.isFinite(maxMinutes) && maxMinutes > 0);
  }

  const monitorStockPrice = defineStreamingTool({
    name: 'monitor_stock_price',
    description:
      `Watches a stock or crypto price (${source.name} quotes) and keeps reporting: the current price at once, ` +
      `then each move of at least thresholdPercent (default ${defaultThreshold}%) since the last report, ` +
      'and immediately when an alert level is crossed. Call it once per symbol: a second watch of a symbol ' +
      'already watched is refused with the running call id; stop it with stop_streaming.',
    parameters: monitorParameters,
    execute: (args, ctx) => {
      const minutes = args.durationMinutes ?? maxMinutes;
      const reports$: Observable<ScheduledEmission<PriceReportOutput>> = source.watch(args.symbol).pipe(
        monitorQuotes({
          thresholdPercent: args.thresholdPercent ?? defaultThreshold,
          minIntervalMs: (args.minSecondsBetweenReports ?? defaultMinSeconds) * 1000,
          maxReportsPerMinute,
          scheduler: ctx.scheduler,
          ...(args.alertAbove === undefined ? {} : { alertAbove: args.alertAbove }),
          ...(args.alertBelow === undefined ? {} : { alertBelow: args.alertBelow }),
        }),
        map((report) => withScheduling(toOutput(report), report.scheduling)),
      );
      const watch$ =
        minutes === undefined
          ? reports$
          : reports$.pipe(takeUntil(longTimer(minutes * 60_000, ctx.scheduler)));
      return watches ? watches.guard(args.symbol, ctx, watch$) : watch$;
    },
  });

  const getStockPrice = defineTool({
    name: 'get_stock_price',
    description: `Gets the current price of a stock or crypto symbol once (${source.name} quotes).`,
    parameters: quoteParameters,
    execute: async ({ symbol }) => toQuoteOutput(await source.quote(symbol)),
  });

  return Object.assign([monitorStockPrice, getStockPrice] as const, { monitorStockPrice, getStockPrice });
}

/** Refuses an out-of-range default of {@link createStockTools} with a clear `TOOL_DEFINITION` error. */
function check(name: string, value: number, ok: boolean): void {
  if (ok) return;
  const expected =
    name === 'maxDurationMinutes'
      ? 'a positive, finite number of minutes (leave it out to watch until stopped)'
      : name === 'maxReportsPerMinute'
        ? 'a number >= 1, or Infinity for no cap'
        : 'a finite number >= 0';
  throw new ToolDefinitionError(`createStockTools: ${name} must be ${expected}; got ${value}.`);
}
