import { createSimulatedSource } from '@livetools/tools-stock';
import { describe, expect, it } from 'vitest';
import { startQuoteRelay } from '../../src/index.js';
import { startFaultNatsServer } from '../support/faults/fault-nats-server.js';
import { quoteOf, startAgent } from '../support/faults/fleet-processes.js';
import { RecordedLogger } from '../support/faults/recorded-logger.js';

describe('fault: an agent process dies without saying goodbye', () => {
  it('its demand expires after the lease and the relay unsubscribes upstream from the symbols only it wanted', async () => {
    // long enough that a child process stalled by a loaded machine still renews it (every third)
    const leaseMs = 3000;
    await using nats = await startFaultNatsServer();
    const logger = new RecordedLogger();
    await using relay = await startQuoteRelay({
      servers: nats.url,
      sources: { simulated: createSimulatedSource({ tickMs: 50 }) },
      leaseMs,
      logger,
    });
    await using doomed = startAgent(nats.url, ['AAPL', 'MSFT'], { leaseMs });
    await using survivor = startAgent(nats.url, ['MSFT'], { leaseMs });
    await doomed.nextLine(quoteOf('AAPL'), 'an AAPL quote in the doomed agent');
    await survivor.nextLine(quoteOf('MSFT'), 'an MSFT quote in the surviving agent');
    expect(relay.stats()).toMatchObject({ upstreamSubscriptions: 2, symbols: ['AAPL', 'MSFT'] });

    const from = logger.entries.length;
    // taken before the signal: the exit may be seen late on a loaded machine, the kill is not earlier
    const killedAt = Date.now();
    doomed.signal('SIGKILL');
    expect(await doomed.exited).toBe('SIGKILL');
    const released = await logger.logged(/unsubscribed upstream simulated AAPL/, from);

    expect(released.message).toContain('no agent wants it any more');
    // the lease was renewed about a third of it before the kill at the earliest: not released at once
    expect(released.at - killedAt).toBeGreaterThanOrEqual(leaseMs / 3);
    expect(relay.stats()).toMatchObject({ upstreamSubscriptions: 1, symbols: ['MSFT'] });
    expect(relay.stats().demandProcesses).toBeLessThanOrEqual(1);
    expect(
      logger.entries.slice(from).some((e) => /unsubscribed upstream simulated MSFT/.test(e.message)),
    ).toBe(false);
    // the other agent's feed of the shared symbol goes on
    await survivor.nextLine(quoteOf('MSFT', released.at), 'an MSFT quote after the release');
    expect(survivor.events('error')).toEqual([]);
  }, 120_000);

  it('an agent that quits releases its demand at once, without waiting for its lease', async () => {
    const leaseMs = 120_000;
    await using nats = await startFaultNatsServer();
    const logger = new RecordedLogger();
    await using relay = await startQuoteRelay({
      servers: nats.url,
      sources: { simulated: createSimulatedSource({ tickMs: 50 }) },
      leaseMs,
      logger,
    });
    const agent = startAgent(nats.url, ['AAPL'], { leaseMs });
    await agent.nextLine(quoteOf('AAPL'), 'an AAPL quote');
    expect(relay.stats().upstreamSubscriptions).toBe(1);

    const from = logger.entries.length;
    await agent.stop();
    // far sooner than the two-minute lease: the goodbye released it
    await logger.logged(/unsubscribed upstream simulated AAPL \(no agent wants it any more\)/, from);
    expect(relay.stats()).toMatchObject({ upstreamSubscriptions: 0, demandProcesses: 0 });
  }, 120_000);
});
