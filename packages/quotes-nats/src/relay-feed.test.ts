import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { describe, expect, it } from 'vitest';
import { createPushedSource } from '../test/support/pushed-source.js';
import { createRelayFeed, type FeedContext } from './relay-feed.js';

/** A KV stand-in whose `create` answers only when the test says so (ordering of one feed's steps). */
function controlledOwners() {
  const pending: (() => void)[] = [];
  let revision = 0;
  const owners = {
    create: () =>
      new Promise<number>((resolve) => {
        pending.push(() => resolve(++revision));
      }),
    update: async () => ++revision,
    delete: async () => {},
    get: async () => null,
  };
  /** Answers the first `create` once the feed has sent it (its steps start a few microtasks later). */
  const answer = async (): Promise<void> => {
    for (let turn = 0; pending.length === 0; turn += 1) {
      if (turn > 1000) throw new Error('the feed never asked to create its ownership entry');
      await Promise.resolve();
    }
    pending.shift()?.();
  };
  return { owners: owners as unknown as KV, answer };
}

const quotes = { put: async () => 1, get: async () => null } as unknown as KV;
const nc = { publish: () => {} } as unknown as NatsConnection;

function context(owners: KV): FeedContext {
  return {
    relayId: 'me',
    nc,
    quotes,
    owners,
    logger: undefined,
    connected: () => true,
    published: () => {},
    isAlive: async () => true,
  };
}

describe('relay feed steps run one after another', () => {
  it('a release asked while ownership is being taken still stops the upstream it starts', async () => {
    const { owners, answer } = controlledOwners();
    const upstream = createPushedSource();
    const feed = createRelayFeed(
      context(owners),
      upstream,
      'pushed',
      'AAPL',
      'q.pushed.AAPL',
      'pushed.AAPL',
      () => 100,
    );
    const acquiring = feed.acquire();
    const releasing = feed.release('no agent wants it any more');
    await answer();
    await Promise.all([acquiring, releasing]);
    expect(upstream.active.has('AAPL')).toBe(false);
    expect(feed.subscribed).toBe(false);
  });

  it('acquiring twice at once takes ownership once', async () => {
    const { owners, answer } = controlledOwners();
    const upstream = createPushedSource();
    const feed = createRelayFeed(
      context(owners),
      upstream,
      'pushed',
      'AAPL',
      'q.pushed.AAPL',
      'pushed.AAPL',
      () => 100,
    );
    const both = Promise.all([feed.acquire(), feed.acquire()]);
    await answer();
    await both;
    expect(upstream.subscribes.get('AAPL')).toBe(1);
    expect(feed.subscribed).toBe(true);
  });
});
