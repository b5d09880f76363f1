import { startQuoteRelay } from '@livetools/quotes-nats';
import { findNatsServer, startNatsServer } from '@livetools/quotes-nats/testing';
import { createSimulatedSource } from '@livetools/tools-stock';
import { describe, expect, it } from 'vitest';
import { createConsoleAgent } from '../src/agent.js';

// A real nats-server is required in CI; elsewhere the test is skipped when none is installed.
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';
const haveNats = findNatsServer() !== undefined;
if (!haveNats && !inCi)
  console.warn(
    '\n[stock-agent] LIVETOOLS_SOURCE=nats test SKIPPED: no nats-server (apt-get install nats-server).\n',
  );

describe.runIf(haveNats || inCi)('LIVETOOLS_SOURCE=nats', () => {
  it("takes its quotes from a fleet's relay over a real nats-server (NATS_URL), and releases them on close", async () => {
    const nats = await startNatsServer();
    const relay = await startQuoteRelay({
      servers: nats.url,
      sources: { simulated: createSimulatedSource() },
    });
    try {
      const console = await createConsoleAgent({ LIVETOOLS_SOURCE: 'nats', NATS_URL: nats.url });
      try {
        const quote = await console.source.quote('AAPL');
        expect(quote).toMatchObject({ symbol: 'AAPL', source: 'simulated' });
        expect(quote.price).toBeGreaterThan(0);
        expect(relay.stats().symbols).toContain('AAPL');
      } finally {
        await console.close();
      }
      // The console's demand is released when it closes: the relay holds no upstream for it.
      await expect.poll(() => relay.stats().upstreamSubscriptions, { timeout: 10_000 }).toBe(0);
    } finally {
      await relay.close();
      await nats.stop();
    }
  });

  it('says the NATS server is unreachable when nothing listens at NATS_URL', async () => {
    const console = await createConsoleAgent({ LIVETOOLS_SOURCE: 'nats', NATS_URL: 'nats://127.0.0.1:1' });
    try {
      await expect(console.source.quote('AAPL')).rejects.toMatchObject({ failure: 'NATS_UNREACHABLE' });
    } finally {
      await console.close();
    }
  });
});
