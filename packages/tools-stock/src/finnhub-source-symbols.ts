import { isUsMarketOpen } from './is-us-market-open.js';
import { isForexMarketOpen } from './market-calendar-forex.js';
import { normalizeSymbol } from './normalize-symbol.js';
import { QuoteSourceError } from './quote-source-error.js';

/** Finnhub's forex venues (`/forex/exchange`): their symbols trade from Sunday 17:00 to Friday 17:00 New York time. */
const FOREX_VENUES = new Set([
  'OANDA',
  'FXCM',
  'FOREX.COM',
  'IC MARKETS',
  'ICMTRADER',
  'FXPRO',
  'OCTAFX',
  'PEPPERSTONE',
  'SAXO',
  'FXPIG',
]);

/** A venue before the colon: letters, digits, `.`, `_`, `-` and single spaces (`IC MARKETS`). */
const VENUE = /^[A-Z0-9][A-Z0-9._-]*(?: [A-Z0-9._-]+)*$/;
/** A ticker after the colon: what `normalizeSymbol` accepts, without the venue. */
const TICKER = /^[A-Z0-9^][A-Z0-9.\-_/=^]{0,31}$/;

/**
 * Normalises a Finnhub symbol: like {@link normalizeSymbol} (trimmed, upper-cased), and an
 * exchange prefix may hold spaces, as Finnhub's venue names do (`IC MARKETS:1`): runs of spaces
 * in it become one, and spaces around the colon go.
 *
 * @internal
 * @throws QuoteSourceError with code `UNKNOWN_SYMBOL` when the symbol is malformed.
 * @example
 * ```ts
 * normalizeFinnhubSymbol(' ic  markets : 1 '); // 'IC MARKETS:1'
 * normalizeFinnhubSymbol('oanda:eur_usd');     // 'OANDA:EUR_USD'
 * ```
 */
export function normalizeFinnhubSymbol(symbol: string): string {
  const text = typeof symbol === 'string' ? symbol.trim().toUpperCase() : '';
  const colon = text.indexOf(':');
  if (colon > 0 && /\s/.test(text) && text.length <= 64) {
    const venue = text.slice(0, colon).trim().replace(/\s+/g, ' ');
    const ticker = text.slice(colon + 1).trim();
    if (VENUE.test(venue) && TICKER.test(ticker)) return `${venue}:${ticker}`;
    throw new QuoteSourceError(
      'UNKNOWN_SYMBOL',
      `"${text.slice(0, 80)}" is not a valid Finnhub symbol. Use a US ticker such as AAPL, or an exchange-prefixed one such as BINANCE:BTCUSDT, OANDA:EUR_USD or IC MARKETS:1.`,
      { source: 'finnhub' },
    );
  }
  return normalizeSymbol(symbol, 'finnhub');
}

/**
 * Whether Finnhub's REST `/quote` serves `symbol`: it is documented for stocks, so not for the
 * exchange-prefixed crypto and forex symbols (`BINANCE:BTCUSDT`, `OANDA:EUR_USD`).
 *
 * @internal
 */
export function isServedByQuoteEndpoint(symbol: string): boolean {
  return !symbol.includes(':');
}

/**
 * Whether the market of a Finnhub symbol is open at `time`: US stocks follow the exchange
 * calendar (holidays and early closes included), forex venues close from Friday 17:00 to Sunday
 * 17:00 New York time, other exchange-prefixed symbols (crypto) trade around the clock.
 *
 * @internal
 */
export function finnhubMarketOpen(symbol: string, time: number): boolean {
  const colon = symbol.indexOf(':');
  if (colon < 0) return isUsMarketOpen(time);
  return FOREX_VENUES.has(symbol.slice(0, colon)) ? isForexMarketOpen(time) : true;
}
