/**
 * How the simulated source moves one instrument.
 *
 * @example
 * ```ts
 * const acme: SimulatedInstrument = { price: 42, volatility: 0.35 };
 * const coin: SimulatedInstrument = { price: 1.2, volatility: 0.9, market: 'crypto' };
 * ```
 */
export interface SimulatedInstrument {
  /** Start price. */
  readonly price: number;
  /** Annualised volatility as a fraction (0.3 = 30 % a year). */
  readonly volatility: number;
  /**
   * `equity` follows US market hours (when the source simulates them) and a 252-day, 6.5-hour
   * trading year; `crypto` trades around the clock. Default: `crypto` for `XXX-USD`-style pairs,
   * otherwise `equity`.
   */
  readonly market?: 'equity' | 'crypto';
}

/**
 * Instruments the simulated source knows, with realistic start prices and annualised volatilities.
 * Any other well-formed symbol gets a deterministic price derived from its name.
 *
 * @example
 * ```ts
 * SIMULATED_INSTRUMENTS.AAPL?.price; // 230
 * ```
 */
export const SIMULATED_INSTRUMENTS: Readonly<Record<string, SimulatedInstrument>> = {
  AAPL: { price: 230, volatility: 0.25 },
  MSFT: { price: 420, volatility: 0.24 },
  GOOGL: { price: 170, volatility: 0.3 },
  GOOG: { price: 171, volatility: 0.3 },
  AMZN: { price: 190, volatility: 0.32 },
  NVDA: { price: 130, volatility: 0.5 },
  TSLA: { price: 250, volatility: 0.6 },
  META: { price: 560, volatility: 0.38 },
  NFLX: { price: 700, volatility: 0.36 },
  AMD: { price: 150, volatility: 0.48 },
  INTC: { price: 22, volatility: 0.45 },
  IBM: { price: 220, volatility: 0.22 },
  ORCL: { price: 170, volatility: 0.32 },
  JPM: { price: 220, volatility: 0.22 },
  V: { price: 290, volatility: 0.2 },
  KO: { price: 65, volatility: 0.2 },
  DIS: { price: 95, volatility: 0.28 },
  SPY: { price: 570, volatility: 0.2 },
  QQQ: { price: 490, volatility: 0.22 },
  'BTC-USD': { price: 65_000, volatility: 0.55, market: 'crypto' },
  'ETH-USD': { price: 3_000, volatility: 0.6, market: 'crypto' },
  'SOL-USD': { price: 150, volatility: 0.6, market: 'crypto' },
  'DOGE-USD': { price: 0.12, volatility: 0.6, market: 'crypto' },
};
