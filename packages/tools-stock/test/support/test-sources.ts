import { type CoinbaseSourceOptions, createCoinbaseSource } from '../../src/coinbase-source.js';
import { createFinnhubSource, type FinnhubSourceOptions } from '../../src/finnhub-source.js';
import type { QuoteSource } from '../../src/quote-source.js';

/**
 * What makes a provider source quick to test against a local server: the WebSocket only (no
 * REST), reconnects within 20 ms, and the socket closed as soon as its last watch ends.
 */
const quick = { rest: false, backoff: { initialDelayMs: 5, maxDelayMs: 20 }, idleCloseMs: 0 } as const;

/** A Coinbase source on the local server's WebSocket, quick to test; `options` override. */
export function testCoinbaseSource(
  server: { readonly wsUrl: string },
  options: CoinbaseSourceOptions = {},
): QuoteSource {
  return createCoinbaseSource({ url: server.wsUrl, ...quick, ...options });
}

/** A Finnhub source (key `test-key`) on the local server's WebSocket, quick to test; `options` override. */
export function testFinnhubSource(
  server: { readonly wsUrl: string },
  options: FinnhubSourceOptions = {},
): QuoteSource {
  return createFinnhubSource({ apiKey: 'test-key', url: server.wsUrl, ...quick, ...options });
}
