import type { SchedulerLike } from 'rxjs';
import { type FetchLike, fetchQuoteJson } from './fetch-json.js';
import { finnhubMarketOpen } from './finnhub-source-symbols.js';
import type { Quote } from './quote-source.js';
import { QuoteSourceError } from './quote-source-error.js';
import { recordOf } from './record-of.js';
import { providerText } from './symbols-named-in.js';

const NAME = 'finnhub';
/** Finnhub's wording of a bad key: `{"error":"Invalid API key."}`. */
const KEY_WORDING = /invalid api key|api key|invalid token/i;
/** Finnhub's wording of a request the plan does not cover: `{"error":"You don't have access to this resource."}`. */
const ACCESS_WORDING =
  /access to this resource|don'?t have access|do not have access|no access|not entitled/i;

/** How {@link finnhubRestQuote} reaches Finnhub. */
export interface FinnhubRest {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly fetch: FetchLike;
  readonly scheduler: SchedulerLike;
  readonly now: () => number;
}

/**
 * A quote from Finnhub's REST `/quote` (`c` price, `t` time in seconds), not yet checked (the
 * feed and `quote` check it). HTTP 401/403 answers are told apart by their wording: only
 * `Invalid API key.` (or a 401 that names no other reason) rejects the key, for every symbol;
 * `You don't have access to this resource.` (sent with 401 or 403) concerns this symbol only
 * (`NO_ACCESS`). A zero quote is `UNKNOWN_SYMBOL`.
 *
 * @internal
 */
export async function finnhubRestQuote(
  rest: FinnhubRest,
  symbol: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Quote> {
  const response = await fetchQuoteJson(
    rest.fetch,
    `${rest.baseUrl}/quote?symbol=${encodeURIComponent(symbol)}&token=${encodeURIComponent(rest.apiKey)}`,
    {
      source: NAME,
      provider: 'Finnhub',
      request: 'quote',
      symbol,
      timeoutMs,
      scheduler: rest.scheduler,
      signal,
    },
  );
  const body = recordOf(response.body);
  const said = body && body.error !== undefined ? providerText(body.error) : undefined;
  if (response.status === 401 || response.status === 403) {
    const answer = `HTTP ${response.status}${said === undefined ? '' : ` "${said}"`}`;
    const aboutKey = said !== undefined && KEY_WORDING.test(said);
    const aboutAccess = said !== undefined && ACCESS_WORDING.test(said);
    if (aboutKey || (response.status === 401 && !aboutAccess)) {
      throw finnhubRejectedKey(`the REST API answered ${answer}`);
    }
    throw new QuoteSourceError(
      'NO_ACCESS',
      `Your Finnhub plan does not cover ${symbol}: Finnhub answered ${answer}. The free plan covers US ` +
        'stocks (and /quote serves US stocks only): watch a US ticker such as AAPL, or upgrade the plan.',
      { source: NAME, symbol },
    );
  }
  if (!response.ok) {
    throw new QuoteSourceError(
      'PROVIDER_ERROR',
      `Finnhub answered HTTP ${response.status}${said === undefined ? '' : ` "${said}"`} to a quote for ${symbol}` +
        `${response.status === 429 ? ' (rate limit: 60 calls a minute on the free plan; wait a minute)' : ''}. Try again later.`,
      { source: NAME, symbol },
    );
  }
  if (!body) {
    throw new QuoteSourceError(
      'PROVIDER_ERROR',
      `Finnhub answered a quote for ${symbol} with something that is not a quote. Try again later.`,
      { source: NAME, symbol },
    );
  }
  if (body.c === 0) {
    throw new QuoteSourceError(
      'UNKNOWN_SYMBOL',
      `Finnhub has no price for "${symbol}". Check the ticker (e.g. AAPL, or BINANCE:BTCUSDT for crypto).`,
      { source: NAME, symbol },
    );
  }
  const price = typeof body.c === 'number' ? body.c : Number.NaN;
  const now = rest.now();
  // `t` is in seconds; 0 or none means Finnhub gave no time
  const time =
    body.t === undefined || body.t === null || body.t === 0
      ? now
      : typeof body.t === 'number'
        ? body.t * 1000
        : Number.NaN;
  return { symbol, price, time, source: NAME, marketOpen: finnhubMarketOpen(symbol, now) };
}

/**
 * The `REJECTED_API_KEY` error of Finnhub, with what it answered.
 *
 * @internal
 */
export function finnhubRejectedKey(detail: string): QuoteSourceError {
  return new QuoteSourceError(
    'REJECTED_API_KEY',
    `Finnhub rejected the API key: ${detail}. Check FINNHUB_API_KEY (use the regular key, not the sandbox one) and that no other connection uses it.`,
    { source: NAME },
  );
}
