import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { RestReply } from './fake-provider-server.js';
import { ChangeNotifier } from './wait-until.js';

/** One JSON message a client sent, with the number (1-based) of the connection it came on. */
export interface AlpacaReceived {
  readonly connection: number;
  readonly message: unknown;
}

/** How the fake Alpaca market data server behaves. */
export interface FakeAlpacaOptions {
  /** The key pair it accepts. Default: `test-key` / `test-secret`. */
  readonly key?: string;
  readonly secret?: string;
  /** Symbols one connection may stream (trades and quotes together). Default: 30, the free plan's. */
  readonly symbolLimit?: number;
  /** Authenticated connections one key may have. Default: 1, the free plan's. */
  readonly connectionLimit?: number;
  /** An error to answer a subscription with instead (e.g. `{ code: 500, msg: 'internal error' }`). */
  refuse?(symbols: readonly string[]): { readonly code: number; readonly msg: string } | undefined;
  /** Answer to `GET /v2/stocks/{symbol}/trades/latest` (path with query); default: a trade at 231.5. */
  rest?(path: string, headers: IncomingMessage['headers']): RestReply;
}

/** The server's per-connection state. */
interface Session {
  readonly socket: WebSocket;
  readonly number: number;
  authenticated: boolean;
  readonly trades: Set<string>;
  readonly quotes: Set<string>;
}

/**
 * A local Alpaca market data stream (v2) on 127.0.0.1, speaking its documented protocol and
 * wording: every message is a JSON array; on connect it sends `[{"T":"success","msg":"connected"}]`;
 * `{"action":"auth","key","secret"}` is answered `authenticated`, or `402 auth failed` (and the
 * connection closed), or `406 connection limit exceeded` when another connection already uses the
 * key (closed too), or `403 already authenticated`; a subscription before auth gets `401 not
 * authenticated`; `{"action":"subscribe"|"unsubscribe","trades","quotes"}` is answered with the
 * connection's whole subscription (`T: "subscription"`, with `bars`, `corrections`... as Alpaca
 * lists them), or `405 symbol limit exceeded`; anything it cannot read gets `400 invalid syntax`.
 * REST answers the latest-trade endpoint, checking the `APCA-API-KEY-ID`/`APCA-API-SECRET-KEY`
 * headers. The test pushes trades and quotes with {@link FakeAlpacaServer.send}.
 */
export class FakeAlpacaServer implements AsyncDisposable {
  readonly received: AlpacaReceived[] = [];
  readonly upgrades: string[] = [];
  readonly restRequests: { path: string; keyId: unknown; secret: unknown }[] = [];
  closedConnections = 0;
  private readonly sessions: Session[] = [];
  private readonly changes = new ChangeNotifier();
  private readonly key: string;
  private readonly secret: string;
  private readonly symbolLimit: number;
  private readonly connectionLimit: number;

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    readonly port: number,
    private readonly options: FakeAlpacaOptions,
  ) {
    this.key = options.key ?? 'test-key';
    this.secret = options.secret ?? 'test-secret';
    this.symbolLimit = options.symbolLimit ?? 30;
    this.connectionLimit = options.connectionLimit ?? 1;
    http.on('request', (request, response) => {
      const path = request.url ?? '/';
      this.restRequests.push({
        path,
        keyId: request.headers['apca-api-key-id'],
        secret: request.headers['apca-api-secret-key'],
      });
      this.changes.notify();
      const reply = this.restReply(path, request.headers);
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(reply.body));
    });
    wss.on('connection', (socket, request) => {
      this.upgrades.push(request.url ?? '/');
      const session: Session = {
        socket,
        number: this.sessions.length + 1,
        authenticated: false,
        trades: new Set(),
        quotes: new Set(),
      };
      this.sessions.push(session);
      socket.on('close', () => {
        this.closedConnections++;
        this.changes.notify();
      });
      socket.on('message', (data) => this.handle(session, String(data)));
      socket.send(JSON.stringify([{ T: 'success', msg: 'connected' }]));
      this.changes.notify();
    });
  }

  /** Starts the server on a random port. */
  static async start(options: FakeAlpacaOptions = {}): Promise<FakeAlpacaServer> {
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    return new FakeAlpacaServer(http, wss, port, options);
  }

  /** The stream URL of a feed: `ws://127.0.0.1:PORT/v2/iex`. */
  wsUrl(feed = 'iex'): string {
    return `ws://127.0.0.1:${this.port}/v2/${feed}`;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Number of WebSocket connections accepted so far. */
  get connections(): number {
    return this.sessions.length;
  }

  /** Symbols the latest connection streams trades of. */
  get trades(): string[] {
    return [...(this.sessions.at(-1)?.trades ?? [])];
  }

  /** Waits for a client message matching `predicate`. */
  message(predicate: (received: AlpacaReceived) => boolean, what = 'a message'): Promise<AlpacaReceived> {
    return this.changes.until(() => this.received.find(predicate), what);
  }

  /** Waits until the latest connection streams trades of `symbol`. */
  subscribed(symbol: string): Promise<true> {
    return this.changes.until(
      () => (this.sessions.at(-1)?.trades.has(symbol) ? true : undefined),
      `a subscription to ${symbol}`,
    );
  }

  /** Waits until `n` connections have closed. */
  closed(n: number): Promise<number> {
    return this.changes.until(() => (this.closedConnections >= n ? n : undefined), `${n} closed connections`);
  }

  /** Sends messages as one JSON array on the latest open connection. */
  send(...messages: unknown[]): void {
    this.sendRaw(JSON.stringify(messages));
  }

  /** Sends a raw frame (text or binary) on the latest open connection, as is. */
  sendRaw(data: string | Uint8Array): void {
    const session = [...this.sessions].reverse().find((s) => s.socket.readyState === 1);
    if (!session) throw new Error('no open connection to send on');
    session.socket.send(data, { binary: typeof data !== 'string' });
  }

  /** Drops every open connection abruptly (no closing handshake). */
  dropConnections(): void {
    for (const session of this.sessions) session.socket.terminate();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const session of this.sessions) session.socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private handle(session: Session, text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      message = undefined;
    }
    this.received.push({ connection: session.number, message });
    this.changes.notify();
    const reply = (...messages: unknown[]): void => session.socket.send(JSON.stringify(messages));
    const error = (code: number, msg: string): void => reply({ T: 'error', code, msg });
    const m =
      typeof message === 'object' && message !== null && !Array.isArray(message) ? message : undefined;
    const action = (m as Record<string, unknown> | undefined)?.action;
    if (!m || typeof action !== 'string') {
      error(400, 'invalid syntax');
      return;
    }
    const fields = m as Record<string, unknown>;
    if (action === 'auth') {
      if (session.authenticated) {
        error(403, 'already authenticated');
        return;
      }
      if (fields.key !== this.key || fields.secret !== this.secret) {
        error(402, 'auth failed');
        session.socket.close(1008, 'auth failed');
        return;
      }
      const others = this.sessions.filter(
        (s) => s !== session && s.authenticated && s.socket.readyState === 1,
      );
      if (others.length >= this.connectionLimit) {
        error(406, 'connection limit exceeded');
        session.socket.close(1008, 'connection limit exceeded');
        return;
      }
      session.authenticated = true;
      reply({ T: 'success', msg: 'authenticated' });
      return;
    }
    if (action !== 'subscribe' && action !== 'unsubscribe') {
      error(400, 'invalid syntax');
      return;
    }
    if (!session.authenticated) {
      error(401, 'not authenticated');
      return;
    }
    const lists = [fields.trades, fields.quotes];
    if (
      !lists.every(
        (list) => list === undefined || (Array.isArray(list) && list.every((s) => typeof s === 'string')),
      )
    ) {
      error(400, 'invalid syntax');
      return;
    }
    const [trades = [], quotes = []] = lists as (string[] | undefined)[];
    const refusal = action === 'subscribe' ? this.options.refuse?.([...trades, ...quotes]) : undefined;
    if (refusal) {
      error(refusal.code, refusal.msg);
      return;
    }
    if (action === 'subscribe') {
      const all = new Set([...session.trades, ...session.quotes, ...trades, ...quotes]);
      if (all.size > this.symbolLimit) {
        error(405, 'symbol limit exceeded');
        return;
      }
      for (const symbol of trades) session.trades.add(symbol);
      for (const symbol of quotes) session.quotes.add(symbol);
    } else {
      for (const symbol of trades) session.trades.delete(symbol);
      for (const symbol of quotes) session.quotes.delete(symbol);
    }
    this.changes.notify();
    reply({
      T: 'subscription',
      trades: [...session.trades],
      quotes: [...session.quotes],
      bars: [],
      updatedBars: [],
      dailyBars: [],
      statuses: [],
      lulds: [],
      corrections: [...session.trades],
      cancelErrors: [...session.trades],
    });
  }

  private restReply(path: string, headers: IncomingMessage['headers']): RestReply {
    if (this.options.rest) return this.options.rest(path, headers);
    if (headers['apca-api-key-id'] !== this.key || headers['apca-api-secret-key'] !== this.secret) {
      return { status: 401, body: { message: 'unauthorized.' } };
    }
    const symbol = decodeURIComponent(/^\/v2\/stocks\/([^/]+)\/trades\/latest/.exec(path)?.[1] ?? '');
    if (!symbol) return { status: 404, body: { message: 'Not Found' } };
    return {
      status: 200,
      body: {
        symbol,
        trade: {
          t: '2024-12-06T20:59:59.912345678Z',
          x: 'V',
          p: 231.5,
          s: 100,
          c: ['@'],
          i: 52_983_525_029_461,
          z: 'C',
        },
      },
    };
  }
}

/** A trade as Alpaca streams it. */
export function alpacaTrade(
  symbol: unknown,
  price: unknown,
  time: unknown = '2024-12-06T15:30:00.123456789Z',
) {
  return { T: 't', S: symbol, i: 96_921, x: 'V', p: price, s: 100, t: time, c: ['@'], z: 'C' };
}

/** A quote as Alpaca streams it. */
export function alpacaQuote(
  symbol: unknown,
  bid: unknown,
  ask: unknown,
  time: unknown = '2024-12-06T15:30:00.1Z',
) {
  return { T: 'q', S: symbol, bx: 'V', bp: bid, bs: 1, ax: 'V', ap: ask, as: 4, t: time, c: ['R'], z: 'C' };
}
