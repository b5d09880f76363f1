import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { ChangeNotifier } from './wait-until.js';

/**
 * A blackhole on 127.0.0.1 (random port): accepts every TCP connection and never writes a byte, so
 * a WebSocket client waits forever for the answer to its upgrade request. Counts the connections it
 * accepted and those the client closed. Disposable with `await using`.
 */
export class SilentTcpServer implements AsyncDisposable {
  accepted = 0;
  closedByClient = 0;
  private readonly sockets = new Set<Socket>();
  private readonly changes = new ChangeNotifier();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    server.on('connection', (socket) => {
      this.accepted++;
      this.sockets.add(socket);
      socket.on('error', () => {}); // a reset from the client is expected
      socket.on('close', () => {
        this.sockets.delete(socket);
        this.closedByClient++;
        this.changes.notify();
      });
      socket.resume(); // read (and drop) the upgrade request, never answer it
      this.changes.notify();
    });
  }

  static async start(): Promise<SilentTcpServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new SilentTcpServer(server, (server.address() as AddressInfo).port);
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Waits until the client has closed `n` connections. */
  closed(n: number): Promise<number> {
    return this.changes.until(() => (this.closedByClient >= n ? n : undefined), `${n} closed connections`);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
