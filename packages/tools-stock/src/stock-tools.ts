import {
  defineStreamingTool,
  defineTool,
  type Emission,
  emit,
  type OneShotTool,
  type ParametersSchema,
  type StreamingTool,
} from '@livetools/core';
import { map, type Observable, takeUntil, timer } from 'rxjs';
import { z } from 'zod';
import { DEFAULT_THRESHOLD_PERCENT, monitorQuotes } from './monitor-quotes.js';
import type { PriceReport } from './price-report.js';
import type { Quote, QuoteSource } from './quote-source.js';

/** Defaults applied when the model leaves an argument out. */
export interface StockToolDefaults {
  /** Move, in percent, worth a report. Default 0.5. */
  readonly thresholdPercent?: number;
  /** Minimum seconds between two ordinary move reports. Default 0 (moves are already thresholded). */
  readonly minSecondsBetweenReports?: number;
  /** Longest a watch may run, in minutes, when the model gives no duration. Default: until stopped. */
  readonly maxDurationMinutes?: number;
}

/** Options of {@link createStockTools}. */
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
    time: new Date(report.time).toISOString(),
    source: report.source,
    marketOpen: report.marketOpen,
    ...(report.alert ? { alert: report.alert } : {}),
    ...(report.feedStatus ? { feedStatus: report.feedStatus } : {}),
  };
}

function toQuoteOutput(quote: Quote): QuoteOutput {
  return {
    symbol: quote.symbol,
    price: quote.price,
    time: new Date(quote.time).toISOString(),
    source: quote.source,
    marketOpen: quote.marketOpen,
    ...(quote.bid === undefined ? {} : { bid: quote.bid }),
    ...(quote.ask === undefined ? {} : { ask: quote.ask }),
  };
}

/** The stock tools bound to one quote source: usable as `tools: stockTools` or by name. */
export interface StockTools extends ReadonlyArray<StreamingTool | OneShotTool> {
  /** `monitor_stock_price`: watches a symbol and reports significant moves and crossed alerts. */
  readonly monitorStockPrice: StreamingTool<ParametersSchema, Emission<PriceReportOutput>>;
  /** `get_stock_price`: one quote. */
  readonly getStockPrice: OneShotTool<ParametersSchema, QuoteOutput>;
}

/**
 * Creates `monitor_stock_price` and `get_stock_price` bound to a quote source.
 *
 * `monitor_stock_price` reports the current price at once, then one report per move of at least
 * the threshold since the last report (`WHEN_IDLE`), every crossed alert level (`INTERRUPT`), and
 * changes of the feed's health (`SILENT`). Several symbols are several calls, each stopped on its
 * own; all calls and sessions watching one symbol share one upstream subscription.
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
  const maxMinutes = options.maxDurationMinutes;

  const monitorStockPrice = defineStreamingTool({
    name: 'monitor_stock_price',
    description:
      `Watches a stock or crypto price (${source.name} quotes) and keeps reporting: the current price at once, ` +
      `then each move of at least thresholdPercent (default ${defaultThreshold}%) since the last report, ` +
      'and immediately when an alert level is crossed. Call it once per symbol; stop it with stop_streaming.',
    parameters: monitorParameters,
    execute: (args, ctx) => {
      const minutes = args.durationMinutes ?? maxMinutes;
      const reports$: Observable<Emission<PriceReportOutput>> = source.watch(args.symbol).pipe(
        monitorQuotes({
          thresholdPercent: args.thresholdPercent ?? defaultThreshold,
          minIntervalMs: (args.minSecondsBetweenReports ?? defaultMinSeconds) * 1000,
          scheduler: ctx.scheduler,
          ...(args.alertAbove === undefined ? {} : { alertAbove: args.alertAbove }),
          ...(args.alertBelow === undefined ? {} : { alertBelow: args.alertBelow }),
        }),
        map((report) => emit(toOutput(report), { scheduling: report.scheduling })),
      );
      return minutes === undefined
        ? reports$
        : reports$.pipe(takeUntil(timer(minutes * 60_000, ctx.scheduler)));
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
