import { QuoteSourceError } from './quote-source-error.js';

const NAME = 'alpaca';

/**
 * The error for an Alpaca stream error `code` (`msg` as sent), given to `symbol` when it answers
 * that symbol's request. Documented codes: 400 invalid syntax, 401 not authenticated, 402 auth
 * failed, 403 already authenticated, 404 auth timeout, 405 symbol limit exceeded, 406 connection
 * limit exceeded, 407 slow client, 409 insufficient subscription, 500 internal error.
 *
 * @internal
 */
export function alpacaStreamError(
  code: number,
  msg: string,
  feed: string,
  symbol?: string,
): QuoteSourceError {
  const details = symbol === undefined ? { source: NAME } : { source: NAME, symbol };
  const said = `${code} ${msg}`;
  const about = symbol === undefined ? '' : ` the subscription to ${symbol}`;
  switch (code) {
    case 402:
      return rejectedKey(`the stream answered "${said}"`);
    case 406:
      return new QuoteSourceError(
        'CONNECTION_LIMIT',
        `Alpaca refused the connection: another connection already uses this key ("${said}"). The free ` +
          'plan allows one market data connection per key. Close the other client using the same key ' +
          '(another app, terminal or notebook), or use one source for every watch, then watch again. Just ' +
          'after a dropped connection Alpaca may still hold the old one: then watch again in a minute.',
        details,
      );
    case 405:
      return new QuoteSourceError(
        'SYMBOL_LIMIT',
        `Alpaca refused${about}: "${said}". The free plan streams at most 30 symbols on its one ` +
          'connection: stop watching another symbol first.',
        details,
      );
    case 409:
      return new QuoteSourceError(
        'PROVIDER_ERROR',
        `Alpaca refused the ${feed} feed: "${said}": the plan of this key does not include it. Use the ` +
          "free 'iex' feed (or 'test' to try the stream outside market hours).",
        details,
      );
    case 400:
      return new QuoteSourceError(
        'BAD_REQUEST',
        `Alpaca called${about || ' a request'} malformed: "${said}". This is likely a bug: report it, with the symbol.`,
        details,
      );
    default:
      return new QuoteSourceError(
        'PROVIDER_ERROR',
        `Alpaca refused${about || ' a request'}: "${said}". Try again later.`,
        details,
      );
  }
}

/**
 * The `REJECTED_API_KEY` error of a key pair Alpaca refused.
 *
 * @internal
 */
export function rejectedKey(detail: string): QuoteSourceError {
  return new QuoteSourceError(
    'REJECTED_API_KEY',
    `Alpaca rejected the key pair: ${detail}. Check ALPACA_KEY_ID and ALPACA_SECRET_KEY (the key ID and ` +
      'secret of a paper or live trading account, from the Alpaca dashboard).',
    { source: NAME },
  );
}

/**
 * The `SYMBOL_LIMIT` error of a watch refused before it reached Alpaca: `limit` symbols are watched.
 *
 * @internal
 */
export function symbolLimitReached(
  symbol: string,
  limit: number,
  watched: readonly string[],
): QuoteSourceError {
  return new QuoteSourceError(
    'SYMBOL_LIMIT',
    `Cannot watch ${symbol}: Alpaca streams at most ${limit} symbols on one connection (the free plan's ` +
      `limit), and ${watched.length} are watched (${watched.join(', ')}). Stop watching one first, or ` +
      'raise maxSymbols if your plan allows more.',
    { source: NAME, symbol },
  );
}
