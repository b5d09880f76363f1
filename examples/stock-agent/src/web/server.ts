/**
 * The web console's local server: serves the page and bridges one WebSocket per page to one live
 * session. Bound to 127.0.0.1 by default; it answers only under the names and addresses it is
 * reachable as (`Host`), the WebSocket needs the random token printed in the URL and an Origin of
 * this server; the API key stays here.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { normalize } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import type { ConsoleAgent } from '../agent.js';
import { answer, refuseUpgrade } from './answers.js';
import { PageBridge } from './page-bridge.js';
import type { ConsoleLimits } from './protocol.js';
import { type NetworkInterfaces, ReachableHosts } from './reachable-hosts.js';
import { admit } from './request-gate.js';
import { serveFile } from './static-files.js';

/** Options of {@link startConsoleServer}. */
export interface ConsoleServerOptions {
  readonly agent: ConsoleAgent;
  /**
   * The address to listen on. Default `127.0.0.1`. With a wildcard (`0.0.0.0`, `::`), pages may be
   * opened at a loopback address or at any address of this machine's network interfaces.
   */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
  /** Default: 128 random bits. */
  readonly token?: string;
  /** Where the page's files are. Default: `public/` of this example. */
  readonly publicDir?: string;
  readonly limits?: Partial<ConsoleLimits>;
  /** Messages per second a page may send (audio chunks included) before they are refused. Default 100. */
  readonly maxMessagesPerSecond?: number;
  /** The clock of the rate limits (tests freeze it). Default `Date.now`. */
  readonly now?: () => number;
  /** This machine's network interfaces, read for a wildcard `host` (tests inject some). Default `os.networkInterfaces`. */
  readonly networkInterfaces?: NetworkInterfaces;
}

/** A running console server. */
export interface ConsoleServer {
  /** The page's address, token included: what a person opens (a loopback address for a wildcard `host`). */
  readonly url: string;
  /** Every address the page can be opened at, `url` first, then those other machines can reach. */
  readonly urls: readonly string[];
  readonly port: number;
  readonly token: string;
  /** Pages connected now. */
  readonly sessions: number;
  /** Closes every session and the server. */
  close(): Promise<void>;
}

const defaultLimits: ConsoleLimits = { maxMessageBytes: 1_000_000, maxVideoFps: 10, maxTextLength: 4000 };
/** Messages beyond this size close the socket (ws's own limit); up to it they get a TOO_LARGE reply. */
const hardMaxPayload = 8 * 1024 * 1024;

function sameToken(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Starts the console server.
 *
 * Every request, file or WebSocket upgrade, is first admitted: a malformed request target gets 400
 * (414 when too long), a `Host` the server is not reachable as gets 421. Then an upgrade needs the
 * path `/ws` (404), the token (401) and, from a browser, an Origin of this server (403).
 */
export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const token = options.token ?? randomBytes(16).toString('base64url');
  const publicDir = normalize(options.publicDir ?? fileURLToPath(new URL('../../public', import.meta.url)));
  const limits: ConsoleLimits = { ...defaultLimits, ...options.limits };
  const bridges = new Set<PageBridge>();
  // made on first use: requests arrive only once the server listens, and so has an address
  let reachable: ReachableHosts | undefined;
  const hosts = () =>
    (reachable ??= new ReachableHosts(
      http.address() as AddressInfo,
      options.networkInterfaces ?? networkInterfaces,
    ));

  const http = createServer((request, response) => {
    const admitted = admit(request, hosts());
    if (!admitted.ok) return answer(response, admitted);
    serveFile(publicDir, admitted.path, request.method, response).catch(() => response.destroy());
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: hardMaxPayload });

  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node leaves an upgrade socket without an error listener: a client's reset must not crash us
    socket.on('error', () => socket.destroy());
    const admitted = admit(request, hosts());
    if (!admitted.ok) return refuseUpgrade(socket, admitted);
    if (admitted.path !== '/ws') return refuseUpgrade(socket, { status: 404, message: 'Not found' });
    if (!sameToken(admitted.query.get('token'), token)) {
      return refuseUpgrade(socket, {
        status: 401,
        message: 'Wrong or missing token: open the URL printed by npm start',
      });
    }
    // Browsers always send Origin; only this server's own page may connect.
    const origin = request.headers.origin;
    if (origin !== undefined && !hosts().allowsOrigin(origin)) {
      return refuseUpgrade(socket, { status: 403, message: 'Origin not allowed' });
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const bridge = new PageBridge(
        ws,
        options.agent,
        limits,
        options.maxMessagesPerSecond ?? 100,
        options.now ?? Date.now,
      );
      bridges.add(bridge);
      ws.on('close', () => bridges.delete(bridge));
      void bridge.start();
    });
  });

  // without a listener, Node drops a CONNECT without an answer
  http.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    refuseUpgrade(socket, { status: 405, message: 'CONNECT is not served: this server is not a proxy.' });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const { port } = http.address() as AddressInfo;
  const urls = hosts().hosts.map((h) => `http://${h}:${port}/?token=${token}`);
  return {
    url: urls[0]!,
    urls,
    port,
    token,
    get sessions() {
      return bridges.size;
    },
    close: async () => {
      await Promise.all([...bridges].map((b) => b.close()));
      wss.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}
