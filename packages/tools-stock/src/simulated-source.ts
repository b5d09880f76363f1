import { asyncScheduler, Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { defineQuoteSource } from './define-quote-source.js';
import { isUsMarketOpen } from './is-us-market-open.js';
import type { Quote, QuoteSource, QuoteUpdate } from './quote-source.js';
import { createSeededRandom, hashString, standardNormal } from './seeded-random.js';
import { SIMULATED_INSTRUMENTS, type SimulatedInstrument } from './simulated-instruments.js';

/** Seconds in a trading year of US equities: 252 sessions of 6.5 hours. */
const EQUITY_SECONDS_PER_YEAR = 252 * 6.5 * 3600;
/** Seconds in a calendar year: crypto trades around the clock. */
const CRYPTO_SECONDS_PER_YEAR = 365 * 24 * 3600;
/** Longest stretch of trading time one catch-up step covers (one session). */
const MAX_STEP_SECONDS = 6.5 * 3600;
const CRYPTO_PAIR = /^[A-Z0-9]+-(USD|USDT|USDC|EUR|GBP|BTC|ETH)$/;

/**
 * The `source` of the quotes of a symbol the simulated source does not know and made a price up
 * for (`ZZZZZZ`), so that whoever shows or reads the quote sees that the price is invented. Known
 * symbols ({@link SIMULATED_INSTRUMENTS} and the `symbols` option) have `simulated`.
 *
 * @example
 * ```ts
 * if (quote.source === SIMULATED_INVENTED_SOURCE) console.log(`${quote.symbol}: an invented price`);
 * ```
 */
export const SIMULATED_INVENTED_SOURCE = 'simulated (invented: not a known symbol)';

/**
 * Options of {@link createSimulatedSource}.
 *
 * @example
 * ```ts
 * const options: SimulatedSourceOptions = { seed: 42, tickMs: 500, symbols: { ACME: { price: 12, volatility: 0.4 } } };
 * ```
 */
export interface SimulatedSourceOptions {
  /** Scheduler of every tick. Default: `asyncScheduler`; pass a `TestScheduler` for virtual time. */
  readonly scheduler?: SchedulerLike;
  /** Seed of every path. The same seed, symbol and schedule always give the same prices. Default: `'livetools'`. */
  readonly seed?: number | string;
  /** Instruments added to (or replacing) {@link SIMULATED_INSTRUMENTS}. Keys are normalised. */
  readonly symbols?: Readonly<Record<string, SimulatedInstrument>>;
  /** Mean time between ticks, in ms. Default: 1000. */
  readonly tickMs?: number;
  /** Relative jitter of the tick interval: ticks come every `tickMs * (1 ± jitter)`. Default: 0.5. */
  readonly jitter?: number;
  /**
   * `always-open` (default, handy for demos at any hour) or `us-equities`: equities only move
   * during the US regular session and report `marketOpen: false` outside it; crypto always moves.
   */
  readonly marketHours?: 'always-open' | 'us-equities';
  /** Wall clock of quote times and market hours, in epoch ms. Default: the scheduler's `now()`. */
  readonly now?: () => number;
  /** Timeout of `quote`, in ms. Default: 10 000 (the first simulated quote is immediate anyway). */
  readonly quoteTimeoutMs?: number;
  /**
   * Simulated trading seconds per elapsed second, for demos: `60` moves prices in one second as
   * much as a minute of trading would. Tick timing is unchanged. Default: 1 (realistic).
   */
  readonly speed?: number;
}

interface SymbolState {
  readonly instrument: Required<SimulatedInstrument>;
  /** The quotes' `source`: {@link SIMULATED_INVENTED_SOURCE} for a symbol with a made-up instrument. */
  readonly source: string;
  readonly random: () => number;
  price: number;
  lastTime: number;
  volume: number;
  open: boolean | undefined;
}

/**
 * An offline quote source that simulates prices with geometric Brownian motion: each tick the log
 * price moves by `-σ²/2·dt + σ·√dt·Z`, where σ is the instrument's annualised volatility and `dt`
 * the elapsed time as a fraction of a trading year (252 × 6.5 h for equities, 365 × 24 h for
 * crypto). Ticks arrive every `tickMs` (default 1 s) with ±50 % jitter. Each symbol has its own
 * generator seeded from the symbol and `seed`, so its path is reproducible. A symbol's path
 * continues where it left off when it is watched again (the gap is one exact GBM step). The first
 * quote is emitted at once on subscribe. Quotes carry a bid/ask around the price (2 bp spread) and
 * the simulated volume since the symbol was first watched.
 *
 * Known symbols ({@link SIMULATED_INSTRUMENTS}) start at realistic prices; other well-formed
 * symbols get a deterministic price and volatility derived from their name, and their quotes say
 * so: their `source` is `'simulated (invented: not a known symbol)'`; malformed ones fail with
 * `UNKNOWN_SYMBOL`.
 *
 * @param options - Scheduler, seed, instruments, tick rate, market hours.
 * @returns A quote source named `simulated`.
 *
 * @example
 * ```ts
 * const source = createSimulatedSource({ seed: 7 });
 * source.watch('NVDA').subscribe((update) => {
 *   if (update.type === 'quote') console.log(update.quote.price);
 * });
 * ```
 */
export function createSimulatedSource(options: SimulatedSourceOptions = {}): QuoteSource {
  const name = 'simulated';
  const scheduler = options.scheduler ?? asyncScheduler;
  const now = options.now ?? (() => scheduler.now());
  const seed = String(options.seed ?? 'livetools');
  const tickMs = options.tickMs ?? 1000;
  const jitter = Math.min(Math.max(options.jitter ?? 0.5, 0), 1);
  const simulateHours = options.marketHours === 'us-equities';
  const speed = options.speed ?? 1;
  if (!(tickMs > 0)) throw new RangeError(`tickMs must be a positive number of milliseconds, got ${tickMs}.`);
  if (!(speed > 0)) throw new RangeError(`speed must be a positive number, got ${speed}.`);

  const instruments = new Map<string, SimulatedInstrument>();
  for (const [symbol, instrument] of Object.entries({ ...SIMULATED_INSTRUMENTS, ...options.symbols })) {
    instruments.set(symbol.trim().toUpperCase(), instrument);
  }
  const states = new Map<string, SymbolState>();

  const stateOf = (symbol: string): SymbolState => {
    let state = states.get(symbol);
    if (!state) {
      const random = createSeededRandom(hashString(`${symbol}|${seed}`));
      const known = instruments.get(symbol);
      const instrument = resolveInstrument(symbol, known);
      const source = known ? name : SIMULATED_INVENTED_SOURCE;
      state = {
        instrument,
        source,
        random,
        price: instrument.price,
        lastTime: now(),
        volume: 0,
        open: undefined,
      };
      states.set(symbol, state);
    }
    return state;
  };

  const isOpen = (state: SymbolState, time: number): boolean =>
    !simulateHours || state.instrument.market === 'crypto' || isUsMarketOpen(time);

  /** Moves the state to `time`; returns true when a quote should be emitted. */
  const advance = (state: SymbolState, time: number): boolean => {
    const open = isOpen(state, time);
    const changed = open !== state.open;
    state.open = open;
    const elapsedSeconds = Math.min(Math.max(time - state.lastTime, 0) / 1000, MAX_STEP_SECONDS);
    state.lastTime = time;
    if (!open) return changed;
    if (elapsedSeconds > 0) {
      const { volatility, market } = state.instrument;
      const dt =
        (elapsedSeconds * speed) / (market === 'crypto' ? CRYPTO_SECONDS_PER_YEAR : EQUITY_SECONDS_PER_YEAR);
      const z = standardNormal(state.random);
      state.price *= Math.exp(-0.5 * volatility * volatility * dt + volatility * Math.sqrt(dt) * z);
      state.volume += tradeSize(state);
    }
    return true;
  };

  const toQuote = (symbol: string, state: SymbolState, time: number): Quote => {
    const price = roundPrice(state.price);
    const halfSpread = Math.max(state.price * 0.0001, priceStep(state.price));
    return {
      symbol,
      price,
      time,
      source: state.source,
      marketOpen: state.open ?? true,
      bid: roundPrice(price - halfSpread),
      ask: roundPrice(price + halfSpread),
      volume: roundVolume(state.volume),
    };
  };

  const nextDelay = (state: SymbolState): number =>
    Math.round(tickMs * (1 - jitter + 2 * jitter * state.random()));

  const connect = (symbol: string): Observable<QuoteUpdate> =>
    new Observable<QuoteUpdate>((subscriber) => {
      const state = stateOf(symbol);
      const first = now();
      advance(state, first);
      subscriber.next({ type: 'quote', quote: toQuote(symbol, state, first) });
      // a fresh action per tick (rather than rescheduling one) keeps virtual-time schedulers flat
      let next: Subscription | undefined;
      const tick = (): void => {
        const time = now();
        if (advance(state, time)) subscriber.next({ type: 'quote', quote: toQuote(symbol, state, time) });
        if (!subscriber.closed) next = scheduler.schedule(tick, nextDelay(state));
      };
      next = scheduler.schedule(tick, nextDelay(state));
      return () => next?.unsubscribe();
    });

  return defineQuoteSource({
    name,
    connect,
    scheduler,
    ...(options.quoteTimeoutMs === undefined ? {} : { quoteTimeoutMs: options.quoteTimeoutMs }),
  });
}

function resolveInstrument(
  symbol: string,
  known: SimulatedInstrument | undefined,
): Required<SimulatedInstrument> {
  const market = known?.market ?? (CRYPTO_PAIR.test(symbol) ? 'crypto' : 'equity');
  if (known) return { price: known.price, volatility: known.volatility, market };
  const random = createSeededRandom(hashString(`instrument|${symbol}`));
  if (market === 'crypto') {
    return { price: 10 ** (-1 + 4 * random()), volatility: 0.5 + 0.4 * random(), market };
  }
  return { price: 10 ** (1 + 2 * random()), volatility: 0.2 + 0.3 * random(), market };
}

function tradeSize(state: SymbolState): number {
  const lot = state.instrument.market === 'crypto' ? 1000 / state.instrument.price : 100;
  return lot * Math.exp(standardNormal(state.random));
}

function priceStep(price: number): number {
  return price >= 1 ? 0.01 : price >= 0.01 ? 0.0001 : 0.000001;
}

function roundPrice(price: number): number {
  const step = priceStep(price);
  const decimals = Math.round(-Math.log10(step));
  return Number((Math.round(price / step) * step).toFixed(decimals));
}

function roundVolume(volume: number): number {
  return Math.round(volume * 1e4) / 1e4;
}
