import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createSimulatedSource } from '@livetools/tools-stock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolated, rawClient, recordingLogger } from '../test/support/fleet-fixture.js';
import { createPushedSource } from '../test/support/pushed-source.js';
import { spawnAgent } from '../test/support/spawn-agent.js';
import { waitFor, waitForOutput, watchAll } from '../test/support/wait-for.js';
import { createNatsQuoteSource } from './nats-quote-source.js';
import { startQuoteRelay } from './quote-relay.js';
import { type NatsTestServer, startNatsServer } from './testing/nats-server.js';
import { WIRE_VERSION } from './wire.js';

const RELAY_BIN = fileURLToPath(new URL('./relay-bin.ts', import.meta.url));

let server: NatsTestServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server.stop();
});

// Waits in this file allow 10 s for what comes within about a second (a release, a goodbye, a ping
// every second): room for CI, which runs every package's tests at once, and still far from the
// lease of a minute, or its renewal every 20 s, that the tests rule out.
describe('quote relay demand', () => {
  it('subscribes upstream only while a lease wants the symbol, and drops it when the lease expires', async () => {
    const names = isolated();
    const upstream = createPushedSource();
    const logger = recordingLogger();
    await using relay = await startQuoteRelay({
      servers: server.url,
      sources: { pushed: upstream },
      logger,
      ...names,
    });
    expect(relay.stats().upstreamSubscriptions).toBe(0);

    // an agent that asks once and then goes silent (as if killed)
    const agent = await rawClient(server.url);
    // the lease starts when the relay reads the request, after this: the release is at least that late
    const askedAt = Date.now();
    const answer = await agent.request(
      `${names.subjectPrefix}._demand.pushed`,
      JSON.stringify({ v: WIRE_VERSION, process: 'silent-agent', symbols: ['AAPL'], leaseMs: 400 }),
      { timeout: 2000 },
    );
    expect(answer.json()).toMatchObject({ v: WIRE_VERSION, relay: relay.id, event: 'answer' });
    await waitFor(() => upstream.active.has('AAPL'), 'the upstream subscription');
    expect(relay.stats()).toMatchObject({ upstreamSubscriptions: 1, symbols: ['AAPL'], demandProcesses: 1 });

    await waitFor(() => !upstream.active.has('AAPL'), 'the lease to expire', 10_000);
    expect(Date.now() - askedAt).toBeGreaterThanOrEqual(350);
    expect(relay.stats()).toMatchObject({ upstreamSubscriptions: 0, demandProcesses: 0 });
    expect(logger.lines.filter((l) => l.startsWith('info quote relay: '))).toEqual([
      'info quote relay: subscribed upstream pushed AAPL',
      'info quote relay: unsubscribed upstream pushed AAPL (no agent wants it any more)',
    ]);
    await agent.close();
  });

  it('releases at once when the last local watcher leaves (long before the lease)', async () => {
    const names = isolated();
    const upstream = createPushedSource();
    await using relay = await startQuoteRelay({
      servers: server.url,
      sources: { pushed: upstream },
      ...names,
    });
    await using source = createNatsQuoteSource({
      servers: server.url,
      source: 'pushed',
      leaseMs: 60_000,
      ...names,
    });
    const a = watchAll(source, 'AAPL');
    const b = watchAll(source, 'AAPL');
    await waitFor(() => upstream.active.has('AAPL'), 'the upstream subscription');
    a.subscription.unsubscribe();
    upstream.push('AAPL', 1);
    await b.quotes(1);
    expect(upstream.active.has('AAPL')).toBe(true);
    b.subscription.unsubscribe();
    await waitFor(() => !upstream.active.has('AAPL'), 'the release', 10_000);
    expect(relay.stats().demandProcesses).toBe(0);
  });

  // the agents run on tsx: starting them takes seconds when CI runs every package's tests at once
  it("drops a SIGKILLed agent process's demand when its lease expires, keeps a live one's", {
    timeout: 90_000,
  }, async () => {
    const names = isolated();
    const upstream = createPushedSource();
    await using relay = await startQuoteRelay({
      servers: server.url,
      sources: { pushed: upstream },
      ...names,
    });
    const env = {
      NATS_URL: server.url,
      AGENT_SOURCE: 'pushed',
      AGENT_LEASE_MS: '1500',
      AGENT_BUCKET: names.bucket,
      AGENT_PREFIX: names.subjectPrefix,
    };
    const doomed = spawnAgent({ ...env, AGENT_SYMBOLS: 'AAPL,MSFT' });
    const survivor = spawnAgent({ ...env, AGENT_SYMBOLS: 'MSFT' });
    try {
      await waitFor(
        () => relay.stats().demandProcesses === 2 && upstream.active.size === 2,
        'both agents',
        40_000,
        () => `The doomed agent: ${doomed.printed()}\nThe survivor: ${survivor.printed()}`,
      );
      upstream.push('AAPL', 5);
      await doomed.saw(/^quote AAPL 5$/);
      await doomed.kill('SIGKILL');
      await waitFor(() => !upstream.active.has('AAPL'), 'the killed agent lease to expire', 10_000);
      // the survivor kept renewing: MSFT is still relayed to it
      expect(relay.stats()).toMatchObject({ symbols: ['MSFT'], demandProcesses: 1 });
      upstream.push('MSFT', 7);
      await survivor.saw(/^quote MSFT 7$/);
    } finally {
      await doomed.kill('SIGKILL');
      await survivor.kill('SIGTERM');
    }
    expect(survivor.child.exitCode).toBe(0);
    await waitFor(() => upstream.active.size === 0, 'the survivor goodbye');
  });

  it('ignores hostile demand messages, counts them, and keeps serving', async () => {
    const names = isolated();
    const upstream = createPushedSource();
    await using relay = await startQuoteRelay({
      servers: server.url,
      sources: { pushed: upstream },
      ...names,
    });
    const raw = await rawClient(server.url);
    const subject = `${names.subjectPrefix}._demand.pushed`;
    const hostile: (string | Uint8Array)[] = [
      'not json',
      '[]',
      'null',
      '"AAPL"',
      '{"v":2,"process":"x","symbols":["AAPL"]}',
      '{"v":1,"symbols":["AAPL"]}',
      '{"v":1,"process":"x","symbols":"AAPL"}',
      '{"v":1,"process":"x","symbols":["AAPL"],"leaseMs":-5}',
      '{"v":1,"process":"x","symbols":["AAPL"],"leaseMs":"soon"}',
      new Uint8Array([0xff, 0xfe, 0x00, 0x7b]),
      `{"v":1,"process":"${'x'.repeat(300)}","symbols":["AAPL"]}`,
      '{"__proto__":{"polluted":true},"v":1,"process":"p","symbols":[]}',
    ];
    for (const payload of hostile) raw.publish(subject, payload);
    // wrong-typed symbols are dropped one by one; the rest of the message still counts
    raw.publish(
      subject,
      JSON.stringify({
        v: 1,
        process: 'ok',
        symbols: [42, null, '', 'x'.repeat(65), 'AAPL'],
        leaseMs: 60_000,
      }),
    );
    await waitFor(() => upstream.active.has('AAPL'), 'the good demand to be served');
    expect(relay.stats().ignoredMessages).toBe(11);
    expect(upstream.active).toEqual(new Set(['AAPL']));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    raw.publish(subject, JSON.stringify({ v: 1, process: 'ok', symbols: [] }));
    await waitFor(() => upstream.active.size === 0, 'the goodbye');
    await raw.close();
  });

  it('watches at most maxSymbols symbols for at most maxProcesses processes; a symbol left out gets SYMBOL_LIMIT', async () => {
    const names = isolated();
    const upstream = createPushedSource();
    await using relay = await startQuoteRelay({
      servers: server.url,
      sources: { pushed: upstream },
      maxSymbols: 2,
      maxProcesses: 2,
      ...names,
    });
    const raw = await rawClient(server.url);
    const subject = `${names.subjectPrefix}._demand.pushed`;
    await using source = createNatsQuoteSource({ servers: server.url, source: 'pushed', ...names });
    const left = watchAll(source, 'CCC'); // its process's demand comes after the first two symbols
    const demand = (process: string, symbols: string[]) =>
      raw.request(subject, JSON.stringify({ v: WIRE_VERSION, process, symbols, leaseMs: 60_000 }), {
        timeout: 2000,
      });
    await demand('flood', ['AAA', 'BBB', 'DDD', 'EEE']);
    await waitFor(() => upstream.active.size === 2, 'the first two symbols upstream');
    expect(upstream.active).toEqual(new Set(['AAA', 'BBB']));
    // the watch of CCC (a second process) is left out: it fails with the relay's reason
    await waitFor(() => left.error !== undefined, 'the watch left out to fail');
    expect(left.error).toMatchObject({ code: 'SYMBOL_LIMIT' });
    expect(String((left.error as Error).message)).toContain('maxSymbols');
    // (the watcher's process holds no lease: its one symbol was left out) a second process is
    // served the symbols already watched; a third is refused whole, two holding a lease
    await demand('second', ['AAA']);
    const before = relay.stats().ignoredMessages;
    raw.publish(
      subject,
      JSON.stringify({ v: WIRE_VERSION, process: 'third', symbols: ['AAA'], leaseMs: 60_000 }),
    );
    await waitFor(() => relay.stats().ignoredMessages === before + 1, 'the third process to be refused');
    expect(relay.stats()).toMatchObject({ upstreamSubscriptions: 2, demandProcesses: 2 });
    await raw.close();
  });
});

describe('two relays started by mistake', () => {
  it('only one holds a symbol upstream; the other takes it over when the owner leaves, without duplicates', async () => {
    const names = isolated();
    const first = createPushedSource();
    const second = createPushedSource();
    const relayA = await startQuoteRelay({
      servers: server.url,
      sources: { pushed: first },
      leaseMs: 60_000,
      ...names,
    });
    await using relayB = await startQuoteRelay({
      servers: server.url,
      sources: { pushed: second },
      leaseMs: 60_000,
      ...names,
    });
    await using source = createNatsQuoteSource({ servers: server.url, source: 'pushed', ...names });
    const symbols = ['AAPL', 'MSFT', 'NVDA', 'TSLA'];
    const watchers = symbols.map((s) => watchAll(source, s));
    await waitFor(() => first.active.size + second.active.size === 4, 'every symbol to be held');
    expect(first.active.size + second.active.size).toBe(4);
    for (const symbol of symbols) expect(first.active.has(symbol) !== second.active.has(symbol)).toBe(true);
    expect(relayA.stats().upstreamSubscriptions + relayB.stats().upstreamSubscriptions).toBe(4);

    // whoever holds AAPL pushes, then leaves; the other relay takes AAPL over
    const ownerOfAapl = first.active.has('AAPL') ? first : second;
    const other = ownerOfAapl === first ? second : first;
    ownerOfAapl.push('AAPL', 10);
    await watchers[0]?.quotes(1);
    if (ownerOfAapl === first) await relayA.close();
    else await relayB.close();
    // its goodbye makes the other relay take every symbol at once (the lease is a minute)
    await waitFor(() => other.active.size === 4, 'the other relay to take every symbol', 10_000);
    other.push('AAPL', 11);
    ownerOfAapl.push('AAPL', 99); // the leaving relay no longer publishes
    await watchers[0]?.quotes(2);
    expect(watchers[0]?.prices()).toEqual([10, 11]);
    await relayA.close();
  });
});

describe('a relay killed without a goodbye', () => {
  it('loses its symbols to the other relay at once (a ping finds it gone), not after the lease', {
    timeout: 100_000,
  }, async () => {
    const names = isolated();
    const killed = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        RELAY_BIN,
        '--nats',
        server.url,
        '--lease-ms',
        '60000',
        '--bucket',
        names.bucket,
        '--prefix',
        names.subjectPrefix,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
    };
    killed.stdout?.on('data', collect);
    killed.stderr?.on('data', collect);
    const exited = new Promise<void>((resolve) => killed.once('exit', () => resolve()));
    try {
      await waitForOutput(killed, () => output, 'serving simulated', 'the child relay to start', 40_000);
      await using source = createNatsQuoteSource({
        servers: server.url,
        source: 'simulated',
        leaseMs: 60_000,
        ...names,
      });
      const watchers = ['AAPL', 'MSFT'].map((symbol) => watchAll(source, symbol));
      await Promise.all(watchers.map((w) => w.quotes(1, 10_000)));
      await waitFor(() => /subscribed upstream simulated MSFT/.test(output), 'the child to hold MSFT');

      await using survivor = await startQuoteRelay({
        servers: server.url,
        sources: { simulated: createSimulatedSource({ tickMs: 50 }) },
        leaseMs: 60_000,
        ...names,
      });
      // the child holds both: the survivor stays out while the child answers its pings
      await waitFor(() => survivor.stats().demandProcesses === 1, 'the survivor to hear the demand');
      expect(survivor.stats().upstreamSubscriptions).toBe(0);

      killed.kill('SIGKILL');
      await exited;
      // within 10 s: a ping finds the child gone, far from waiting for its one-minute lease
      await waitFor(
        () => survivor.stats().upstreamSubscriptions === 2,
        'the survivor to take both symbols',
        10_000,
      );
      const counts = watchers.map((w) => w.prices().length);
      await Promise.all(watchers.map((w, i) => w.quotes((counts[i] ?? 0) + 2)));
      for (const w of watchers) expect(w.error).toBeUndefined();
      expect(source.stats().outOfOrder).toBe(0);
    } finally {
      killed.kill('SIGKILL');
      await exited;
    }
  });
});

describe('relay restart', () => {
  it('watchers resume without error (a status note only) when the relay restarts', async () => {
    const names = isolated();
    const upstream = createPushedSource();
    const relay = await startQuoteRelay({ servers: server.url, sources: { pushed: upstream }, ...names });
    await using source = createNatsQuoteSource({
      servers: server.url,
      source: 'pushed',
      leaseMs: 60_000,
      ...names,
    });
    const watcher = watchAll(source, 'AAPL');
    await waitFor(() => upstream.active.has('AAPL'), 'the upstream');
    upstream.push('AAPL', 1);
    await watcher.quotes(1);
    await relay.close();
    await waitFor(
      () => watcher.updates.some((u) => u.type === 'status' && u.status === 'stale'),
      'a stale status note',
    );

    const upstream2 = createPushedSource();
    await using _relay2 = await startQuoteRelay({
      servers: server.url,
      sources: { pushed: upstream2 },
      ...names,
    });
    // the new relay's hello makes the agent re-announce at once (the lease is a minute)
    await waitFor(() => upstream2.active.has('AAPL'), 'the new relay to pick the demand up', 10_000);
    upstream2.push('AAPL', 2);
    await watcher.quotes(2);
    expect(watcher.error).toBeUndefined();
    expect(watcher.prices()).toEqual([1, 2]);
    const statuses = watcher.updates.flatMap((u) => (u.type === 'status' ? [u.status] : []));
    expect(statuses).toEqual(['stale', 'live']);
  });

  it('watchers resume without error when the NATS server restarts', { timeout: 30_000 }, async () => {
    const own = await startNatsServer();
    try {
      const names = isolated();
      const upstream = createPushedSource();
      await using _relay = await startQuoteRelay({
        servers: own.url,
        sources: { pushed: upstream },
        ...names,
      });
      await using source = createNatsQuoteSource({
        servers: own.url,
        source: 'pushed',
        snapshotTimeoutMs: 500,
        ...names,
      });
      const watcher = watchAll(source, 'AAPL');
      await waitFor(() => upstream.active.has('AAPL'), 'the upstream');
      upstream.push('AAPL', 1);
      await watcher.quotes(1);
      await own.restart();
      await waitFor(
        () => watcher.updates.some((u) => u.type === 'status' && u.status === 'reconnecting'),
        'a reconnecting note',
      );
      await waitFor(
        () => watcher.updates.some((u) => u.type === 'status' && u.status === 'live'),
        'live again',
        10_000,
      );
      upstream.push('AAPL', 2);
      await watcher.quotes(2, 5000);
      expect(watcher.error).toBeUndefined();
      expect(watcher.prices()).toEqual([1, 2]);

      // while NATS is down, a new watch says so (not "no relay")
      await own.kill();
      await waitFor(
        () => watcher.updates.filter((u) => u.type === 'status' && u.status === 'reconnecting').length === 2,
        'the second reconnecting note',
      );
      const during = await watchAll(source, 'MSFT').failed(5000);
      expect(during).toMatchObject({ failure: 'NATS_UNREACHABLE', code: 'PROVIDER_ERROR' });
      expect((during as Error).message).toMatch(/Lost the NATS connection/);
      await own.start();
    } finally {
      await own.stop();
    }
  });
});

describe('relay with the simulated source', () => {
  it('relays many watchers of many symbols through one upstream subscription per symbol', async () => {
    const names = isolated();
    await using relay = await startQuoteRelay({
      servers: server.url,
      sources: { simulated: createSimulatedSource({ tickMs: 30 }) },
      ...names,
    });
    const sources = [1, 2, 3].map(() =>
      createNatsQuoteSource({ servers: server.url, source: 'simulated', ...names }),
    );
    const symbols = ['AAPL', 'MSFT', 'NVDA', 'BTC-USD', 'ETH-USD'];
    const watchers = sources.flatMap((s) =>
      symbols.flatMap((symbol) => [watchAll(s, symbol), watchAll(s, symbol)]),
    );
    await Promise.all(watchers.map((w) => w.quotes(3)));
    expect(relay.stats()).toMatchObject({ upstreamSubscriptions: 5, demandProcesses: 3 });
    expect(relay.stats().symbols).toEqual([...symbols].sort());
    for (const s of sources) await s.close();
    await waitFor(() => relay.stats().upstreamSubscriptions === 0, 'every goodbye');
  });
});
