import type { SchedulerLike } from 'rxjs';
import { rejectedKey } from './alpaca-errors.js';
import { parseRfc3339 } from './alpaca-time.js';
import { type FetchLike, fetchQuoteJson } from './fetch-json.js';
import type { Quote } from './quote-source.js';
import { QuoteSourceError } from './quote-source-error.js';
import { recordOf } from './record-of.js';
import { providerText } from './symbols-named-in.js';

const NAME = 'alpaca';

/** What {@link latestTrade} needs: endpoint, key pair, feed. */
export interface AlpacaRest {
  /** `https://data.alpaca.markets` or a local server. */
  readonly baseUrl: string;
  readonly fetch: FetchLike;
  readonly keyId: string;
  readonly secretKey: string;
  /** The `feed` query parameter: `iex`, `sip`, `delayed_sip`. */
  readonly feed: string;
  readonly scheduler: SchedulerLike;
  /** Whether the regular session was open at a time. */
  marketOpen(time: number): boolean;
}

/**
 * The latest trade of `symbol` from Alpaca's REST API, `GET /v2/stocks/{symbol}/trades/latest?feed=`,
 * authenticated with the `APCA-API-KEY-ID` and `APCA-API-SECRET-KEY` headers, as a quote not yet
 * checked (the feed and `quote` check it). HTTP 401 (and a 403 not about the plan) →
 * `REJECTED_API_KEY`; 403 about the subscription → `PROVIDER_ERROR`; 404, 422 or an answer without
 * a trade → `UNKNOWN_SYMBOL`; 400 → `BAD_REQUEST`; anything else → `PROVIDER_ERROR`.
 *
 * @internal
 */
export async function latestTrade(
  rest: AlpacaRest,
  symbol: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Quote> {
  const authenticated: FetchLike = (url, init) =>
    rest.fetch(url, {
      ...init,
      headers: {
        ...init?.headers,
        'APCA-API-KEY-ID': rest.keyId,
        'APCA-API-SECRET-KEY': rest.secretKey,
      },
    });
  const response = await fetchQuoteJson(
    authenticated,
    `${rest.baseUrl}/v2/stocks/${encodeURIComponent(symbol)}/trades/latest?feed=${encodeURIComponent(rest.feed)}`,
    {
      source: NAME,
      provider: 'Alpaca',
      request: 'latest trade',
      symbol,
      timeoutMs,
      scheduler: rest.scheduler,
      signal,
    },
  );
  const body = recordOf(response.body);
  const message = typeof body?.message === 'string' ? providerText(body.message) : '';
  const said = message ? `: "${message}"` : '';
  const details = { source: NAME, symbol };
  if (response.status === 401 || (response.status === 403 && !/subscription/i.test(message))) {
    throw rejectedKey(`the REST API answered HTTP ${response.status}${said}`);
  }
  if (response.status === 403) {
    throw new QuoteSourceError(
      'PROVIDER_ERROR',
      `Alpaca refused the latest trade of ${symbol} on the ${rest.feed} feed (HTTP 403${said}): the plan ` +
        "of this key does not include it. Use the free 'iex' feed.",
      details,
    );
  }
  if (response.status === 404 || response.status === 422) throw unknownSymbol(symbol, rest.feed);
  if (response.status === 400) {
    throw new QuoteSourceError(
      'BAD_REQUEST',
      `Alpaca called the latest-trade request for ${symbol} malformed (HTTP 400${said}). This is likely a ` +
        'bug: report it, with the symbol.',
      details,
    );
  }
  if (!response.ok || !body) {
    throw new QuoteSourceError(
      'PROVIDER_ERROR',
      `Alpaca answered HTTP ${response.status}${said} to the latest trade of ${symbol}` +
        `${response.status === 429 ? ' (rate limit: 200 requests a minute on the free plan)' : ''}. Try again later.`,
      details,
    );
  }
  const trade = recordOf(body.trade);
  if (!trade) throw unknownSymbol(symbol, rest.feed);
  const time = parseRfc3339(trade.t);
  const size = trade.s;
  return {
    symbol,
    price: typeof trade.p === 'number' ? trade.p : Number.NaN,
    time,
    source: NAME,
    marketOpen: Number.isFinite(time) && rest.marketOpen(time),
    ...(typeof size === 'number' && Number.isFinite(size) && size >= 0 ? { volume: size } : {}),
  };
}

function unknownSymbol(symbol: string, feed: string): QuoteSourceError {
  return new QuoteSourceError(
    'UNKNOWN_SYMBOL',
    `Alpaca has no trade of "${symbol}" on the ${feed} feed. Check the ticker: Alpaca covers US stocks ` +
      'and ETFs (AAPL, SPY, BRK.B).',
    { source: NAME, symbol },
  );
}
