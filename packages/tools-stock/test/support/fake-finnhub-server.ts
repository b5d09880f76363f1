/**
 * A local Finnhub: a {@link FakeProviderServer} that answers the way Finnhub does, wording
 * included. REST `/quote` answers `{"error":"Invalid API key."}` (401) to a wrong token,
 * `{"error":"You don't have access to this resource."}` (403) for a symbol the plan does not
 * cover, and a zero quote for a symbol it does not know. The WebSocket answers a subscription it
 * refuses with `{"type":"error","msg":"Invalid symbol X"}`, one beyond the plan's symbols per
 * connection (50 on the free plan) with `{"type":"error","msg":"Subscribing to too many
 * symbols"}`, and sends `{"type":"ping"}` on a quiet connection every `pingIntervalMs` on the
 * given scheduler (virtual time in tests).
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import { FakeProviderServer, type RestReply } from './fake-provider-server.js';

/** Finnhub's REST answer to a wrong token. */
export const FINNHUB_INVALID_KEY = { error: 'Invalid API key.' } as const;
/** Finnhub's REST answer to a request the key's plan does not cover. */
export const FINNHUB_NO_ACCESS = { error: "You don't have access to this resource." } as const;
/** Finnhub's `/quote` answer for a symbol it does not know. */
export const FINNHUB_ZERO_QUOTE = { c: 0, d: null, dp: null, h: 0, l: 0, o: 0, pc: 0, t: 0 } as const;
/** Finnhub's WebSocket answer to a subscription beyond the plan's symbols per connection. */
export const FINNHUB_TOO_MANY = { type: 'error', msg: 'Subscribing to too many symbols' } as const;

/** Options of {@link startFakeFinnhub}. */
export interface FakeFinnhubOptions {
  /** The key it accepts. Default: `test-key`. */
  readonly apiKey?: string;
  /** `/quote` answers (`c` price, `t` seconds) of the symbols it knows; others get a zero quote. */
  readonly quotes?: Readonly<Record<string, { readonly c: number; readonly t: number }>>;
  /** Symbols whose `/quote` answers the access error (e.g. `VOD.L` on a free key). */
  readonly noAccess?: readonly string[];
  /** HTTP status of the access error: 403 by default; Finnhub has sent it with 401 too. */
  readonly noAccessStatus?: number;
  /** Symbols the WebSocket refuses with `Invalid symbol X`. */
  readonly invalid?: readonly string[];
  /** `/quote` answers wait for this (e.g. until the WebSocket subscription is in). Default: none. */
  readonly holdQuotes?: Promise<void>;
  /** Symbols per connection. Default: 50 (the free plan). */
  readonly symbolLimit?: number;
  /** Sends `{"type":"ping"}` this often (ms) on `scheduler`. Default: no pings. */
  readonly pingIntervalMs?: number;
  /** Scheduler of the pings. */
  readonly scheduler?: SchedulerLike;
}

/** A running fake Finnhub: the server, and what it holds per connection. */
export interface FakeFinnhub extends AsyncDisposable {
  readonly server: FakeProviderServer;
  /** Symbols subscribed on each connection (numbered from 1), as the server counts them. */
  readonly subscribed: Map<number, Set<string>>;
  /** Pings sent so far. */
  readonly pings: () => number;
  /** Stops sending pings. */
  stopPings(): void;
}

/** Starts a fake Finnhub on 127.0.0.1. Dispose it with `await using`. */
export async function startFakeFinnhub(options: FakeFinnhubOptions = {}): Promise<FakeFinnhub> {
  const apiKey = options.apiKey ?? 'test-key';
  const limit = options.symbolLimit ?? 50;
  const subscribed = new Map<number, Set<string>>();
  const answer = (path: string): RestReply => {
    const url = new URL(path, 'http://localhost');
    if (url.searchParams.get('token') !== apiKey) return { status: 401, body: FINNHUB_INVALID_KEY };
    if (!url.pathname.endsWith('/quote')) return { status: 404, body: { error: 'Not found' } };
    const symbol = url.searchParams.get('symbol') ?? '';
    if (options.noAccess?.includes(symbol))
      return { status: options.noAccessStatus ?? 403, body: FINNHUB_NO_ACCESS };
    const quote = options.quotes?.[symbol];
    if (!quote) return { status: 200, body: FINNHUB_ZERO_QUOTE };
    return {
      status: 200,
      body: { ...quote, d: 0.5, dp: 0.2, h: quote.c, l: quote.c, o: quote.c, pc: quote.c },
    };
  };
  const rest = (path: string): RestReply | Promise<RestReply> =>
    options.holdQuotes ? options.holdQuotes.then(() => answer(path)) : answer(path);
  const server = await FakeProviderServer.start({
    rest,
    onMessage: (message, reply, connection) => {
      const symbols = subscribed.get(connection) ?? new Set<string>();
      subscribed.set(connection, symbols);
      const symbol = typeof message.symbol === 'string' ? message.symbol : '';
      if (message.type === 'unsubscribe') {
        symbols.delete(symbol);
        return;
      }
      if (message.type !== 'subscribe' || symbols.has(symbol)) return;
      if (options.invalid?.includes(symbol)) reply({ type: 'error', msg: `Invalid symbol ${symbol}` });
      else if (symbols.size >= limit) reply(FINNHUB_TOO_MANY);
      else symbols.add(symbol);
    },
    onClose: (connection) => subscribed.delete(connection),
  });
  let pings = 0;
  let pinger: Subscription | undefined;
  const { pingIntervalMs, scheduler } = options;
  if (pingIntervalMs !== undefined && scheduler) {
    const ping = (): void => {
      if (server.connections > server.closedConnections) {
        server.send({ type: 'ping' });
        pings++;
      }
      pinger = scheduler.schedule(ping, pingIntervalMs);
    };
    pinger = scheduler.schedule(ping, pingIntervalMs);
  }
  return {
    server,
    subscribed,
    pings: () => pings,
    stopPings: () => pinger?.unsubscribe(),
    [Symbol.asyncDispose]: async () => {
      pinger?.unsubscribe();
      await server[Symbol.asyncDispose]();
    },
  };
}
