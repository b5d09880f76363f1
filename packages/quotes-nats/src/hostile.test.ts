import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolated, openBucket, rawClient, subscribedOnServer } from '../test/support/fleet-fixture.js';
import { waitFor, watchAll } from '../test/support/wait-for.js';
import { createNatsQuoteSource } from './nats-quote-source.js';
import { type NatsTestServer, startNatsServer } from './testing/nats-server.js';
import { WIRE_VERSION } from './wire.js';

let server: NatsTestServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server.stop();
});

/** Records what escapes to the process: nothing may. */
function guard(): { escaped: unknown[]; [Symbol.dispose](): void } {
  const escaped: unknown[] = [];
  const onError = (error: unknown): void => void escaped.push(error);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return {
    escaped,
    [Symbol.dispose]() {
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
    },
  };
}

const quote = (over: Record<string, unknown> = {}) => ({
  symbol: 'AAPL',
  price: 100,
  time: Date.now(),
  source: 'scripted',
  marketOpen: true,
  ...over,
});
const envelope = (seq: number, body: Record<string, unknown>) =>
  JSON.stringify({ v: WIRE_VERSION, kind: 'quote', epoch: 1, seq, at: Date.now(), ...body });

/**
 * A scripted relay (a raw client answering every demand), a source on its subjects, and a watcher
 * of AAPL once its subscription is on the server: the relay publishes on `subject` what a test sends.
 */
async function scriptedWatch() {
  const names = isolated();
  const relay = await rawClient(server.url);
  await openBucket(relay, names.bucket);
  const subject = `${names.subjectPrefix}.scripted.AAPL`;
  relay.subscribe(`${names.subjectPrefix}._demand.scripted`, {
    callback: (_e, msg) =>
      void msg.respond(JSON.stringify({ v: WIRE_VERSION, relay: 'scripted', event: 'answer' })),
  });
  await relay.flush();
  const source = createNatsQuoteSource({ servers: server.url, source: 'scripted', ...names });
  const watcher = watchAll(source, 'AAPL');
  await subscribedOnServer(server.monitorUrl, subject);
  return { relay, subject, source, watcher };
}

describe('hostile messages on a live subject', () => {
  it('drops and counts every bad message, delivers the good ones behind them, throws nothing', async () => {
    using escapes = guard();
    const { relay, subject, source, watcher } = await scriptedWatch();
    await using _source = source;

    const unreadable: (string | Uint8Array)[] = [
      '',
      'null',
      '[1,2]',
      '{"v":1}',
      '{"v":2,"kind":"quote","epoch":1,"seq":1,"at":1,"quote":{}}',
      envelope(1, { epoch: -1 }),
      envelope(1, { seq: 1.5 }),
      envelope(1, { at: 'now' }),
      envelope(1, { kind: 'status', status: 'exploded', time: 1 }),
      envelope(1, { kind: 'mystery' }),
      new Uint8Array([0xc3, 0x28, 0xff]),
      `{"v":1,"kind":"quote","epoch":1,"seq":1,"at":1,"quote":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    ];
    const wrongShape = [
      envelope(1, { quote: 'AAPL 100' }),
      envelope(1, { quote: quote({ price: '100' }) }),
      envelope(1, { quote: quote({ marketOpen: 'yes' }) }),
      envelope(1, { quote: quote({ bid: '99' }) }),
      envelope(1, { quote: null }),
    ];
    const outOfRange = [
      envelope(1, { quote: quote({ price: -1 }) }),
      envelope(2, { quote: quote({ price: 1e300 }) }),
      envelope(3, { quote: quote({ time: 1.7e18 }) }),
      envelope(4, { quote: quote({ symbol: '' }) }),
      envelope(5, { quote: quote({ volume: -3 }) }),
    ];
    for (const payload of [...unreadable, ...wrongShape, ...outOfRange]) relay.publish(subject, payload);
    relay.publish(
      subject,
      envelope(10, { quote: quote({ price: 123.45, extra: { huge: 'x'.repeat(1000) } }) }),
    );
    relay.publish(subject, envelope(11, { quote: quote({ price: 124 }) }));

    await watcher.quotes(2);
    await waitFor(
      () => source.stats().ignoredMessages === unreadable.length + wrongShape.length,
      'every unreadable message to be counted',
    );
    expect(source.stats()).toMatchObject({
      ignoredMessages: unreadable.length + wrongShape.length,
      ignoredQuotes: outOfRange.length,
    });
    expect(watcher.prices()).toEqual([123.45, 124]);
    // only the quote fields survive: no smuggled extras reach the tools
    const first = watcher.updates[0];
    expect(first?.type === 'quote' && Object.keys(first.quote).sort()).toEqual(
      ['marketOpen', 'price', 'source', 'symbol', 'time'].sort(),
    );
    expect(watcher.error).toBeUndefined();
    expect(escapes.escaped).toEqual([]);
    await relay.close();
  });

  it('lets no forged order silence the genuine quotes: an unusable quote or an epoch a day ahead does not move it on', async () => {
    using escapes = guard();
    const { relay, subject, source, watcher } = await scriptedWatch();
    await using _source = source;
    relay.publish(subject, envelope(1, { quote: quote({ price: 100 }) }));
    const farAhead = Date.now() + 2 * 24 * 60 * 60 * 1000;
    relay.publish(subject, envelope(1, { epoch: 5, quote: quote({ price: -1 }) })); // a later epoch, unusable
    relay.publish(subject, envelope(1, { epoch: farAhead, quote: quote({ price: 999 }) }));
    relay.publish(subject, envelope(2, { quote: quote({ price: 101 }) }));
    await watcher.quotes(2);
    expect(watcher.prices()).toEqual([100, 101]);
    expect(source.stats()).toMatchObject({ ignoredQuotes: 1, ignoredMessages: 1 });
    expect(escapes.escaped).toEqual([]);
    await relay.close();
  });

  it('turns a relayed error with an unknown code into PROVIDER_ERROR with a bounded message', async () => {
    const names = isolated();
    const relay = await rawClient(server.url);
    await openBucket(relay, names.bucket);
    const subject = `${names.subjectPrefix}.scripted.AAPL`;
    relay.subscribe(`${names.subjectPrefix}._demand.scripted`, {
      callback: (_e, msg) => {
        relay.publish(
          subject,
          JSON.stringify({ v: WIRE_VERSION, kind: 'error', code: 'rm -rf', message: 'y'.repeat(10_000) }),
        );
        msg.respond(JSON.stringify({ v: WIRE_VERSION, relay: 'scripted', event: 'answer' }));
      },
    });
    await relay.flush();
    await using source = createNatsQuoteSource({ servers: server.url, source: 'scripted', ...names });
    const error = await watchAll(source, 'AAPL').failed();
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', failure: 'RELAY_ERROR' });
    expect((error as Error).message.length).toBeLessThan(600);
    await relay.close();
  });

  it('ignores a garbage snapshot in the bucket and a garbage relay answer', async () => {
    const names = isolated();
    const relay = await rawClient(server.url);
    const bucket = await openBucket(relay, names.bucket);
    await bucket.put('scripted.AAPL', 'not json at all');
    let answers = 0;
    relay.subscribe(`${names.subjectPrefix}._demand.scripted`, {
      callback: (_e, msg) => {
        answers += 1;
        // first a garbage answer (not counted as a relay), then a real one on the retry
        msg.respond(
          answers === 1 ? '{"v":1,"event":"answer"}' : JSON.stringify({ v: 1, relay: 'r', event: 'answer' }),
        );
        if (answers === 2)
          relay.publish(`${names.subjectPrefix}.scripted.AAPL`, envelope(1, { quote: quote({ price: 5 }) }));
      },
    });
    await relay.flush();
    await using source = createNatsQuoteSource({ servers: server.url, source: 'scripted', ...names });
    const watcher = watchAll(source, 'AAPL');
    await watcher.quotes(1);
    expect(watcher.prices()).toEqual([5]);
    await waitFor(() => source.stats().ignoredMessages === 1, 'the garbage snapshot to be counted');
    await relay.close();
  });
});
