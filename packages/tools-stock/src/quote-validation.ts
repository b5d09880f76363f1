import type { Quote } from './quote-source.js';
import { QuoteSourceError } from './quote-source-error.js';

/**
 * Smallest price a quote may carry. Prices below it (and 0, negatives, `NaN`) are refused: no
 * listed instrument trades that low, and percent changes from such a base would overflow.
 *
 * @example
 * ```ts
 * if (price < MIN_QUOTE_PRICE) console.log('refused');
 * ```
 */
export const MIN_QUOTE_PRICE = 1e-12;

/**
 * Largest price a quote may carry (exclusive). Prices at or above it (and `Infinity`) are refused
 * as the garbage of a broken provider.
 *
 * @example
 * ```ts
 * if (price >= MAX_QUOTE_PRICE) console.log('refused');
 * ```
 */
export const MAX_QUOTE_PRICE = 1e15;

/**
 * Latest time a quote may carry, in epoch ms: 2200-01-01. Later times are refused; they are
 * nearly always a time in micro- or nanoseconds, or garbage, and the latest a `Date` can hold
 * is not much further.
 *
 * @example
 * ```ts
 * if (time > MAX_QUOTE_TIME) console.log('refused');
 * ```
 */
export const MAX_QUOTE_TIME = Date.UTC(2200, 0, 1);

/**
 * Why a price cannot be used, or `undefined` when it can: it must be a finite number from
 * {@link MIN_QUOTE_PRICE} to below {@link MAX_QUOTE_PRICE}.
 *
 * @example
 * ```ts
 * priceProblem(-1); // 'price -1 is not a positive number below 1000000000000000'
 * ```
 */
export function priceProblem(price: unknown): string | undefined {
  if (typeof price !== 'number') return `price is a ${kindOf(price)}, not a number`;
  if (Number.isFinite(price) && price >= MIN_QUOTE_PRICE && price < MAX_QUOTE_PRICE) return undefined;
  return `price ${price} is not a positive number below ${MAX_QUOTE_PRICE}`;
}

/**
 * Why a time cannot be used, or `undefined` when it can: it must be epoch milliseconds from 1970
 * to {@link MAX_QUOTE_TIME}.
 *
 * @example
 * ```ts
 * timeProblem(1.7e18); // 'time 1700000000000000000 is not epoch milliseconds between 1970 and 2200'
 * ```
 */
export function timeProblem(time: unknown): string | undefined {
  if (typeof time !== 'number') return `time is a ${kindOf(time)}, not a number`;
  if (Number.isFinite(time) && time >= 0 && time <= MAX_QUOTE_TIME) return undefined;
  return `time ${time} is not epoch milliseconds between 1970 and 2200`;
}

/**
 * Why a quote cannot be used, or `undefined` when it can: its symbol must be a non-empty string,
 * its price pass {@link priceProblem}, its time {@link timeProblem}, and its optional `bid`, `ask`
 * and `volume` be finite and not negative. Cheap: a handful of comparisons.
 *
 * @example
 * ```ts
 * const problem = quoteProblem(quote);
 * if (problem) logger.debug(`ignored a quote: ${problem}`);
 * ```
 */
export function quoteProblem(quote: Quote): string | undefined {
  if (typeof quote !== 'object' || quote === null) return `the quote is a ${kindOf(quote)}`;
  if (typeof quote.symbol !== 'string' || quote.symbol === '') return 'the quote has no symbol';
  const problem = priceProblem(quote.price) ?? timeProblem(quote.time);
  if (problem) return problem;
  for (const field of ['bid', 'ask', 'volume'] as const) {
    const value: unknown = quote[field];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      return `${field} ${describe(value)} is not a finite number >= 0`;
    }
  }
  return undefined;
}

/**
 * The one-shot quote a provider answered, when {@link quoteProblem} finds nothing wrong with it;
 * else a `PROVIDER_ERROR` that says what is wrong: `<answered> that cannot be used: <problem>. Try
 * again later.`
 *
 * @param quote - The quote, not yet checked.
 * @param answered - Who answered what, for the message: `Coinbase answered a ticker for BTC-USD`.
 * @param details - The error's `source` and `symbol`.
 * @throws QuoteSourceError with code `PROVIDER_ERROR` when the quote cannot be used.
 *
 * @internal
 * @example
 * ```ts
 * const quote = checkedQuote(await restQuote('AAPL'), 'Finnhub answered a quote for AAPL', {
 *   source: 'finnhub',
 *   symbol: 'AAPL',
 * });
 * ```
 */
export function checkedQuote(
  quote: Quote,
  answered: string,
  details: { readonly source: string; readonly symbol: string },
): Quote {
  const problem = quoteProblem(quote);
  if (problem === undefined) return quote;
  throw new QuoteSourceError(
    'PROVIDER_ERROR',
    `${answered} that cannot be used: ${problem}. Try again later.`,
    details,
  );
}

/** `null`, `array`, or the `typeof` of a value, for messages. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : kindOf(value);
}
