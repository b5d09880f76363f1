import type { Logger } from '@livetools/core';
import type { QuoteSource } from '@livetools/tools-stock';
import { JetStreamApiError } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { type NatsConnection, nuid, type Subscription, TimeoutError } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { createDemandTable, type DemandTable } from './demand-table.js';
import { isNoResponders, messageOf, NatsQuoteError, natsUnreachableError } from './errors.js';
import { createRelayFeed, type RelayFeed } from './relay-feed.js';
import { relaySubjects } from './subjects.js';
import { parseAnnouncement, parseDemand, WIRE_VERSION } from './wire.js';

/**
 * Default demand lease, in ms: an agent process that stops renewing its demand (it renews every
 * third of this) loses it after this long, e.g. after `SIGKILL`.
 *
 * @example
 * ```ts
 * const relay = await startQuoteRelay({ servers, sources, leaseMs: DEFAULT_LEASE_MS / 3 });
 * ```
 */
export const DEFAULT_LEASE_MS = 15_000;

/**
 * Default JetStream KV bucket of the last quote per symbol. Symbol ownership between relays lives
 * in a second bucket named after it with `_owners` appended.
 *
 * @example
 * ```ts
 * const bucket = `${DEFAULT_BUCKET}_staging`;
 * ```
 */
export const DEFAULT_BUCKET = 'livetools_quotes';

/**
 * Default first token of every subject: live quotes go to `quotes.<source>.<symbol>`.
 *
 * @example
 * ```ts
 * const subject = `${DEFAULT_SUBJECT_PREFIX}.simulated.AAPL`;
 * ```
 */
export const DEFAULT_SUBJECT_PREFIX = 'quotes';

/**
 * Default bound, in ms, on how long {@link startQuoteRelay} keeps asking a JetStream that is not
 * ready (a busy server, or one whose JetStream is still starting) to open the KV buckets.
 *
 * @example
 * ```ts
 * const relay = await startQuoteRelay({ servers, sources, openTimeoutMs: 2 * DEFAULT_OPEN_TIMEOUT_MS });
 * ```
 */
export const DEFAULT_OPEN_TIMEOUT_MS = 30_000;

/** How often a relay pings the relays that hold symbols it is asked for. */
const OWNER_CHECK_MS = 1_000;
/** How long a relay waits for another relay's ping answer before assuming it is alive. */
const PING_TIMEOUT_MS = 1_000;
/** Shortest and longest lease a demand message may ask for. */
const MIN_LEASE_MS = 100;
const MAX_LEASE_MS = 10 * 60_000;

/**
 * Options of {@link startQuoteRelay}.
 *
 * @example
 * ```ts
 * const options: QuoteRelayOptions = {
 *   servers: 'nats://127.0.0.1:4222',
 *   sources: { simulated: createSimulatedSource() },
 * };
 * ```
 */
export interface QuoteRelayOptions {
  /** NATS server URL(s), e.g. `nats://127.0.0.1:4222`. */
  readonly servers: string | readonly string[];
  /** Upstream sources by the name agents ask for, e.g. `{ simulated: createSimulatedSource() }`. */
  readonly sources: Readonly<Record<string, QuoteSource>>;
  /**
   * Demand lease, in ms, used when an agent's demand message does not state its own, and the
   * lifetime of a symbol's ownership entry (a relay that dies loses its symbols after this long).
   * Default {@link DEFAULT_LEASE_MS}.
   */
  readonly leaseMs?: number;
  /** JetStream KV bucket of the last quote per symbol. Default {@link DEFAULT_BUCKET}. */
  readonly bucket?: string;
  /** First token(s) of every subject. Default {@link DEFAULT_SUBJECT_PREFIX}. */
  readonly subjectPrefix?: string;
  /** Where to log: one `info` line per upstream subscribe/unsubscribe, `debug` for the rest. */
  readonly logger?: Logger;
  /**
   * How long, in ms, to keep asking JetStream to open the KV buckets while it is not ready: its
   * requests time out (each waits 5 s) or it answers that it is temporarily unavailable (asked
   * again after 0.5 s). A warning is logged before each new request. The bound is checked when a
   * request fails, so the relay may give up up to one request (5 s) after it; 0 asks once. A
   * server without JetStream is refused at once. Default {@link DEFAULT_OPEN_TIMEOUT_MS}.
   */
  readonly openTimeoutMs?: number;
  /**
   * Most distinct symbols agents may have this relay watch, per source. A demand past it is
   * accepted up to the bound; each symbol left out gets a `SYMBOL_LIMIT` error on its subject, so
   * its watch fails with a reason. Default {@link DEFAULT_MAX_SYMBOLS}.
   */
  readonly maxSymbols?: number;
  /**
   * Most agent processes with a live demand lease, per source. The demand of one more is refused
   * (counted in `ignoredMessages` and logged); it is answered again once a lease ends. Default
   * {@link DEFAULT_MAX_PROCESSES}.
   */
  readonly maxProcesses?: number;
}

/** Default of {@link QuoteRelayOptions.maxSymbols}. */
export const DEFAULT_MAX_SYMBOLS = 2_000;
/** Default of {@link QuoteRelayOptions.maxProcesses}. */
export const DEFAULT_MAX_PROCESSES = 1_000;

/**
 * What a running relay reports.
 *
 * @example
 * ```ts
 * const { upstreamSubscriptions, symbols } = relay.stats();
 * ```
 */
export interface QuoteRelayStats {
  /** Upstream subscriptions this relay holds now (one per watched symbol it owns). */
  readonly upstreamSubscriptions: number;
  /** The symbols of those subscriptions, sorted (a symbol relayed from two sources appears twice). */
  readonly symbols: string[];
  /** Messages published on live subjects since the relay started. */
  readonly published: number;
  /** Agent processes whose demand lease is live, summed over the sources. */
  readonly demandProcesses: number;
  /** Demand messages refused as unreadable (not JSON, wrong shape). */
  readonly ignoredMessages: number;
}

/**
 * A running quote relay. Dispose it (`await using`) or call {@link QuoteRelay.close}.
 *
 * @example
 * ```ts
 * await using relay = await startQuoteRelay({ servers, sources });
 * console.log(relay.stats());
 * ```
 */
export interface QuoteRelay extends AsyncDisposable {
  /** The relay's id (random), as it appears in ownership entries and logs. */
  readonly id: string;
  /** Counts and the symbols relayed now. */
  stats(): QuoteRelayStats;
  /** Stops every upstream, gives every symbol up (another relay takes over at once), says goodbye, closes NATS. Idempotent. */
  close(): Promise<void>;
}

/** Pause before asking again a JetStream that answered it is not available yet. */
const OPEN_RETRY_MS = 500;

/**
 * A JetStream that is there but not ready: a request that got no answer in time (a busy server),
 * or an answer that the JetStream system is temporarily unavailable (503, e.g. a cluster that has
 * no leader yet).
 */
const notReady = (error: unknown): boolean =>
  error instanceof TimeoutError || (error instanceof JetStreamApiError && error.status === 503);

/**
 * Creates (or opens) the two KV buckets, asking again while JetStream is not ready, until
 * `openTimeoutMs` has passed.
 *
 * @throws NatsQuoteError that says why and what to do.
 */
async function openBuckets(
  nc: NatsConnection,
  options: { bucket: string; leaseMs: number; openTimeoutMs: number; logger: Logger | undefined },
): Promise<[KV, KV]> {
  const { bucket, leaseMs, openTimeoutMs, logger } = options;
  const deadline = Date.now() + openTimeoutMs;
  const kvm = new Kvm(nc);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return [
        await kvm.create(bucket, { history: 1 }),
        await kvm.create(`${bucket}_owners`, { history: 1, ttl: leaseMs }),
      ];
    } catch (error) {
      const left = deadline - Date.now();
      if (!notReady(error) || left <= 0) throw bucketsError(error, bucket, nc.getServer(), attempt);
      logger?.warn(
        `quote relay: JetStream is not ready (${messageOf(error)}); asking again for the KV bucket ${bucket} (attempt ${attempt + 1}, up to ${openTimeoutMs} ms)`,
      );
      // a timeout already waited; an answer came at once: pause, so as not to flood a busy server
      if (!(error instanceof TimeoutError)) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(OPEN_RETRY_MS, left)));
      }
    }
  }
}

/** The error that says why the buckets could not be opened, and what to do. */
function bucketsError(error: unknown, bucket: string, server: string, attempts: number): NatsQuoteError {
  const what = `Cannot open the JetStream KV buckets ${bucket} and ${bucket}_owners`;
  let message: string;
  // nats.js's answer to a request nobody took on the JetStream API (the class is not exported)
  if (error instanceof Error && error.name === 'JetStreamNotEnabled') {
    message = `${what}: JetStream is not enabled on ${server}. Run nats-server with JetStream enabled (-js).`;
  } else if (notReady(error)) {
    message = `${what}: JetStream on ${server} was not ready (${messageOf(error)}; asked ${attempts} time${attempts === 1 ? '' : 's'}). The server may be overloaded or its JetStream still starting: check its log, or give the relay longer (openTimeoutMs, or --open-timeout-ms on the command line).`;
  } else {
    message = `${what} (${messageOf(error)}). Check that nats-server runs with JetStream (-js) and that this connection may create KV buckets.`;
  }
  return new NatsQuoteError('NATS_UNREACHABLE', 'PROVIDER_ERROR', message, { cause: error });
}

interface SourceState {
  readonly name: string;
  readonly upstream: QuoteSource;
  readonly demand: DemandTable;
  readonly feeds: Map<string, RelayFeed>;
}

/**
 * Starts a quote relay: connects to NATS, creates the KV buckets when missing, and serves the
 * given upstream sources to every agent process of the fleet.
 *
 * - Agents send demand (`<prefix>._demand.<source>`, request/reply) naming every symbol they want,
 *   renewed every third of their lease. The relay subscribes a symbol upstream while some live lease
 *   wants it, and unsubscribes when the last one is released or expires.
 * - Each update is published on `<prefix>.<source>.<symbol>` (symbol encoded, see `encodeToken`)
 *   with a per-symbol order (`epoch`, `seq`), and each quote is stored in the KV bucket so a new
 *   watcher gets a snapshot at once.
 * - Several relays may run: each symbol is owned by one of them through a revision-checked entry in
 *   `<bucket>_owners` (max age = the lease), so one upstream subscription serves the whole fleet;
 *   another relay takes the symbol over when the owner dies or leaves.
 *
 * @param options - NATS servers, upstream sources, lease, bucket, subject prefix, logger, open timeout.
 * @returns The running relay.
 * @throws NatsQuoteError (`NATS_UNREACHABLE`) when no NATS server answers, or when JetStream is not
 * enabled or does not answer within `openTimeoutMs` (the message says which); RangeError on bad options.
 *
 * @example
 * ```ts
 * import { createSimulatedSource } from '@livetools/tools-stock';
 *
 * const relay = await startQuoteRelay({
 *   servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
 *   sources: { simulated: createSimulatedSource() },
 * });
 * process.once('SIGTERM', () => void relay.close());
 * ```
 */
export async function startQuoteRelay(options: QuoteRelayOptions): Promise<QuoteRelay> {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  if (!(Number.isFinite(leaseMs) && leaseMs >= MIN_LEASE_MS)) {
    throw new RangeError(`leaseMs must be at least ${MIN_LEASE_MS} ms, got ${leaseMs}.`);
  }
  const openTimeoutMs = options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
  if (!(Number.isFinite(openTimeoutMs) && openTimeoutMs >= 0)) {
    throw new RangeError(`openTimeoutMs must be a number of ms, 0 or more, got ${openTimeoutMs}.`);
  }
  const maxSymbols = options.maxSymbols ?? DEFAULT_MAX_SYMBOLS;
  const maxProcesses = options.maxProcesses ?? DEFAULT_MAX_PROCESSES;
  for (const [name, value] of [
    ['maxSymbols', maxSymbols],
    ['maxProcesses', maxProcesses],
  ] as const) {
    if (!(Number.isSafeInteger(value) && value >= 1)) {
      throw new RangeError(`${name} must be a whole number, 1 or more, got ${value}.`);
    }
  }
  const bucket = options.bucket ?? DEFAULT_BUCKET;
  const subjects = relaySubjects(options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX);
  const { logger } = options;
  const names = Object.keys(options.sources);
  if (names.length === 0) throw new RangeError('sources must name at least one upstream quote source.');

  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: typeof options.servers === 'string' ? options.servers : [...options.servers],
      name: 'livetools-quote-relay',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
  } catch (error) {
    throw natsUnreachableError(options.servers, error);
  }

  let quotes: KV;
  let owners: KV;
  try {
    [quotes, owners] = await openBuckets(nc, { bucket, leaseMs, openTimeoutMs, logger });
  } catch (error) {
    await nc.close().catch(() => {});
    throw error;
  }
  // an existing owners bucket keeps the lifetime it was created with: renew well within it
  const ownershipMs = await owners.status().then(
    (status) => (status.ttl > 0 ? Math.min(status.ttl, leaseMs) : leaseMs),
    () => leaseMs,
  );
  const tickMs = Math.max(Math.floor(ownershipMs / 3), 30);

  const id = nuid.next();
  let connected = true;
  let closed = false;
  /** Set as soon as `close` starts: no symbol is taken from then on. */
  let stopping = false;
  let published = 0;
  let ignoredMessages = 0;

  /**
   * `symbols` of `process`'s demand, kept within `maxSymbols` distinct symbols for the source: the
   * symbols already wanted (by any process) stay, new ones come in order while there is room, and
   * each one left out gets a `SYMBOL_LIMIT` error on its subject.
   */
  const withinSymbolLimit = (
    state: SourceState,
    process: string,
    symbols: readonly string[],
  ): readonly string[] => {
    let room = maxSymbols - state.demand.symbols().length;
    const kept: string[] = [];
    const refused: string[] = [];
    for (const symbol of new Set(symbols)) {
      if (state.demand.wants(symbol))
        kept.push(symbol); // this process's own symbols included
      else if (room > 0) {
        room -= 1;
        kept.push(symbol);
      } else refused.push(symbol);
    }
    if (refused.length === 0) return symbols;
    logger?.warn(
      `quote relay: left ${refused.length} symbol(s) of process ${process} out for ${state.name}: it watches ${maxSymbols} already (maxSymbols)`,
      { source: state.name, process, refused: refused.slice(0, 20) },
    );
    const message = `The quote relay for ${state.name} watches ${maxSymbols} symbols already, its limit (maxSymbols): this one was left out. Watch fewer symbols, or raise the relay's maxSymbols.`;
    for (const symbol of refused) {
      try {
        nc.publish(
          subjects.quotes(state.name, symbol),
          JSON.stringify({ v: WIRE_VERSION, kind: 'error', code: 'SYMBOL_LIMIT', message }),
        );
      } catch {
        // NATS went away meanwhile: the watcher sees the relay's silence instead
      }
    }
    return kept;
  };
  const context = {
    relayId: id,
    nc,
    quotes,
    owners,
    logger,
    connected: () => connected && !closed,
    published: () => {
      published += 1;
    },
    isAlive: async (other: string): Promise<boolean> => {
      try {
        await nc.request(subjects.ping(other), '', { timeout: PING_TIMEOUT_MS });
        return true;
      } catch (error) {
        return !isNoResponders(error);
      }
    },
  };

  const sources: SourceState[] = names.map((name) => ({
    name,
    upstream: options.sources[name] as QuoteSource,
    demand: createDemandTable(() => Date.now()),
    feeds: new Map(),
  }));

  const feedOf = (state: SourceState, symbol: string): RelayFeed => {
    let feed = state.feeds.get(symbol);
    if (!feed) {
      feed = createRelayFeed(
        context,
        state.upstream,
        state.name,
        symbol,
        subjects.quotes(state.name, symbol),
        subjects.key(state.name, symbol),
        () => tickMs,
      );
      state.feeds.set(symbol, feed);
    }
    return feed;
  };

  /** Brings one symbol in line with its demand. */
  const reconcile = async (state: SourceState, symbol: string, force: boolean): Promise<void> => {
    if (stopping) return;
    const feed = state.feeds.get(symbol);
    if (state.demand.wants(symbol)) {
      const current = feed ?? feedOf(state, symbol);
      if (current.subscribed) return;
      if (!force && Date.now() < current.retryAt) return;
      await current.acquire();
    } else if (feed) {
      await feed.release('no agent wants it any more');
      // forget it unless it is wanted again or busy meanwhile (a later step still needs this object)
      if (!state.demand.wants(symbol) && !feed.subscribed && feed.idle) state.feeds.delete(symbol);
    }
  };

  const subscriptions: Subscription[] = [
    nc.subscribe(subjects.ping(id), {
      callback: (error, msg) => {
        if (!error && msg.reply) msg.respond(JSON.stringify({ v: WIRE_VERSION, relay: id, event: 'answer' }));
      },
    }),
  ];
  const announce = (state: SourceState, event: 'hello' | 'bye'): void => {
    try {
      nc.publish(subjects.relay(state.name), JSON.stringify({ v: WIRE_VERSION, relay: id, event }));
    } catch {
      // not connected: the agents re-announce on their own reconnection anyway
    }
  };

  for (const state of sources) {
    subscriptions.push(
      nc.subscribe(subjects.demand(state.name), {
        callback: (error, msg) => {
          if (error || closed) return;
          const demand = parseDemand(msg.data);
          if (!demand) {
            ignoredMessages += 1;
            logger?.debug(`quote relay: ignored an unreadable demand message for ${state.name}`);
            return;
          }
          const known = state.demand.holds(demand.process);
          if (!known && demand.symbols.length > 0 && state.demand.processes() >= maxProcesses) {
            ignoredMessages += 1;
            logger?.warn(
              `quote relay: refused the demand of process ${demand.process} for ${state.name}: ${maxProcesses} processes hold a lease already (maxProcesses)`,
              { source: state.name, process: demand.process },
            );
            return;
          }
          const symbols = withinSymbolLimit(state, demand.process, demand.symbols);
          const lease = Math.min(Math.max(demand.leaseMs ?? leaseMs, MIN_LEASE_MS), MAX_LEASE_MS);
          const { added, released } = state.demand.renew(demand.process, symbols, lease);
          if (msg.reply) {
            try {
              msg.respond(JSON.stringify({ v: WIRE_VERSION, relay: id, event: 'answer' }));
            } catch {
              // the requester went away
            }
          }
          if (added.length > 0 || released.length > 0) {
            logger?.debug(
              `quote relay: demand for ${state.name} from ${demand.process}: +[${added.join(', ')}] released [${released.join(', ')}]`,
            );
          }
          for (const symbol of added) void reconcile(state, symbol, true);
          for (const symbol of released) void reconcile(state, symbol, false);
          armExpiry();
        },
      }),
    );
    subscriptions.push(
      nc.subscribe(subjects.relay(state.name), {
        callback: (error, msg) => {
          if (error || closed) return;
          const announcement = parseAnnouncement(msg.data);
          // another relay leaving gave its symbols up: take them over now rather than at the next tick
          if (announcement?.event === 'bye' && announcement.relay !== id) void tick();
        },
      }),
    );
    announce(state, 'hello');
  }

  /** Drops the demand of every lease that ended. */
  const expire = (): void => {
    for (const state of sources)
      for (const symbol of state.demand.expire()) void reconcile(state, symbol, false);
  };
  // leases end on their own schedule (an agent may ask for a shorter one than ours): one timer at the first end
  let expiryTimer: ReturnType<typeof setTimeout> | undefined;
  let expiryAt = Number.POSITIVE_INFINITY;
  const armExpiry = (): void => {
    let first = Number.POSITIVE_INFINITY;
    for (const state of sources)
      first = Math.min(first, state.demand.nextExpiry() ?? Number.POSITIVE_INFINITY);
    if (closed || first >= expiryAt) return;
    clearTimeout(expiryTimer);
    expiryAt = first;
    expiryTimer = setTimeout(
      () => {
        expiryAt = Number.POSITIVE_INFINITY;
        expire();
        armExpiry();
      },
      Math.max(first - Date.now(), 0) + 1,
    );
  };

  async function tick(): Promise<void> {
    expire();
    armExpiry();
    for (const state of sources) {
      for (const symbol of state.demand.symbols()) void reconcile(state, symbol, false);
      for (const feed of state.feeds.values()) {
        if (feed.subscribed) void feed.refresh();
        // anything unwanted left behind by a step that raced the demand: release it, forget it
        if (!state.demand.wants(feed.symbol)) void reconcile(state, feed.symbol, false);
      }
    }
  }
  const timer = setInterval(() => void tick(), tickMs);

  /**
   * Between ticks, pings each relay that holds a symbol we are asked for: one that is gone
   * (killed without a goodbye) loses its symbols to us now, not when its entries expire.
   */
  const checkOwners = async (): Promise<void> => {
    const blocked = new Map<string, RelayFeed[]>();
    for (const state of sources) {
      for (const feed of state.feeds.values()) {
        const owner = feed.heldBy;
        if (owner === undefined || feed.subscribed || !state.demand.wants(feed.symbol)) continue;
        blocked.set(owner, [...(blocked.get(owner) ?? []), feed]);
      }
    }
    for (const [owner, feeds] of blocked) {
      if (stopping || (await context.isAlive(owner))) continue;
      if (stopping) return; // close started while we waited for the ping
      for (const feed of feeds) void feed.acquire();
    }
  };
  const ownerTimer = setInterval(() => void checkOwners(), Math.min(tickMs, OWNER_CHECK_MS));

  const watchStatus = async (): Promise<void> => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') {
        connected = false;
        logger?.warn('quote relay: lost the NATS connection, reconnecting');
      } else if (status.type === 'reconnect') {
        connected = true;
        logger?.info('quote relay: reconnected to NATS');
        for (const state of sources) announce(state, 'hello');
        void tick();
      }
    }
  };
  void watchStatus().catch(() => {});

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      stopping = true;
      clearInterval(timer);
      clearInterval(ownerTimer);
      clearTimeout(expiryTimer);
      const releases: Promise<void>[] = [];
      for (const state of sources) {
        for (const feed of state.feeds.values()) releases.push(feed.release('relay closing'));
      }
      await Promise.allSettled(releases);
      closed = true;
      for (const state of sources) announce(state, 'bye');
      for (const subscription of subscriptions) subscription.unsubscribe();
      await nc.drain().catch(() => nc.close());
    })();
    return closing;
  };

  logger?.info(`quote relay ${id}: serving ${names.join(', ')} (lease ${leaseMs} ms, bucket ${bucket})`);
  return {
    id,
    stats() {
      const symbols: string[] = [];
      for (const state of sources)
        for (const feed of state.feeds.values()) if (feed.subscribed) symbols.push(feed.symbol);
      symbols.sort();
      return {
        upstreamSubscriptions: symbols.length,
        symbols,
        published,
        demandProcesses: sources.reduce((sum, state) => sum + state.demand.processes(), 0),
        ignoredMessages,
      };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
