import { finnhubRejectedKey } from './finnhub-source-rest.js';
import { finnhubMarketOpen } from './finnhub-source-symbols.js';
import { QuoteSourceError } from './quote-source-error.js';
import { priceProblem, timeProblem } from './quote-validation.js';
import { recordOf } from './record-of.js';
import { providerText, symbolsNamedIn } from './symbols-named-in.js';
import type { WebSocketFeedContext } from './web-socket-quote-feed.js';

const NAME = 'finnhub';
const KEY_ERROR = /api key|token|unauthori[sz]ed|forbidden|invalid key|not authenticated/i;
/** Finnhub's refusal of one subscription: `Invalid symbol OANDA:EUR_USD` (the symbol may hold spaces). */
const INVALID_SYMBOL = /^\s*invalid symbol\s+(.+?)\s*$/i;
/** Finnhub's refusal of a subscription beyond the plan's limit: `Subscribing to too many symbols`. */
const TOO_MANY = /too many symbols/i;

/**
 * Reads the messages of Finnhub's WebSocket for one feed, and remembers, per connection, the
 * subscriptions not yet confirmed by a trade, newest last: Finnhub's limit error names no symbol,
 * and belongs to the newest of them.
 *
 * @internal
 */
export class FinnhubMessages {
  /** Subscribed on this connection and not yet confirmed by a trade, in the order sent. */
  readonly #unconfirmed = new Set<string>();

  readonly #now: () => number;
  readonly #maxSymbols: number;

  constructor(now: () => number, maxSymbols: number) {
    this.#now = now;
    this.#maxSymbols = maxSymbols;
  }

  /** A new connection: nothing subscribed on it yet. */
  connectionOpened(): void {
    this.#unconfirmed.clear();
  }

  subscribed(symbol: string): void {
    this.#unconfirmed.delete(symbol);
    this.#unconfirmed.add(symbol);
  }

  unsubscribed(symbol: string): void {
    this.#unconfirmed.delete(symbol);
  }

  handle(message: Record<string, unknown>, feed: WebSocketFeedContext): void {
    if (message.type === 'trade') this.#handleTrades(message.data, feed);
    else if (message.type === 'error') this.#handleError(providerText(message.msg ?? 'unknown error'), feed);
    // `ping` and unknown message types only keep the connection marked alive.
  }

  #handleTrades(data: unknown, feed: WebSocketFeedContext): void {
    if (!Array.isArray(data)) {
      feed.ignoreMessage('a trade message without a data array');
      return;
    }
    const latest = new Map<string, { price: number; time: number; volume: number }>();
    for (const item of data) {
      const trade = readTrade(item, this.#now);
      if (typeof trade === 'string') {
        feed.ignoreQuote(trade, { symbol: recordOf(item)?.s });
        continue;
      }
      const previous = latest.get(trade.symbol);
      if (!previous) latest.set(trade.symbol, trade);
      else {
        const newer = trade.time >= previous.time;
        latest.set(trade.symbol, {
          price: newer ? trade.price : previous.price,
          time: newer ? trade.time : previous.time,
          volume: previous.volume + trade.volume,
        });
      }
    }
    for (const [symbol, trade] of latest) {
      this.#unconfirmed.delete(symbol);
      feed.quote({
        symbol,
        price: trade.price,
        time: trade.time,
        source: NAME,
        marketOpen: finnhubMarketOpen(symbol, trade.time),
        volume: trade.volume,
      });
    }
  }

  #handleError(text: string, feed: WebSocketFeedContext): void {
    const named = INVALID_SYMBOL.exec(text)?.[1];
    if (named !== undefined) {
      // exactly the symbol named (a closing full stop aside), or nobody: "Invalid symbol AAPLX" is not about AAPL
      const watched = feed.watched();
      const invalid = [named, named.replace(/\.$/, '')].find((candidate) => watched.includes(candidate));
      if (invalid === undefined) {
        feed.ignoreMessage('an "Invalid symbol" error about a symbol not watched', { symbol: named });
        return;
      }
      feed.fail(
        invalid,
        new QuoteSourceError(
          'UNKNOWN_SYMBOL',
          `Finnhub does not stream "${invalid}": it said "${text}". Check the ticker (e.g. AAPL, or ` +
            'BINANCE:BTCUSDT for crypto, OANDA:EUR_USD for forex).',
          { source: NAME, symbol: invalid },
        ),
      );
      return;
    }
    if (TOO_MANY.test(text)) {
      this.#failNewestUnconfirmed(text, feed);
      return;
    }
    if (KEY_ERROR.test(text)) {
      feed.failAll(finnhubRejectedKey(`it said "${text}"`));
      return;
    }
    this.#failNamedOrWaiting(text, feed);
  }

  /** The limit error names nobody: it answers the newest subscription not yet confirmed by a trade. */
  #failNewestUnconfirmed(text: string, feed: WebSocketFeedContext): void {
    const watched = new Set(feed.watched());
    const symbol = [...this.#unconfirmed].reverse().find((candidate) => watched.has(candidate));
    if (symbol === undefined) {
      feed.ignoreMessage('a subscription-limit error with no subscription waiting for an answer');
      return;
    }
    this.#unconfirmed.delete(symbol);
    feed.fail(
      symbol,
      new QuoteSourceError(
        'SYMBOL_LIMIT',
        `Finnhub refused to stream ${symbol}: it said "${text}". The key's plan allows fewer symbols on ` +
          `one connection than the ${this.#maxSymbols} of maxSymbols (the free plan allows 50): stop watching ` +
          'another symbol first, or set maxSymbols to the limit of your plan.',
        { source: NAME, symbol },
      ),
    );
  }

  /** Any other error: the symbols it names as whole words, or else every symbol still waiting. */
  #failNamedOrWaiting(text: string, feed: WebSocketFeedContext): void {
    const words = symbolsNamedIn(text);
    const named = feed.watched().filter((symbol) => words.has(symbol));
    for (const symbol of named) {
      feed.fail(
        symbol,
        new QuoteSourceError('PROVIDER_ERROR', `Finnhub reported an error for ${symbol}: "${text}".`, {
          source: NAME,
          symbol,
        }),
      );
    }
    if (named.length > 0) return;
    // it names nobody: it may concern any symbol still waiting for its first trade
    const waiting = feed.awaitingFirstQuote();
    for (const symbol of waiting) {
      feed.fail(
        symbol,
        new QuoteSourceError(
          'PROVIDER_ERROR',
          `Finnhub reported an error that named no symbol: "${text}". It was given to every symbol still ` +
            `waiting for its first trade (${waiting.join(', ')}), since it may concern any of them. ` +
            'Check the tickers, then watch the valid ones again.',
          { source: NAME, symbol },
        ),
      );
    }
  }
}

/** A trade of a `trade` message, or why it cannot be used. A trade without `t` is timed on receipt. */
function readTrade(
  item: unknown,
  now: () => number,
): { symbol: string; price: number; time: number; volume: number } | string {
  const trade = recordOf(item);
  if (!trade) return 'a trade that is not an object';
  if (typeof trade.s !== 'string' || trade.s === '') return 'a trade without a symbol (s)';
  const time = trade.t === undefined ? now() : trade.t;
  const problem = priceProblem(trade.p) ?? timeProblem(time);
  if (problem !== undefined) return problem;
  const volume = typeof trade.v === 'number' && Number.isFinite(trade.v) && trade.v >= 0 ? trade.v : 0;
  return { symbol: trade.s, price: trade.p as number, time: time as number, volume };
}
