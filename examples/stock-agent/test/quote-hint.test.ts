import type { QuoteSource } from '@livetools/tools-stock';
import { createSimulatedSource, QuoteSourceError } from '@livetools/tools-stock';
import { describe, expect, it } from 'vitest';
import { explainNoPrice, noPriceSymbol } from '../src/quote-hint.js';
import { withoutToolName } from '../src/terminal.js';

/** A source whose quote fails as Coinbase's does offline. */
const offline = {
  ...createSimulatedSource(),
  name: 'coinbase',
  quote: () =>
    Promise.reject(
      new QuoteSourceError(
        'PROVIDER_ERROR',
        'The Coinbase ticker request for BTC-USD failed (fetch failed). Check the network, then try again.',
        { source: 'coinbase', symbol: 'BTC-USD' },
      ),
    ),
} as QuoteSource;

const timeout =
  'monitor_stock_price failed: No price for BTC-USD from coinbase within 10000 ms. Check the symbol, or try again later.';

describe('a watch that had no price in time', () => {
  it('is blamed on the network when the source cannot be reached, not on the symbol', async () => {
    expect(noPriceSymbol(timeout, offline)).toBe('BTC-USD');
    expect(await explainNoPrice(offline, 'BTC-USD')).toBe(
      'coinbase cannot be reached (The Coinbase ticker request for BTC-USD failed (fetch failed). Check the network, then try again.): ' +
        'the network looks down, so BTC-USD is probably fine. Try again once online.',
    );
  });

  it('is not explained on the simulated source, nor when the source refuses the symbol', async () => {
    expect(noPriceSymbol(timeout.replace('coinbase', 'simulated'), createSimulatedSource())).toBeUndefined();
    const refusing = {
      ...offline,
      quote: () =>
        Promise.reject(
          new QuoteSourceError('UNKNOWN_SYMBOL', 'coinbase does not know ZZZ-USD.', {
            source: 'coinbase',
            symbol: 'ZZZ-USD',
          }),
        ),
    } as QuoteSource;
    expect(await explainNoPrice(refusing, 'ZZZ-USD')).toBeUndefined();
  });

  it('says "failed" once: the tool name is not repeated in the error', () => {
    expect(withoutToolName('monitor_stock_price', timeout)).toBe(
      'No price for BTC-USD from coinbase within 10000 ms. Check the symbol, or try again later.',
    );
    expect(withoutToolName('get_stock_price', 'boom')).toBe('boom');
  });
});
