import { createSimulatedSource } from '@livetools/tools-stock';
import { describe, expect, it } from 'vitest';
import { startQuoteRelay } from '../../src/index.js';
import { startFaultNatsServer } from '../support/faults/fault-nats-server.js';
import { quoteOf, startAgent } from '../support/faults/fleet-processes.js';
import { RecordedLogger } from '../support/faults/recorded-logger.js';

const SYMBOLS = ['AAPL', 'ETH-USD'];

describe('fault: the NATS server restarts', () => {
  it('the relay and the watchers of an agent process reconnect to the restarted server (same port and store) and resume', async () => {
    await using nats = await startFaultNatsServer();
    const logger = new RecordedLogger();
    await using relay = await startQuoteRelay({
      servers: nats.url,
      sources: { simulated: createSimulatedSource({ tickMs: 50 }) },
      leaseMs: 1500,
      logger,
    });
    await using agent = startAgent(nats.url, SYMBOLS, { leaseMs: 1500 });
    for (const symbol of SYMBOLS) await agent.nextLine(quoteOf(symbol), `a first ${symbol} quote`);

    const before = agent.lines.length;
    const logFrom = logger.entries.length;
    await nats.restart();
    const restartedAt = Date.now();

    await logger.logged(/reconnected to NATS/, logFrom);
    for (const symbol of SYMBOLS) {
      await agent.nextLine(
        (line) => line.event === 'status' && line.symbol === symbol && line.status === 'reconnecting',
        `a reconnecting note for ${symbol}`,
        before,
      );
      await agent.nextLine(quoteOf(symbol, restartedAt), `a ${symbol} quote after the restart`, before);
      await agent.nextLine(
        (line) => line.event === 'status' && line.symbol === symbol && line.status === 'live',
        `a live note for ${symbol}`,
        before,
      );
    }
    expect(agent.events('error')).toEqual([]);
    expect(agent.events('complete')).toEqual([]);
    // one relay, one upstream subscription per symbol, before and after
    expect(relay.stats()).toMatchObject({ upstreamSubscriptions: 2, symbols: ['AAPL', 'ETH-USD'] });
  }, 120_000);
});
