import { createSimulatedSource } from '@livetools/tools-stock';
import { describe, expect, it } from 'vitest';
import { startQuoteRelay } from '../../src/index.js';
import { startFaultNatsServer } from '../support/faults/fault-nats-server.js';
import { quoteOf, startAgent } from '../support/faults/fleet-processes.js';
import type { ChildLine } from '../support/faults/line-process.js';

/** Enough symbols at a 1 ms tick to fill a stopped agent's socket buffers in a few seconds. */
const SYMBOLS = Array.from({ length: 20 }, (_, i) => `SLOW${String.fromCharCode(65 + i)}`);
const LEASE_MS = 60_000;

/**
 * The first quote older than the one before it for its symbol, or undefined. (At a 1 ms tick the
 * simulator itself may repeat a quote within one millisecond, so equal times are allowed here.)
 */
const outOfOrder = (lines: readonly ChildLine[]): string | undefined => {
  const last = new Map<unknown, ChildLine>();
  for (const line of lines) {
    if (line.event !== 'quote') continue;
    const before = last.get(line.symbol);
    if (before && (line.time as number) < (before.time as number)) {
      return `${JSON.stringify(line)} after ${JSON.stringify(before)}`;
    }
    last.set(line.symbol, line);
  }
  return undefined;
};

describe('fault: a slow consumer', () => {
  it('an agent process that stops reading is cut off by NATS without slowing the relay or other agents, then resumes at the newest quotes', async () => {
    // the server cuts a client whose socket stays full for 1 s (or that has 256 KiB pending)
    await using nats = await startFaultNatsServer([
      'max_payload: 65536',
      'max_pending: 262144',
      'write_deadline: "1s"',
    ]);
    await using relay = await startQuoteRelay({
      servers: nats.url,
      sources: { simulated: createSimulatedSource({ tickMs: 1, jitter: 0 }) },
      leaseMs: LEASE_MS,
    });
    await using slow = startAgent(nats.url, SYMBOLS, { leaseMs: LEASE_MS });
    await using fast = startAgent(nats.url, ['SLOWA'], { leaseMs: LEASE_MS });
    for (const symbol of SYMBOLS)
      await slow.nextLine(quoteOf(symbol), `a first ${symbol} quote in the slow agent`);
    await fast.nextLine(quoteOf('SLOWA'), 'a first quote in the other agent');

    // the slow agent's event loop stops (as in a long GC pause or an overloaded host): it reads nothing
    slow.signal('SIGSTOP');
    const slowFrom = slow.lines.length;
    // the kernel's socket buffers (megabytes) fill first: seconds at full speed, several times that
    // when CI starves the relay of CPU, so this wait is long
    const cut = await nats.logged(/livetools-agent.*Slow Consumer Detected/, 60_000);
    const cutAt = Date.now();
    // meanwhile the relay keeps publishing and the other agent keeps up
    await fast.nextLine(quoteOf('SLOWA', cutAt), 'a quote published after the cut in the other agent');
    expect(relay.stats().upstreamSubscriptions).toBe(SYMBOLS.length);
    expect(cut).toMatch(/Slow Consumer Detected/);

    slow.signal('SIGCONT');
    const resumedAt = Date.now();
    for (const symbol of SYMBOLS) {
      await slow.nextLine(
        (line) => line.event === 'status' && line.symbol === symbol && line.status === 'reconnecting',
        `a reconnecting note for ${symbol}`,
        slowFrom,
      );
      await slow.nextLine(
        quoteOf(symbol, resumedAt),
        `a ${symbol} quote published after the agent resumed`,
        slowFrom,
      );
      await slow.nextLine(
        (line) => line.event === 'status' && line.symbol === symbol && line.status === 'live',
        `a live note for ${symbol}`,
        slowFrom,
      );
    }

    const after = slow.lines.slice(slowFrom);
    const reconnecting = after.findIndex((line) => line.event === 'status' && line.status === 'reconnecting');
    const resumed = after.slice(reconnecting).filter((line) => line.event === 'quote');
    // what was published while it was cut off is dropped, not queued for it: it resumes at the newest quotes
    expect(resumed.every((line) => (line.time as number) > cutAt)).toBe(true);
    // never older than what a watcher already had, and no error
    expect(outOfOrder(slow.lines)).toBeUndefined();
    expect(slow.events('error')).toEqual([]);
    expect(slow.events('complete')).toEqual([]);
    expect(fast.events('status')).toEqual([]);
  }, 120_000);
});
