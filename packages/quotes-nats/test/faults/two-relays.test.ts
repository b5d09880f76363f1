import { describe, expect, it } from 'vitest';
import { startFaultNatsServer } from '../support/faults/fault-nats-server.js';
import { quoteOf, relayStats, startAgent, startRelay } from '../support/faults/fleet-processes.js';
import type { ChildLine } from '../support/faults/line-process.js';

const LEASE_MS = 1500;
const SYMBOLS = ['AAPL', 'MSFT', 'BTC-USD'];

/** True when every symbol's quotes reached the watcher in strictly increasing time: no duplicate, no older quote. */
const strictlyIncreasing = (lines: readonly ChildLine[]): boolean => {
  const last = new Map<unknown, number>();
  for (const line of lines) {
    if (line.event !== 'quote') continue;
    const time = line.time as number;
    if (time <= (last.get(line.symbol) ?? Number.NEGATIVE_INFINITY)) return false;
    last.set(line.symbol, time);
  }
  return true;
};

describe('fault: two relays started by mistake', () => {
  it('each symbol has one upstream subscription in one relay, and the other relay takes it over when its owner is killed', async () => {
    await using nats = await startFaultNatsServer();
    await using one = await startRelay(nats.url, 'relay one', { leaseMs: LEASE_MS });
    await using two = await startRelay(nats.url, 'relay two', { leaseMs: LEASE_MS });
    await using agent = startAgent(nats.url, SYMBOLS, { leaseMs: LEASE_MS });
    for (const symbol of SYMBOLS) await agent.nextLine(quoteOf(symbol), `a first ${symbol} quote`);

    const [a, b] = [await relayStats(one), await relayStats(two)];
    // both relays hear the demand; one upstream subscription per symbol in the whole fleet
    expect(a.upstreamSubscriptions + b.upstreamSubscriptions).toBe(SYMBOLS.length);
    expect([...a.symbols, ...b.symbols].sort()).toEqual([...SYMBOLS].sort());
    expect(a.demandProcesses).toBe(1);
    expect(b.demandProcesses).toBe(1);

    const [owner, other] = a.symbols.includes('AAPL') ? [one, two] : [two, one];
    const ownedBefore = (a.symbols.includes('AAPL') ? a : b).symbols;
    const from = other.lines.length;
    const agentFrom = agent.lines.length;
    owner.signal('SIGKILL');
    await owner.exited;
    // the owner's entries expire after the lease; the survivor takes each symbol over
    for (const symbol of ownedBefore) {
      await other.nextLine(
        (line) =>
          line.event === 'log' && line.message === `quote relay: subscribed upstream simulated ${symbol}`,
        `the surviving relay to take ${symbol} over`,
        from,
      );
    }
    const takenAt = Date.now();
    expect(await relayStats(other)).toMatchObject({ upstreamSubscriptions: SYMBOLS.length });
    for (const symbol of SYMBOLS) {
      await agent.nextLine(quoteOf(symbol, takenAt), `a ${symbol} quote after the takeover`, agentFrom);
    }

    agent.send('stats');
    const stats = await agent.nextLine((line) => line.event === 'stats', 'the agent to answer `stats`');
    expect(stats.stats).toMatchObject({ subscriptions: SYMBOLS.length });
    expect(strictlyIncreasing(agent.lines)).toBe(true);
    expect(agent.events('error')).toEqual([]);
    expect(agent.events('complete')).toEqual([]);
  }, 120_000);
});
