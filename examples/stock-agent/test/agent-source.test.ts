import { describe, expect, it } from 'vitest';
import { createConsoleAgent } from '../src/agent.js';

describe('LIVETOOLS_SOURCE', () => {
  it('alpaca streams from Alpaca with ALPACA_KEY_ID and ALPACA_SECRET_KEY (nothing connects until a watch)', async () => {
    const console = await createConsoleAgent({
      LIVETOOLS_SOURCE: 'alpaca',
      ALPACA_KEY_ID: 'PKTEST',
      ALPACA_SECRET_KEY: 'secret',
      ALPACA_FEED: 'test',
    });
    try {
      expect(console.source.name).toBe('alpaca');
    } finally {
      await console.close();
    }
  });

  it('alpaca without its keys fails with a message that names what is missing and where to get it', async () => {
    await expect(createConsoleAgent({ LIVETOOLS_SOURCE: 'alpaca', ALPACA_KEY_ID: 'PKTEST' })).rejects.toThrow(
      /LIVETOOLS_SOURCE=alpaca needs ALPACA_KEY_ID and ALPACA_SECRET_KEY \(ALPACA_SECRET_KEY is not set\).*alpaca\.markets/,
    );
  });

  it('refuses an unknown ALPACA_FEED, listing the feeds', async () => {
    await expect(
      createConsoleAgent({
        LIVETOOLS_SOURCE: 'alpaca',
        ALPACA_KEY_ID: 'k',
        ALPACA_SECRET_KEY: 's',
        ALPACA_FEED: 'nasdaq',
      }),
    ).rejects.toThrow(/ALPACA_FEED must be iex, sip, delayed_sip or test, not 'nasdaq'/);
  });

  it('lists every source when LIVETOOLS_SOURCE is unknown', async () => {
    await expect(createConsoleAgent({ LIVETOOLS_SOURCE: 'yahoo' })).rejects.toThrow(
      "LIVETOOLS_SOURCE must be simulated, coinbase, finnhub, alpaca or nats, not 'yahoo'.",
    );
  });

  it('suggests crypto pairs on a crypto-only source (coinbase), stocks on the others', async () => {
    const crypto = await createConsoleAgent({ LIVETOOLS_SOURCE: 'coinbase' });
    const stocks = await createConsoleAgent({});
    try {
      expect(crypto.examples[0]).toMatch(/BTC-USD/);
      expect(crypto.examples.join(' ')).not.toMatch(/AAPL|MSFT|NVDA/);
      expect(stocks.examples[0]).toMatch(/AAPL/);
    } finally {
      await crypto.close();
      await stocks.close();
    }
  });
});
