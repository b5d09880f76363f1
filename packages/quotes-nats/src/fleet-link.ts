/**
 * An agent process's link to the fleet: its NATS connection, its demand heartbeats, its
 * per-symbol subscriptions and snapshot reads. Shared by every watched symbol of one
 * {@link createNatsQuoteSource} instance.
 *
 * @internal
 */
import type { Logger } from '@livetools/core';
import type { QuoteFeedStatus } from '@livetools/tools-stock';
import { type KV, Kvm } from '@nats-io/kv';
import { type NatsConnection, nuid } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { isNoResponders, messageOf, natsUnreachableError } from './errors.js';
import type { RelaySubjects } from './subjects.js';
import { parseAnnouncement, WIRE_VERSION } from './wire.js';

/** Longest wait between two demand attempts while no relay answers. */
const RETRY_MS = 200;
/** Bound on the first connection to NATS. */
const CONNECT_TIMEOUT_MS = 5_000;

/** What {@link openFleetLink} needs: where NATS is, which relay source, and the process's demand. @internal */
export interface FleetLinkOptions {
  readonly servers: string | readonly string[];
  readonly source: string;
  readonly name: string;
  readonly leaseMs: number;
  readonly bucket: string;
  readonly subjects: RelaySubjects;
  readonly logger: Logger | undefined;
  /** Every symbol the process wants now. */
  wanted(): string[];
  /** The process-wide feed health changed. */
  onStatus(status: QuoteFeedStatus, reason: string): void;
}

/** One agent process's link to the fleet, shared by its watched symbols. @internal */
export interface FleetLink {
  /** Subscribes to the live subject of `symbol` (the caller keeps one per symbol). */
  watch(symbol: string, onMessage: (data: Uint8Array) => void): { release(): void };
  /** The relay's last stored message for `symbol`, or `undefined`. Never rejects. */
  snapshot(symbol: string): Promise<Uint8Array | undefined>;
  /**
   * Sends the demand now; true when a relay answered within `timeoutMs` (asking again every
   * 200 ms while nobody listens; with `once`, a single request). Never rejects.
   */
  announce(timeoutMs: number, once?: boolean): Promise<boolean>;
  /** False while the connection to NATS is lost (the client is reconnecting). */
  connected(): boolean;
  /** Releases all demand and closes the connection. */
  close(): Promise<void>;
}

/**
 * Connects to NATS and starts the demand heartbeat.
 *
 * @throws NatsQuoteError `NATS_UNREACHABLE` when no server answers.
 * @internal
 */
export async function openFleetLink(options: FleetLinkOptions): Promise<FleetLink> {
  const { subjects, source, logger, leaseMs } = options;
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: typeof options.servers === 'string' ? options.servers : [...options.servers],
      name: `livetools-agent ${options.name}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      timeout: CONNECT_TIMEOUT_MS,
    });
  } catch (error) {
    throw natsUnreachableError(options.servers, error, options.name);
  }
  const process = nuid.next();
  const demandSubject = subjects.demand(source);
  let closed = false;
  let connected = true;
  let status: QuoteFeedStatus = 'live';
  let kv: Promise<KV | undefined> | undefined;

  const setStatus = (next: QuoteFeedStatus, reason: string): void => {
    if (next === status) return;
    status = next;
    if (next === 'live') logger?.info(`${options.name}: ${reason}`);
    else logger?.warn(`${options.name}: ${reason}`);
    options.onStatus(next, reason);
  };

  const demandPayload = (symbols: string[]): string =>
    JSON.stringify({ v: WIRE_VERSION, process, symbols, leaseMs });

  /** Asks until a relay answers or `timeoutMs` passed; with `once`, a single request. */
  const send = async (timeoutMs: number, once: boolean): Promise<boolean> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (closed) return false;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      try {
        const answer = await nc.request(demandSubject, demandPayload(options.wanted()), {
          timeout: remaining,
        });
        if (parseAnnouncement(answer.data)?.event === 'answer') return true;
      } catch (error) {
        if (!isNoResponders(error) && !closed) {
          logger?.debug(`${options.name}: demand not delivered: ${messageOf(error)}`);
        }
      }
      if (once) return false;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(RETRY_MS, Math.max(deadline - Date.now(), 0))),
      );
    }
  };

  // every watch started in one turn of the event loop shares one demand request
  const queued = new Map<boolean, Promise<boolean>>();
  const announce = (timeoutMs: number, once = false): Promise<boolean> => {
    let pending = queued.get(once);
    if (!pending) {
      pending = new Promise<boolean>((resolve) => {
        setImmediate(() => {
          queued.delete(once);
          send(timeoutMs, once).then(resolve, () => resolve(false));
        });
      });
      queued.set(once, pending);
    }
    return pending;
  };

  /** A heartbeat: renews the lease and tells the watchers whether a relay is there. */
  const heartbeat = async (): Promise<void> => {
    if (closed || !connected || options.wanted().length === 0) return;
    // one request: no responder means no relay right now (reported at once as `stale`)
    const answered = await announce(Math.min(Math.max(Math.floor(leaseMs / 3), 50), 2_000), true);
    if (closed || !connected) return;
    if (answered) setStatus('live', `a quote relay for ${source} answers`);
    else setStatus('stale', `no quote relay for ${source} answers on NATS; waiting for one`);
  };
  const timer = setInterval(() => void heartbeat(), Math.max(Math.floor(leaseMs / 3), 30));
  timer.unref();

  const relaySubscription = nc.subscribe(subjects.relay(source), {
    callback: (error, msg) => {
      if (error) return;
      const announcement = parseAnnouncement(msg.data);
      // a new relay wants to hear the demand now; a leaving one may leave nobody behind
      if (announcement?.event === 'hello' || announcement?.event === 'bye') void heartbeat();
    },
  });

  const watchStatus = async (): Promise<void> => {
    for await (const change of nc.status()) {
      if (change.type === 'disconnect') {
        connected = false;
        setStatus('reconnecting', 'lost the NATS connection; reconnecting');
      } else if (change.type === 'reconnect') {
        connected = true;
        void heartbeat();
      }
    }
  };
  void watchStatus().catch(() => {});

  return {
    watch(symbol, onMessage) {
      const subscription = nc.subscribe(subjects.quotes(source, symbol), {
        callback: (error, msg) => {
          if (error) return;
          try {
            onMessage(msg.data);
          } catch (thrown) {
            logger?.error(`${options.name}: a watcher of ${symbol} threw: ${messageOf(thrown)}`);
          }
        },
      });
      return {
        release() {
          subscription.unsubscribe();
          if (closed) return;
          try {
            nc.publish(demandSubject, demandPayload(options.wanted()));
          } catch {
            // disconnected: the lease runs out instead
          }
        },
      };
    },
    async snapshot(symbol) {
      kv ??= new Kvm(nc).open(options.bucket).then(
        (opened) => opened,
        () => {
          kv = undefined;
          return undefined;
        },
      );
      try {
        const entry = await (await kv)?.get(subjects.key(source, symbol));
        return entry && entry.operation === 'PUT' ? entry.value : undefined;
      } catch {
        return undefined;
      }
    },
    announce,
    connected: () => connected,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      relaySubscription.unsubscribe();
      try {
        nc.publish(demandSubject, demandPayload([]));
      } catch {
        // disconnected: the lease runs out instead
      }
      await nc.drain().catch(() => nc.close());
    },
  };
}
