import { describe, expect, it } from 'vitest';
import { startFaultNatsServer } from '../support/faults/fault-nats-server.js';
import { quoteOf, startAgent, startRelay, startToolAgent } from '../support/faults/fleet-processes.js';
import type { ChildLine } from '../support/faults/line-process.js';

const LEASE_MS = 1500;
const SYMBOLS = ['AAPL', 'BTC-USD'];

/** The kinds of line a watcher printed from index `from` on, without duplicates. */
const kindsFrom = (lines: readonly ChildLine[], from: number): string[] => [
  ...new Set(
    lines
      .slice(from)
      .map((line) => line.event)
      .filter((event) => event !== 'log'),
  ),
];

// Each wait below allows EVENT_TIMEOUT_MS and fails with the lines it saw; a test's own timeout
// bounds only the whole (a NATS server, two relays one after the other and the agents): 4.5 s here
// alone, 29 s in a CI run beside every other package's tests.
describe('fault: the quote relay restarts', () => {
  it('watchers and monitor_stock_price calls in other processes resume after the relay is killed and a new one starts, with status notes and no error', async () => {
    await using nats = await startFaultNatsServer();
    const first = await startRelay(nats.url, 'relay 1', { leaseMs: LEASE_MS });
    await using agent = startAgent(nats.url, SYMBOLS, { leaseMs: LEASE_MS });
    await using model = startToolAgent(nats.url, SYMBOLS, { leaseMs: LEASE_MS });
    for (const symbol of SYMBOLS) await agent.nextLine(quoteOf(symbol), `a first ${symbol} quote`);
    for (const symbol of SYMBOLS) {
      await model.nextLine((l) => l.event === 'report' && l.symbol === symbol, `a first ${symbol} report`);
    }

    // marked before the kill: the watchers may say the feed is stale before the test hears the
    // relay's exit (the agent's output and the exit reach the test on different pipes)
    const killedAt = agent.lines.length;
    first.signal('SIGKILL');
    await first.exited;
    // no relay answers the demand heartbeat: the watchers are told the feed is stale
    for (const symbol of SYMBOLS) {
      await agent.nextLine(
        (line) => line.event === 'status' && line.symbol === symbol && line.status === 'stale',
        `a stale note for ${symbol}`,
        killedAt,
      );
    }
    await using second = await startRelay(nats.url, 'relay 2', { leaseMs: LEASE_MS });
    for (const symbol of SYMBOLS) {
      await agent.nextLine(quoteOf(symbol, second.readyAt), `a ${symbol} quote from the new relay`, killedAt);
      await agent.nextLine(
        (line) => line.event === 'status' && line.symbol === symbol && line.status === 'live',
        `a live note for ${symbol}`,
        killedAt,
      );
    }

    expect(kindsFrom(agent.lines, 0).sort()).toEqual(['quote', 'started', 'status']);
    expect(agent.events('error')).toEqual([]);
    expect(agent.events('complete')).toEqual([]);

    // the model's calls went on: feed-status reports (stale, then live) between price reports, no error, no end
    for (const symbol of SYMBOLS) {
      await model.nextLine(
        (l) =>
          l.event === 'report' &&
          l.symbol === symbol &&
          l.kind === 'move' &&
          (l.at as number) >= second.readyAt,
        `a ${symbol} move report from the new relay's quotes`,
      );
    }
    const reports = model.events('report');
    const feedStatuses = reports
      .filter((r) => r.kind === 'feed-status')
      .map((r) => `${r.symbol} ${r.feedStatus}`);
    for (const symbol of SYMBOLS)
      expect(feedStatuses).toEqual(expect.arrayContaining([`${symbol} stale`, `${symbol} live`]));
    expect(reports.filter((r) => r.error !== undefined || r.willContinue !== true)).toEqual([]);
    expect(new Set(reports.map((r) => r.kind))).toEqual(new Set(['initial', 'move', 'feed-status']));
  }, 300_000);

  it('watchers resume without an error when the relay stops cleanly (close(), what the bin does on SIGTERM) and a new one starts, as in a rolling update', async () => {
    await using nats = await startFaultNatsServer();
    const first = await startRelay(nats.url, 'relay 1', { leaseMs: LEASE_MS });
    await using agent = startAgent(nats.url, SYMBOLS, { leaseMs: LEASE_MS });
    for (const symbol of SYMBOLS) await agent.nextLine(quoteOf(symbol), `a first ${symbol} quote`);

    await first.stop();
    const stoppedAt = agent.lines.length;
    await using second = await startRelay(nats.url, 'relay 2', { leaseMs: LEASE_MS });
    for (const symbol of SYMBOLS) {
      await agent.nextLine(
        quoteOf(symbol, second.readyAt),
        `a ${symbol} quote from the new relay`,
        stoppedAt,
      );
    }

    expect(kindsFrom(agent.lines, 0).sort()).toEqual(expect.arrayContaining(['quote', 'started']));
    expect(kindsFrom(agent.lines, 0).every((kind) => ['quote', 'started', 'status'].includes(kind))).toBe(
      true,
    );
    expect(agent.events('error')).toEqual([]);
    expect(agent.events('complete')).toEqual([]);
  }, 300_000);
});
