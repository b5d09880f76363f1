/**
 * `@livetools/tools-stock`: quote sources (simulated, Finnhub, Coinbase, Alpaca) and the price-monitoring
 * logic behind the stock tools.
 *
 * @packageDocumentation
 */

export { type AlpacaFeed, type AlpacaSourceOptions, createAlpacaSource } from './alpaca-source.js';
export { type BackoffOptions, backoffDelay } from './backoff-delay.js';
export { type CoinbaseSourceOptions, createCoinbaseSource } from './coinbase-source.js';
export {
  DEFAULT_QUOTE_TIMEOUT_MS,
  defineQuoteSource,
  type QuoteSourceDefinition,
} from './define-quote-source.js';
export type { FetchLike, FetchResponseLike, RestOptions } from './fetch-json.js';
export {
  createFinnhubSource,
  FINNHUB_FREE_PLAN_SYMBOLS,
  FINNHUB_PING_INTERVAL_MS,
  type FinnhubSourceOptions,
} from './finnhub-source.js';
export { isUsMarketOpen } from './is-us-market-open.js';
export { type CalendarDay, type UsMarketDay, usMarketDay } from './market-calendar.js';
export { isForexMarketOpen } from './market-calendar-forex.js';
export {
  DEFAULT_ALERT_HYSTERESIS_PERCENT,
  DEFAULT_MAX_REPORTS_PER_MINUTE,
  DEFAULT_THRESHOLD_PERCENT,
  type MonitorQuotesOptions,
  monitorQuotes,
} from './monitor-quotes.js';
export { normalizeSymbol } from './normalize-symbol.js';
export type { PriceAlert, PriceReport, PriceReportKind, ReportScheduling } from './price-report.js';
export type {
  Quote,
  QuoteFeedStatus,
  QuoteOptions,
  QuoteSource,
  QuoteSourceStats,
  QuoteStatusChange,
  QuoteTick,
  QuoteUpdate,
} from './quote-source.js';
export {
  QuoteSourceError,
  type QuoteSourceErrorCode,
  type QuoteSourceErrorDetails,
} from './quote-source-error.js';
export {
  MAX_QUOTE_PRICE,
  MAX_QUOTE_TIME,
  MIN_QUOTE_PRICE,
  priceProblem,
  quoteProblem,
  timeProblem,
} from './quote-validation.js';
export {
  type ConnectionFailure,
  createReconnectingWebSocket,
  type ReconnectingWebSocket,
  type ReconnectingWebSocketOptions,
} from './reconnecting-web-socket.js';
export { REPORT_BURST } from './report-budget.js';
export { MAX_TIMER_DELAY_MS } from './schedule-after.js';
export { SIMULATED_INSTRUMENTS, type SimulatedInstrument } from './simulated-instruments.js';
export { createSimulatedSource, type SimulatedSourceOptions } from './simulated-source.js';
export type { WebSocketConstructorLike, WebSocketLike } from './web-socket-like.js';
export {
  createWebSocketQuoteFeed,
  type WebSocketFeedConnection,
  type WebSocketFeedContext,
  type WebSocketQuoteFeed,
  type WebSocketQuoteFeedOptions,
  type WebSocketQuoteProtocol,
} from './web-socket-quote-feed.js';

/**
 * The package's version, kept in step with `package.json`.
 *
 * @example
 * ```ts
 * console.log(`@livetools/tools-stock ${version}`);
 * ```
 */
export const version = '0.1.0';
export { stockTools } from './default-stock-tools.js';
export {
  createStockTools,
  type PriceReportOutput,
  type QuoteOutput,
  type StockToolDefaults,
  type StockTools,
  type StockToolsOptions,
} from './stock-tools.js';
export { DuplicateWatchError, type DuplicateWatchPolicy } from './stock-tools-watches.js';
export { toolPackage } from './tool-package.js';
