import type { QuoteUpdate } from '@livetools/tools-stock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolated, openBucket, rawClient } from '../test/support/fleet-fixture.js';
import { waitFor } from '../test/support/wait-for.js';
import { createNatsQuoteSource } from './nats-quote-source.js';
import { type NatsTestServer, startNatsServer } from './testing/nats-server.js';
import { WIRE_VERSION } from './wire.js';

let server: NatsTestServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server?.stop();
});

const envelope = (seq: number, price: number) =>
  JSON.stringify({
    v: WIRE_VERSION,
    kind: 'quote',
    epoch: 1,
    seq,
    at: Date.now(),
    quote: { symbol: 'AAPL', price, time: Date.now(), source: 'scripted', marketOpen: true },
  });

// A relay killed after its quotes reached a new watch but before it answered that watch's demand
// (a loaded machine, a relay restarted at the wrong moment): the watch has seen a relay, so it goes
// stale like every other watch and resumes with the next relay instead of failing with NO_RELAY.
describe('a watch whose first demand is never answered', () => {
  it('goes stale instead of failing when quotes already came, and resumes when a relay answers', async () => {
    const names = isolated();
    const relay = await rawClient(server.url);
    await openBucket(relay, names.bucket);
    const subject = `${names.subjectPrefix}.scripted.AAPL`;
    // the relay hears the watch's first demand, publishes a quote and dies before answering. The
    // demand goes out on the watch's connection after its subscription, so the server has the
    // subscription when the quote comes (an earlier quote would be dropped by the server).
    relay.subscribe(`${names.subjectPrefix}._demand.scripted`, {
      max: 1,
      callback: () => relay.publish(subject, envelope(1, 100)),
    });
    await relay.flush();
    await using source = createNatsQuoteSource({
      servers: server.url,
      source: 'scripted',
      // the quote must come before this; it comes right after the first demand
      snapshotTimeoutMs: 1000,
      ...names,
    });
    const updates: QuoteUpdate[] = [];
    let failure: unknown;
    const subscription = source.watch('AAPL').subscribe({
      next: (u) => updates.push(u),
      error: (e: unknown) => {
        failure = e;
      },
    });
    await waitFor(() => updates.some((u) => u.type === 'quote'), 'the first quote');

    // nobody answers the demand: after snapshotTimeoutMs the watch is told the feed is stale
    await waitFor(
      () => failure !== undefined || updates.some((u) => u.type === 'status' && u.status === 'stale'),
      'a stale note or an error',
    );
    expect(failure).toBeUndefined();

    // a relay comes and answers: quotes flow again on the same watch
    relay.subscribe(`${names.subjectPrefix}._demand.scripted`, {
      callback: (_e, msg) =>
        void msg.respond(JSON.stringify({ v: WIRE_VERSION, relay: 'scripted', event: 'answer' })),
    });
    await relay.flush();
    relay.publish(subject, envelope(2, 101));
    await waitFor(
      () => updates.some((u) => u.type === 'quote' && u.quote.price === 101),
      'a quote after the relay came back',
    );
    expect(updates.some((u) => u.type === 'status' && u.status === 'live')).toBe(true);
    expect(failure).toBeUndefined();
    subscription.unsubscribe();
    await relay.close();
  });
});
