import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { ChangeNotifier } from './wait-until.js';

/** One JSON message a client sent, with the number (1-based) of the connection it came on. */
export interface ReceivedMessage {
  readonly connection: number;
  readonly message: Record<string, unknown>;
}

/** A REST answer of the fake server. */
export interface RestReply {
  readonly status: number;
  readonly body: unknown;
}

/** Options of {@link startFakeProviderServer}. */
export interface FakeProviderServerOptions {
  /** Answers REST requests (path with query), at once or later. Default: 404. */
  rest?(path: string): RestReply | Promise<RestReply>;
  /**
   * Scripted reaction to each client message (e.g. acknowledge subscriptions); `connection` is the
   * number (1-based) of the connection it came on.
   */
  onMessage?(message: Record<string, unknown>, reply: (message: unknown) => void, connection: number): void;
  /** Called when a connection (numbered from 1) closes. */
  onClose?(connection: number): void;
}

/**
 * A local server on 127.0.0.1 (random port) that a provider adapter connects to: it records the
 * upgrade requests and every message, lets the test push messages, drop or refuse connections, and
 * answers REST requests. Disposable with `await using`.
 */
export class FakeProviderServer implements AsyncDisposable {
  readonly upgrades: string[] = [];
  readonly received: ReceivedMessage[] = [];
  readonly restRequests: string[] = [];
  closedConnections = 0;
  /** HTTP status to refuse upgrades with, or undefined to accept them. */
  refuseUpgradesWith: number | undefined;
  /** Close every connection right after it opens (like a server refusing a key). */
  closeOnOpen = false;
  private readonly clients: WebSocket[] = [];
  private readonly changes = new ChangeNotifier();

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    readonly port: number,
    options: FakeProviderServerOptions,
  ) {
    http.on('request', (request: IncomingMessage, response) => {
      const path = request.url ?? '/';
      this.restRequests.push(path);
      this.changes.notify();
      const answer = (reply: RestReply): void => {
        response.writeHead(reply.status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(reply.body));
      };
      const reply = options.rest?.(path) ?? { status: 404, body: { message: 'NotFound' } };
      if (reply instanceof Promise) reply.then(answer, () => answer({ status: 500, body: {} }));
      else answer(reply);
    });
    wss.on('connection', (socket, request) => {
      this.upgrades.push(request.url ?? '/');
      this.clients.push(socket);
      const connection = this.clients.length;
      socket.on('close', () => {
        options.onClose?.(connection);
        this.closedConnections++;
        this.changes.notify();
      });
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as Record<string, unknown>;
        this.received.push({ connection, message });
        this.changes.notify();
        options.onMessage?.(message, (answer) => socket.send(JSON.stringify(answer)), connection);
      });
      this.changes.notify();
      if (this.closeOnOpen) socket.close(1000);
    });
  }

  static async start(options: FakeProviderServerOptions = {}): Promise<FakeProviderServer> {
    const http = createServer();
    let server: FakeProviderServer | undefined;
    const wss = new WebSocketServer({
      server: http,
      verifyClient: (info, done) => {
        const refuse = server?.refuseUpgradesWith;
        if (refuse === undefined) done(true);
        else {
          server?.upgrades.push(info.req.url ?? '/');
          done(false, refuse, 'Unauthorized');
        }
      },
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    server = new FakeProviderServer(http, wss, port, options);
    return server;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Number of WebSocket connections accepted so far. */
  get connections(): number {
    return this.clients.length;
  }

  /** Waits until `n` connections have closed. */
  closed(n: number): Promise<number> {
    return this.changes.until(() => (this.closedConnections >= n ? n : undefined), `${n} closed connections`);
  }

  /** Waits until `n` upgrade requests (accepted or refused) arrived. */
  upgradeRequest(n: number): Promise<string> {
    return this.changes.until(() => this.upgrades[n - 1], `upgrade request #${n}`);
  }

  /** Waits for a client message matching `predicate`. */
  message(predicate: (received: ReceivedMessage) => boolean, what = 'a message'): Promise<ReceivedMessage> {
    return this.changes.until(() => this.received.find(predicate), what);
  }

  /** Sends a JSON message on the latest open connection. */
  send(message: unknown): void {
    const client = [...this.clients].reverse().find((socket) => socket.readyState === 1);
    if (!client) throw new Error('no open connection to send on');
    client.send(JSON.stringify(message));
  }

  /** Sends a raw frame (text or binary) on the latest open connection, as is. */
  sendRaw(data: string | Uint8Array): void {
    const client = [...this.clients].reverse().find((socket) => socket.readyState === 1);
    if (!client) throw new Error('no open connection to send on');
    client.send(data, { binary: typeof data !== 'string' });
  }

  /** Drops every open connection abruptly (no closing handshake). */
  dropConnections(): void {
    for (const client of this.clients) client.terminate();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const client of this.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}
