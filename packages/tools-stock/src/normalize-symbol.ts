import { QuoteSourceError } from './quote-source-error.js';

const SYMBOL_PATTERN = /^[A-Z0-9^][A-Z0-9.\-:_/=^]{0,31}$/;

/**
 * Normalises a ticker symbol: trims it and upper-cases it, then checks that it looks like a symbol
 * (1 to 32 characters: letters, digits and `. - : _ / = ^`, e.g. `AAPL`, `BRK.B`, `BTC-USD`,
 * `BINANCE:BTCUSDT`, `^GSPC`). Throws `UNKNOWN_SYMBOL` otherwise.
 *
 * @param symbol - What the user or the model typed.
 * @param source - Name of the source, for the error message.
 * @returns The normalised symbol.
 * @throws QuoteSourceError with code `UNKNOWN_SYMBOL` when the symbol is malformed.
 *
 * @example
 * ```ts
 * normalizeSymbol('  aapl '); // 'AAPL'
 * normalizeSymbol('btc-usd'); // 'BTC-USD'
 * normalizeSymbol('$$$');     // throws QuoteSourceError (UNKNOWN_SYMBOL)
 * ```
 */
export function normalizeSymbol(symbol: string, source?: string): string {
  const normalized = typeof symbol === 'string' ? symbol.trim().toUpperCase() : '';
  if (!SYMBOL_PATTERN.test(normalized)) {
    throw new QuoteSourceError(
      'UNKNOWN_SYMBOL',
      `"${String(symbol)}" is not a valid ticker symbol. Use an exchange ticker such as AAPL, MSFT or BTC-USD.`,
      source === undefined ? {} : { source },
    );
  }
  return normalized;
}
