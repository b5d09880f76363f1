import { createSimulatedSource, type QuoteUpdate } from '@livetools/tools-stock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolated, openBucket, rawClient, serverSubscriptions } from '../test/support/fleet-fixture.js';
import { createPushedSource } from '../test/support/pushed-source.js';
import { waitFor, watchAll } from '../test/support/wait-for.js';
import { NatsQuoteError } from './errors.js';
import { createNatsQuoteSource } from './nats-quote-source.js';
import { startQuoteRelay } from './quote-relay.js';
import { freePort, type NatsTestServer, startNatsServer } from './testing/nats-server.js';
import { WIRE_VERSION } from './wire.js';

let server: NatsTestServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server.stop();
});

const quotesOf = (updates: QuoteUpdate[]) => updates.flatMap((u) => (u.type === 'quote' ? [u.quote] : []));

describe('createNatsQuoteSource against a relay', () => {
  it('gives a new watcher the last quote at once from the KV bucket, then live quotes', async () => {
    const names = isolated();
    const upstream = createPushedSource();
    await using _relay = await startQuoteRelay({
      servers: server.url,
      sources: { pushed: upstream },
      ...names,
    });
    await using first = createNatsQuoteSource({ servers: server.url, source: 'pushed', ...names });
    const early = watchAll(first, 'AAPL');
    await waitFor(() => upstream.active.has('AAPL'), 'the relay to subscribe upstream');
    upstream.push('AAPL', 101);
    await early.quotes(1);

    // another process: its first quote can only come from the bucket, the upstream says nothing new
    await using second = createNatsQuoteSource({ servers: server.url, source: 'pushed', ...names });
    const late = watchAll(second, 'AAPL');
    const [snapshot] = await late.quotes(1);
    expect(snapshot).toMatchObject({
      type: 'quote',
      quote: { symbol: 'AAPL', price: 101, source: 'pushed' },
    });

    upstream.push('AAPL', 102);
    upstream.push('AAPL', 103);
    await late.quotes(3);
    await early.quotes(3);
    expect(late.prices()).toEqual([101, 102, 103]);
    expect(early.prices()).toEqual([101, 102, 103]);
    expect(upstream.subscribes.get('AAPL')).toBe(1);
  });

  it('holds ONE NATS subscription per symbol per process however many watchers', async () => {
    const names = isolated();
    await using relay = await startQuoteRelay({
      servers: server.url,
      sources: { simulated: createSimulatedSource({ tickMs: 20 }) },
      ...names,
    });
    await using source = createNatsQuoteSource({
      servers: server.url,
      source: 'simulated',
      name: 'fleet-a',
      ...names,
    });
    const watchers = [
      ...Array.from({ length: 100 }, () => watchAll(source, 'AAPL')),
      ...Array.from({ length: 50 }, () => watchAll(source, 'msft')),
    ];
    await Promise.all(watchers.map((w) => w.quotes(3)));

    expect(source.stats()).toMatchObject({ subscriptions: 2, symbols: ['AAPL', 'MSFT'] });
    expect(relay.stats()).toMatchObject({
      upstreamSubscriptions: 2,
      symbols: ['AAPL', 'MSFT'],
      demandProcesses: 1,
    });
    const onServer = await serverSubscriptions(
      server.monitorUrl,
      'livetools-agent fleet-a',
      names.subjectPrefix,
    );
    expect(onServer.sort()).toEqual([
      `${names.subjectPrefix}.simulated.AAPL`,
      `${names.subjectPrefix}.simulated.MSFT`,
    ]);

    for (const w of watchers) w.subscription.unsubscribe();
    await waitFor(() => relay.stats().upstreamSubscriptions === 0, 'the relay to drop both upstreams');
    expect(source.stats().subscriptions).toBe(0);
    expect(
      await serverSubscriptions(server.monitorUrl, 'livetools-agent fleet-a', names.subjectPrefix),
    ).toEqual([]);
  });

  it('carries symbols with ".", "*", ">" and spaces on encoded subjects, and decodes them back', async () => {
    const names = isolated();
    const upstream = createPushedSource();
    await using _relay = await startQuoteRelay({
      servers: server.url,
      sources: { pushed: upstream },
      ...names,
    });
    await using source = createNatsQuoteSource({ servers: server.url, source: 'pushed', ...names });
    const raw = await rawClient(server.url);
    const seen: string[] = [];
    raw.subscribe(`${names.subjectPrefix}.pushed.*`, { callback: (_e, msg) => void seen.push(msg.subject) });
    await raw.flush();
    const symbols = ['BRK.B', 'IC MARKETS:1', 'A*B>C'];
    const watchers = symbols.map((symbol) => watchAll(source, symbol));
    await waitFor(() => symbols.every((s) => upstream.active.has(s)), 'three upstream subscriptions');
    for (const [i, symbol] of symbols.entries()) upstream.push(symbol, 10 + i);
    await Promise.all(watchers.map((w) => w.quotes(1)));
    expect(watchers.map((w) => quotesOf(w.updates)[0]?.symbol)).toEqual(symbols);
    expect(watchers.map((w) => w.prices())).toEqual([[10], [11], [12]]);
    await waitFor(() => seen.length >= 3, 'the raw subscriber to see three quotes');
    expect(new Set(seen)).toEqual(
      new Set([
        `${names.subjectPrefix}.pushed.BRK_2EB`,
        `${names.subjectPrefix}.pushed.IC_20MARKETS_3A1`,
        `${names.subjectPrefix}.pushed.A_2AB_3EC`,
      ]),
    );
    await raw.close();
  });

  it("passes the upstream's feed status changes through, in order with the quotes", async () => {
    const names = isolated();
    const upstream = createPushedSource();
    await using _relay = await startQuoteRelay({
      servers: server.url,
      sources: { pushed: upstream },
      ...names,
    });
    await using source = createNatsQuoteSource({ servers: server.url, source: 'pushed', ...names });
    const watcher = watchAll(source, 'AAPL');
    await waitFor(() => upstream.active.has('AAPL'), 'the upstream');
    upstream.push('AAPL', 1);
    upstream.status('AAPL', 'reconnecting', 'connection closed (1006)');
    upstream.status('AAPL', 'live');
    upstream.push('AAPL', 2);
    await watcher.quotes(2);
    expect(
      watcher.updates.map((u) =>
        u.type === 'quote' ? u.quote.price : `${u.status}${u.reason ? `: ${u.reason}` : ''}`,
      ),
    ).toEqual([1, 'reconnecting: connection closed (1006)', 'live', 2]);
  });

  it("fails a watch with the upstream's own error code (UNKNOWN_SYMBOL) relayed", async () => {
    const names = isolated();
    await using _relay = await startQuoteRelay({
      servers: server.url,
      sources: { pushed: createPushedSource() },
      ...names,
    });
    await using source = createNatsQuoteSource({ servers: server.url, source: 'pushed', ...names });
    const error = await watchAll(source, 'BAD').failed();
    expect(error).toBeInstanceOf(NatsQuoteError);
    expect(error).toMatchObject({ code: 'UNKNOWN_SYMBOL', failure: 'RELAY_ERROR', symbol: 'BAD' });
    expect((error as Error).message).toMatch(/does not know BAD/);
  });

  it('answers get_stock_price-style one-shot quotes from the relay', async () => {
    const names = isolated();
    await using _relay = await startQuoteRelay({
      servers: server.url,
      sources: { simulated: createSimulatedSource() },
      ...names,
    });
    await using source = createNatsQuoteSource({ servers: server.url, source: 'simulated', ...names });
    const quote = await source.quote('nvda');
    expect(quote).toMatchObject({ symbol: 'NVDA', source: 'simulated' });
    expect(quote.price).toBeGreaterThan(0);
  });
});

describe('createNatsQuoteSource errors', () => {
  it('fails with NATS_UNREACHABLE when no NATS server listens', async () => {
    const port = await freePort();
    await using source = createNatsQuoteSource({ servers: `nats://127.0.0.1:${port}`, source: 'simulated' });
    const error = await watchAll(source, 'AAPL').failed();
    expect(error).toBeInstanceOf(NatsQuoteError);
    expect(error).toMatchObject({
      code: 'PROVIDER_ERROR',
      failure: 'NATS_UNREACHABLE',
      source: 'nats:simulated',
    });
    expect((error as Error).message).toMatch(
      new RegExp(`Cannot reach NATS at nats://127.0.0.1:${port}.*NATS_URL`),
    );
    await expect(source.quote('AAPL')).rejects.toMatchObject({ failure: 'NATS_UNREACHABLE' });
  });

  it('fails with NO_RELAY when no relay serves the source within snapshotTimeoutMs', async () => {
    const names = isolated();
    await using source = createNatsQuoteSource({
      servers: server.url,
      source: 'simulated',
      snapshotTimeoutMs: 300,
      ...names,
    });
    const started = Date.now();
    const error = await watchAll(source, 'AAPL').failed();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', failure: 'NO_RELAY', symbol: 'AAPL' });
    expect((error as Error).message).toMatch(/livetools-quote-relay --source simulated/);
  });

  it('rejects a one-shot quote with NO_RELAY (not a bare timeout) when no relay serves the source', async () => {
    const names = isolated();
    await using source = createNatsQuoteSource({
      servers: server.url,
      source: 'simulated',
      snapshotTimeoutMs: 300,
      ...names,
    });
    await expect(source.quote('AAPL')).rejects.toMatchObject({ code: 'PROVIDER_ERROR', failure: 'NO_RELAY' });
  });

  it('fails watches with CLOSED once the source is closed', async () => {
    const names = isolated();
    await using _relay = await startQuoteRelay({
      servers: server.url,
      sources: { pushed: createPushedSource() },
      ...names,
    });
    const source = createNatsQuoteSource({ servers: server.url, source: 'pushed', ...names });
    const watcher = watchAll(source, 'AAPL');
    await waitFor(() => source.stats().subscriptions === 1, 'the subscription');
    await source.close();
    expect(await watcher.failed()).toMatchObject({ failure: 'CLOSED' });
    expect(await watchAll(source, 'MSFT').failed()).toMatchObject({ failure: 'CLOSED' });
  });
});

describe('ordering between the snapshot and live quotes (a scripted relay on a real server)', () => {
  it('delivers each message once, in order, and never a snapshot older than a live quote', async () => {
    const names = isolated();
    const relay = await rawClient(server.url);
    const bucket = await openBucket(relay, names.bucket);
    const subject = `${names.subjectPrefix}.scripted.AAPL`;
    const message = (seq: number, price: number, epoch = 1000) =>
      JSON.stringify({
        v: WIRE_VERSION,
        kind: 'quote',
        epoch,
        seq,
        at: Date.now(),
        quote: { symbol: 'AAPL', price, time: Date.now(), source: 'scripted', marketOpen: true },
      });
    await bucket.put('scripted.AAPL', message(5, 105)); // the stored snapshot
    relay.subscribe(`${names.subjectPrefix}._demand.scripted`, {
      callback: (_e, msg) => {
        // live quotes newer than the snapshot, sent BEFORE the answer: they reach the watcher first
        relay.publish(subject, message(6, 106));
        relay.publish(subject, message(6, 106)); // a duplicate
        relay.publish(subject, message(4, 104)); // older
        msg.respond(JSON.stringify({ v: WIRE_VERSION, relay: 'scripted', event: 'answer' }));
      },
    });
    await relay.flush();

    await using source = createNatsQuoteSource({ servers: server.url, source: 'scripted', ...names });
    const watcher = watchAll(source, 'AAPL');
    await watcher.quotes(1);
    relay.publish(subject, message(7, 107));
    relay.publish(subject, message(1, 201, 2000)); // a new owner's first quote (later epoch)
    relay.publish(subject, message(8, 108)); // the old owner, too late
    await watcher.quotes(3);
    await waitFor(() => source.stats().outOfOrder >= 4, 'the stale ones to be counted');
    expect(watcher.prices()).toEqual([106, 107, 201]);
    expect(source.stats().outOfOrder).toBe(4); // duplicate 6, 4, snapshot 5, old-epoch 8
    await relay.close();
  });
});
