/**
 * One symbol of one upstream source inside the relay: who owns it (a revision-checked entry in the
 * owners bucket), its upstream subscription, and what it publishes (live subject + last-quote KV).
 *
 * @internal
 */
import type { Logger } from '@livetools/core';
import type { QuoteSource, QuoteUpdate } from '@livetools/tools-stock';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Subscription } from 'rxjs';
import { messageOf } from './errors.js';
import { type Ordered, parseRelayMessage, readObject, WIRE_VERSION } from './wire.js';

/** What every feed of a relay shares. @internal */
export interface FeedContext {
  readonly relayId: string;
  readonly nc: NatsConnection;
  readonly quotes: KV;
  readonly owners: KV;
  readonly logger: Logger | undefined;
  /** False while NATS is disconnected: live publishes are skipped rather than buffered. */
  connected(): boolean;
  /** Counts one published message. */
  published(): void;
  /**
   * False only when the relay `id` is certainly gone (NATS says nobody listens on its ping
   * subject); true when it answers or when in doubt.
   */
  isAlive(id: string): Promise<boolean>;
}

/** The feed of one (source, symbol). @internal */
export interface RelayFeed {
  readonly source: string;
  readonly symbol: string;
  /** True while this relay holds the symbol's upstream subscription. */
  readonly subscribed: boolean;
  /** Takes ownership when free and starts the upstream (no-op when owned). Steps run one at a time. */
  acquire(): Promise<void>;
  /** Renews ownership; on losing it to another relay, stops the upstream. */
  refresh(): Promise<void>;
  /** Stops the upstream, marks the last quote as ended and gives ownership up. */
  release(reason: string): Promise<void>;
  /** True when no step is running or waiting. */
  readonly idle: boolean;
  /** When the upstream failed: no new attempt before this time (epoch ms), unless forced. */
  readonly retryAt: number;
  /** The other relay that held the symbol at the last failed {@link RelayFeed.acquire}, if any. */
  readonly heldBy: string | undefined;
}

/**
 * Creates the feed of `symbol` from `upstream`, published on `subject` and stored under `key`.
 *
 * @internal
 */
export function createRelayFeed(
  context: FeedContext,
  upstream: QuoteSource,
  source: string,
  symbol: string,
  subject: string,
  key: string,
  retryDelayMs: () => number,
): RelayFeed {
  const { nc, quotes, owners, logger, relayId } = context;
  let revision: number | undefined;
  let subscription: Subscription | undefined;
  let order: Ordered = { epoch: 0, seq: 0 };
  let retryAt = 0;
  let heldBy: string | undefined;
  /** Last-quote KV writes: one in flight at a time, only the newest waiting. */
  let writing = false;
  let pendingWrite: string | undefined;
  const ownerValue = JSON.stringify({ v: WIRE_VERSION, relay: relayId });

  const write = (payload: string): void => {
    if (writing) {
      pendingWrite = payload;
      return;
    }
    writing = true;
    quotes.put(key, payload).then(
      () => finishWrite(),
      (error: unknown) => {
        logger?.debug(
          `quote relay: could not store the last quote of ${source} ${symbol}: ${messageOf(error)}`,
        );
        finishWrite();
      },
    );
  };
  const finishWrite = (): void => {
    writing = false;
    const next = pendingWrite;
    pendingWrite = undefined;
    if (next !== undefined) write(next);
  };

  const publish = (body: Record<string, unknown>, store: boolean): void => {
    order = { epoch: order.epoch, seq: order.seq + 1 };
    const payload = JSON.stringify({
      v: WIRE_VERSION,
      ...body,
      epoch: order.epoch,
      seq: order.seq,
      at: Date.now(),
    });
    if (context.connected()) {
      try {
        nc.publish(subject, payload);
        context.published();
      } catch (error) {
        logger?.debug(`quote relay: could not publish ${source} ${symbol}: ${messageOf(error)}`);
      }
    }
    if (store) write(payload);
  };

  const onUpdate = (update: QuoteUpdate): void => {
    if (update.type === 'quote') publish({ kind: 'quote', quote: update.quote }, true);
    else {
      const { status, reason, time } = update;
      publish({ kind: 'status', status, time, ...(reason === undefined ? {} : { reason }) }, false);
    }
  };

  const stopUpstream = (why: string): void => {
    if (!subscription) return;
    subscription.unsubscribe();
    subscription = undefined;
    logger?.info(`quote relay: unsubscribed upstream ${source} ${symbol} (${why})`, { source, symbol });
  };

  const giveUp = async (): Promise<void> => {
    const held = revision;
    revision = undefined;
    if (held === undefined) return;
    await owners.delete(key, { previousSeq: held }).catch(() => {});
  };

  const startUpstream = (): void => {
    logger?.info(`quote relay: subscribed upstream ${source} ${symbol}`, { source, symbol });
    const failed = (error: unknown): void => {
      const code =
        typeof (error as { code?: unknown })?.code === 'string'
          ? (error as { code: string }).code
          : 'PROVIDER_ERROR';
      if (context.connected()) {
        try {
          nc.publish(
            subject,
            JSON.stringify({ v: WIRE_VERSION, kind: 'error', code, message: messageOf(error) }),
          );
        } catch {
          // NATS went away meanwhile: the watcher sees the relay's silence instead
        }
      }
      subscription = undefined;
      retryAt = Date.now() + retryDelayMs();
      logger?.info(`quote relay: unsubscribed upstream ${source} ${symbol} (failed: ${messageOf(error)})`, {
        source,
        symbol,
      });
      void giveUp();
    };
    const subscribing = upstream.watch(symbol).subscribe({
      next: onUpdate,
      error: failed,
      complete: () => failed(new Error(`${source} ended the feed of ${symbol}`)),
    });
    // an upstream that failed synchronously already cleared `subscription`
    if (!subscribing.closed) subscription = subscribing;
  };

  /** The epoch of the previous owner's last message, from the last-quote bucket. */
  const previousEpoch = async (): Promise<number> => {
    try {
      const entry = await quotes.get(key);
      if (entry?.operation !== 'PUT') return 0;
      const message = parseRelayMessage(entry.value);
      return message && 'epoch' in message ? message.epoch : 0;
    } catch {
      return 0;
    }
  };

  /**
   * Takes the symbol from an owner that died without giving it up (e.g. `SIGKILL`), rather than
   * waiting for its entry to expire: revision-checked, so it fails if the entry changed meanwhile.
   */
  const takeOverFromGone = async (): Promise<boolean> => {
    const entry = await owners.get(key);
    if (entry?.operation !== 'PUT') return false; // gone since: the next tick creates it
    const owner = readObject(entry.value)?.relay;
    heldBy = typeof owner === 'string' ? owner : undefined;
    if (typeof owner === 'string' && (owner === relayId || (await context.isAlive(owner)))) return false;
    revision = await owners.update(key, ownerValue, entry.revision);
    heldBy = undefined;
    logger?.debug(`quote relay: took ${source} ${symbol} over from relay ${String(owner)}, which is gone`);
    return true;
  };

  /**
   * Runs the feed's steps one after another (a release asked during an acquire runs after it, so
   * it stops what the acquire started); a step asked again while the same step waits is shared.
   */
  let chain: Promise<void> = Promise.resolve();
  const waiting = new Map<string, Promise<void>>();
  let running = false;
  const serial = (step: string, work: () => Promise<void>): Promise<void> => {
    const queued = waiting.get(step);
    if (queued) return queued;
    const run = chain
      .then(async () => {
        waiting.delete(step);
        running = true;
        await work();
      })
      .catch((error: unknown) => {
        logger?.debug(`quote relay: ${step} of ${source} ${symbol} failed: ${messageOf(error)}`);
      })
      .finally(() => {
        running = false;
      });
    waiting.set(step, run);
    chain = run;
    return run;
  };

  return {
    source,
    symbol,
    get subscribed() {
      return subscription !== undefined;
    },
    get idle() {
      return waiting.size === 0 && !running;
    },
    get retryAt() {
      return retryAt;
    },
    get heldBy() {
      return heldBy;
    },
    acquire: () =>
      serial('acquire', async () => {
        if (revision !== undefined) return;
        try {
          revision = await owners.create(key, ownerValue);
          heldBy = undefined;
        } catch (error) {
          const taken = await takeOverFromGone().catch(() => false);
          if (!taken) {
            logger?.debug(`quote relay: ${source} ${symbol} is held by another relay (${messageOf(error)})`);
            return;
          }
        }
        // above the previous owner's (even on a slower clock) and above our own last one
        const epoch = Math.max(Date.now(), (await previousEpoch()) + 1, order.epoch + 1);
        order = { epoch, seq: 0 };
        startUpstream();
      }),
    refresh: () =>
      serial('refresh', async () => {
        if (revision === undefined) return;
        try {
          revision = await owners.update(key, ownerValue, revision);
          return;
        } catch (error) {
          if (!context.connected()) return; // keep the feed; renew after the reconnection
          logger?.debug(`quote relay: could not renew ${source} ${symbol}: ${messageOf(error)}`);
        }
        try {
          // our entry expired (e.g. a long pause) and nobody took it: take it again
          revision = await owners.create(key, ownerValue);
        } catch {
          revision = undefined;
          stopUpstream('another relay holds it now');
        }
      }),
    release: (reason) =>
      serial('release', async () => {
        const had = subscription !== undefined;
        stopUpstream(reason);
        if (had) publish({ kind: 'ended' }, true);
        await giveUp();
      }),
  };
}
