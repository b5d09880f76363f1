/**
 * A local WebSocket server that speaks the Gemini Live protocol, for the real `@google/genai` client,
 * with a scriptable `generateContent` HTTP endpoint on the same port.
 *
 * @packageDocumentation
 */

import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { SchedulerLike } from 'rxjs';
import { FALLBACK_PROFILES } from '../profiles/known-profiles.js';
import type { ModelProfile } from '../profiles/model-profile.js';
import { resolveModelProfile } from '../profiles/resolve-model-profile.js';
import { checkKeepFrames } from './client-frames.js';
import { describeClose, internalErrorReason } from './describe-frame.js';
import { type FakeGenerateContent, FakeGenerateContentEndpoint } from './fake-generate-content.js';
import { FakeLiveConnection } from './fake-live-connection.js';
import type { FakeLiveWaitOptions, FakeResumptionPoint } from './fake-live-connection-types.js';
import { checkProfileOption, type FakeLiveProfileOption } from './fake-live-profile.js';
import { checkTimeScale, FAKE_LIVE_CLOSES, type FakeLiveClock, realClock } from './fake-live-timing.js';
import { firstHeader, parseLivePath } from './live-path.js';
import { loadWebSocketServer } from './load-ws.js';
import { Inbox, Waiters } from './waiters.js';
import type { LiveSetup } from './wire-types.js';

/**
 * A close code and reason with which the server refuses a setup.
 *
 * @example
 * ```ts
 * const refusal: FakeLiveRefusal = { code: 1011, reason: 'Internal error encountered.' };
 * ```
 */
export interface FakeLiveRefusal {
  /** The WebSocket close code, e.g. 1008 or 1011. */
  readonly code: number;
  /** The close reason the client receives. */
  readonly reason: string;
}

/**
 * What the server does with a setup that passed the key and model checks: answer `setupComplete`
 * (`'accept'`), never answer (`'ignore'`, to test connect timeouts), or close with a refusal.
 *
 * @example
 * ```ts
 * const verdict: FakeLiveSetupVerdict = { code: 1011, reason: 'Internal error encountered.' };
 * ```
 */
export type FakeLiveSetupVerdict = 'accept' | 'ignore' | FakeLiveRefusal;

/**
 * Options of {@link createFakeLiveServer}.
 *
 * @example
 * ```ts
 * const server = await createFakeLiveServer({ apiKeys: ['test-key'], models: ['gemini-3.8-live'] });
 * ```
 */
export interface FakeLiveServerOptions {
  /** Interface to listen on (default `127.0.0.1`). */
  readonly host?: string;
  /** Port to listen on (default `0`: any free port). */
  readonly port?: number;
  /** The only accepted API keys or tokens (Live and `generateContent`). Default: any non-empty key not in `rejectKeys`. */
  readonly apiKeys?: readonly string[];
  /** Keys refused (close 1008, or HTTP 400) when `apiKeys` is not given (default `['bad-key']`). */
  readonly rejectKeys?: readonly string[];
  /** Accepted model names, with or without `models/`, for Live and `generateContent`. Default: any model. */
  readonly models?: readonly string[];
  /** Refuse every setup that passed the key and model checks (`true`: close 1011). */
  readonly refuseSetup?: boolean | FakeLiveRefusal;
  /** Decides each setup that passed the key and model checks; `undefined` falls back to `refuseSetup`. */
  readonly onSetup?: (setup: LiveSetup, connection: FakeLiveConnection) => FakeLiveSetupVerdict | undefined;
  /** Called with each connection right after `setupComplete` was sent (script the model's side here). */
  readonly onConnection?: (connection: FakeLiveConnection) => void;
  /** Default timeout of every `waitFor*` helper, in ms (default 2000). */
  readonly timeoutMs?: number;
  /**
   * `false`: audio and video chunks (`realtimeInput` frames whose first key is `audio`, `video`
   * or `mediaChunks`, as the SDK writes them) received after the setup are only counted
   * ({@link FakeLiveConnection.realtimeInputCount}), not parsed, validated or kept: they are left
   * out of `frames`, `realtimeInputs` and `sessionFrames`, and never reach `onFrame` listeners or
   * `waitForFrame`. Session message indexes still count them. Every other frame, realtime text,
   * activity signals and `audioStreamEnd` included, is handled as usual. For load tests that
   * stream media, and for servers that run for hours (memory stays flat). Default `true`.
   *
   * @example
   * ```ts
   * const server = await createFakeLiveServer({ recordMedia: false });
   * // ... stream video, then:
   * console.log(server.connections[0]?.realtimeInputCount);
   * ```
   */
  readonly recordMedia?: boolean;
  /**
   * How many frames each connection keeps recorded each way: the setup and the newest
   * `keepFrames` client frames after it (in `frames`, with the function responses they carry in
   * `toolResponses()`, `unknownCallResponses` and the session's state), and the newest
   * `keepFrames` frames the server sent (`sentFrames`). Older ones are forgotten and counted
   * ({@link FakeLiveConnection.forgottenFrames}, {@link FakeLiveConnection.forgottenSentFrames}).
   * Every frame still reaches `onFrame` listeners and waiters as it arrives, with its index counted
   * over every frame received; `waitForFrame` and `waitForToolResponse` find past frames among
   * those kept; the call ids issued stay known, so a response is still told apart from one to an
   * unknown call. For load tests and benchmarks whose server must stay small however long they
   * run; `0` keeps none but the setup. A whole number of 0 or more (else a `LivetoolsError` with
   * code `INVALID_OPTION`). Default: keep every frame.
   *
   * @example
   * ```ts
   * await using server = await createFakeLiveServer({ keepFrames: 100 });
   * // ... a million results later, the last 100 frames are still there:
   * const connection = server.connections[0]!;
   * console.log(connection.frames.length, connection.forgottenFrames);
   * ```
   */
  readonly keepFrames?: number;
  /**
   * Play a model profile's documented behaviour on every connection: `'auto'` picks each
   * connection's profile from the model name in its setup (`resolveModelProfile`; a Vertex AI
   * connection as Vertex AI), a `ModelProfile` applies to all. Default: no profile, the server
   * does only what the test scripts. See "Model profiles in the fake server" in the testing guide.
   *
   * @example
   * ```ts
   * await using server = await createFakeLiveServer({ profile: 'auto' });
   * // a client connecting with gemini-3.1-flash-live-preview now meets a synchronous-only model
   * ```
   */
  readonly profile?: FakeLiveProfileOption;
  /**
   * The scheduler that timed closes run on ({@link FakeLiveConnection.goAwayThenClose} and a
   * profile's session limits). Pass a `VirtualTimeScheduler` and `flush()` it to run minutes in
   * no time. Default: real time (`asyncScheduler`).
   */
  readonly scheduler?: SchedulerLike;
  /**
   * Factor applied to every duration the server waits (session limits, `goAway` time left), for a
   * test in real time: `0.001` ends a 2-minute audio+video session after 120 ms. Default 1; must
   * be above 0 (else a `LivetoolsError` with code `INVALID_OPTION`).
   */
  readonly timeScale?: number;
}

/**
 * A running fake Live server. Point the SDK at it with `httpOptions: { baseUrl: server.url }`.
 *
 * @example
 * ```ts
 * await using server = await createFakeLiveServer();
 * const ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: server.url } });
 * const session = await ai.live.connect({ model: 'gemini-3.8-live', callbacks: { onmessage: () => {} } });
 * const connection = await server.waitForConnection();
 * ```
 */
export interface FakeLiveServer extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`, to use as the SDK's `baseUrl`. */
  readonly url: string;
  /** The port the server listens on. */
  readonly port: number;
  /** Every connection that reached the WebSocket upgrade, accepted or refused, in order. */
  readonly connections: readonly FakeLiveConnection[];
  /**
   * The `generateContent` endpoint on the same port, for `ai.models.generateContent` (it answers
   * 501 until a test calls `respond` or `respondOnce`).
   */
  readonly generateContent: FakeGenerateContent;
  /**
   * Resolves with the next accepted connection (after `setupComplete` was sent) that no earlier
   * call returned, so a connection accepted before the call is not missed.
   */
  waitForConnection(options?: FakeLiveWaitOptions): Promise<FakeLiveConnection>;
  /** Decides the next setup that passes the key and model checks (default: a 1011 refusal). */
  refuseNextSetup(verdict?: FakeLiveSetupVerdict): void;
  /**
   * Sockets open on the server side: connections not closed yet, and upgrade requests left
   * unanswered ({@link FakeLiveServer.hangUpgrades}) whose socket the client has not closed.
   */
  readonly openConnections: number;
  /**
   * Resolves once {@link FakeLiveServer.openConnections} is 0 (every client socket ended); rejects
   * with a `FakeLiveWaitError` when some are still open after the timeout.
   *
   * @example
   * ```ts
   * await session.close();
   * await server.waitForNoOpenConnections(); // nothing the session opened is left
   * ```
   */
  waitForNoOpenConnections(options?: FakeLiveWaitOptions): Promise<void>;
  /**
   * Leaves the next `count` WebSocket upgrade requests unanswered (default 1): the TCP connection is
   * accepted and the HTTP upgrade never gets a response, as a server that hangs. Such sockets are
   * counted in {@link FakeLiveServer.openConnections} until the client ends them. Resolves once
   * `count` requests have been left so (it never rejects; there is no need to await it).
   */
  hangUpgrades(count?: number): Promise<void>;
  /**
   * Closes every connection (1001) and the HTTP server, dropping `generateContent` requests still
   * in flight. Resolves when everything is closed.
   */
  close(): Promise<void>;
}

const defaultRefusal: FakeLiveRefusal = { code: 1011, reason: 'Internal error encountered.' };
const badKeyReason = 'API key not valid. Please pass a valid API key.';
const closeGraceMs = 250;

/**
 * Starts a fake Live server on a free local port. It needs the `ws` package (an optional peer
 * dependency of `@livetools/core`: `npm install -D ws`); it rejects with a `TestKitError` of code
 * `WS_MISSING` without it.
 *
 * @example
 * ```ts
 * await using server = await createFakeLiveServer();
 * const ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: server.url } });
 * const messages: LiveServerMessage[] = [];
 * const session = await ai.live.connect({
 *   model: 'gemini-3.8-live',
 *   config: { tools: [{ functionDeclarations: [{ name: 'countdown', behavior: Behavior.NON_BLOCKING }] }] },
 *   callbacks: { onmessage: (m) => messages.push(m) },
 * });
 * const connection = await server.waitForConnection();
 * const id = connection.callTool('countdown', { n: 3 });
 * session.sendToolResponse({ functionResponses: [{ id, name: 'countdown', response: { output: { remaining: 2 } } }] });
 * await connection.waitForToolResponse(id);
 * ```
 */
export async function createFakeLiveServer(options: FakeLiveServerOptions = {}): Promise<FakeLiveServer> {
  // ws is an optional peer dependency: loaded here, so that importing the kit never needs it.
  const WebSocketServer = await loadWebSocketServer();
  const timeoutMs = options.timeoutMs ?? 2000;
  const profileOption = checkProfileOption(options.profile);
  const clock: FakeLiveClock = {
    scheduler: options.scheduler ?? realClock.scheduler,
    timeScale: checkTimeScale(options.timeScale),
  };
  const keepFrames = checkKeepFrames('createFakeLiveServer', options.keepFrames);
  const host = options.host ?? '127.0.0.1';
  const models = options.models && new Set(options.models.map(bareModelName));
  const connections: FakeLiveConnection[] = [];
  const accepted = new Inbox<FakeLiveConnection>();
  const queuedVerdicts: FakeLiveSetupVerdict[] = [];
  /** What each resumption handle issued on any connection stands for. */
  const handles = new Map<string, FakeResumptionPoint>();
  let callCounter = 0;
  let closing: Promise<void> | undefined;
  /** Upgrade requests left unanswered, and how many more to leave so. */
  const hung = new Set<Duplex>();
  let upgradesToHang = 0;
  /** Resolved when the upgrades asked for so far have all been hung. */
  const hangWaiters: { left: number; resolve: () => void }[] = [];
  const openCount = () => connections.filter((c) => c.state !== 'closed').length + hung.size;
  /** Offered the open count whenever a socket closes. */
  const socketsClosed = new Waiters<number>();

  const generateContent = new FakeGenerateContentEndpoint({
    timeoutMs,
    isAcceptedKey: (key) => isAcceptedKey(key, options),
    models,
  });
  const http = createServer((request, response) => {
    if (closing === undefined && generateContent.handle(request, response)) return;
    response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found.');
  });
  const wss = new WebSocketServer({ noServer: true });

  const decide = (connection: FakeLiveConnection): void => {
    const setup = connection.setup;
    if (!isAcceptedKey(connection.credential, options)) {
      void connection.close(1008, badKeyReason);
      return;
    }
    const model = bareModelName(typeof setup.model === 'string' ? setup.model : '');
    if (models && !models.has(model)) {
      void connection.close(1008, modelNotFound(model, connection.apiVersion));
      return;
    }
    const profile = profileFor(profileOption, model, connection);
    if (profile !== undefined && connection.playProfile(profile) !== undefined) {
      void connection.close(FAKE_LIVE_CLOSES.invalidArgument.code, FAKE_LIVE_CLOSES.invalidArgument.reason);
      return;
    }
    // Runs inside the socket's message listener: a test's hook that throws (or a refusal whose close
    // code ws rejects) closes this connection with 1011 instead of escaping.
    try {
      const verdict =
        queuedVerdicts.shift() ?? options.onSetup?.(setup, connection) ?? fromRefuseSetup(options);
      if (verdict === 'ignore') return;
      if (verdict !== 'accept') {
        void connection.close(verdict.code, verdict.reason);
        return;
      }
      connection.acceptSetup();
      options.onConnection?.(connection);
    } catch (error) {
      void connection.close(1011, internalErrorReason(error));
      return;
    }
    accepted.add(connection);
  };

  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node leaves an upgrade socket without an error listener: a client's reset must not crash the server
    socket.on('error', () => socket.destroy());
    const headerKey = request.headers['x-goog-api-key'];
    const route = closing ? undefined : parseLivePath(request.url ?? '/', firstHeader(headerKey));
    if (route === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (upgradesToHang > 0) {
      upgradesToHang -= 1;
      for (const waiter of hangWaiters) waiter.left -= 1;
      for (const waiter of hangWaiters.filter((w) => w.left <= 0)) {
        hangWaiters.splice(hangWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      hung.add(socket);
      // Read and discard, so that the end of the client's socket is noticed.
      socket.on('end', () => socket.destroy());
      socket.resume();
      socket.once('close', () => {
        hung.delete(socket);
        socketsClosed.offer(openCount());
      });
      return;
    }
    wss.handleUpgrade(request, socket, head, (socket) => {
      const connection = new FakeLiveConnection({
        id: connections.length + 1,
        socket,
        route,
        timeoutMs,
        nextCallId: () => `function-call-${++callCounter}`,
        onSetup: decide,
        registerHandle: (handle, point) => handles.set(handle, point),
        resolveHandle: (handle) => handles.get(handle),
        recordMedia: options.recordMedia ?? true,
        keepFrames,
        clock,
      });
      connection.onClose(() => socketsClosed.offer(openCount()));
      connections.push(connection);
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const { port } = http.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const describeConnections = (): string => {
    if (connections.length === 0) return 'no connection attempted';
    const list = connections.map(
      (c) => `#${c.id} ${c.state}${c.closeInfo ? ` ${describeClose(c.closeInfo)}` : ''}`,
    );
    return `connections so far: ${list.join('; ')}`;
  };

  const shutdown = async (): Promise<void> => {
    accepted.closeAll('The fake Live server closed');
    for (const socket of hung) socket.destroy();
    generateContent.close('The fake Live server closed');
    await Promise.all(
      connections.map(async (connection) => {
        if (connection.state === 'closed') return;
        void connection.close(1001, 'Server shutting down.');
        let timer: ReturnType<typeof setTimeout> | undefined;
        const grace = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, closeGraceMs);
        });
        await Promise.race([connection.closed, grace]);
        clearTimeout(timer);
        if (connection.closeInfo === undefined) await connection.drop();
      }),
    );
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeAllConnections();
    });
  };

  const server: FakeLiveServer = {
    url,
    port,
    connections,
    generateContent,
    waitForConnection(waitOptions: FakeLiveWaitOptions = {}) {
      const what = waitOptions.description ?? 'an accepted connection';
      return accepted.take(waitOptions.timeoutMs ?? timeoutMs, () => `${what} (${describeConnections()})`);
    },
    refuseNextSetup(verdict: FakeLiveSetupVerdict = defaultRefusal) {
      queuedVerdicts.push(verdict);
    },
    get openConnections() {
      return openCount();
    },
    waitForNoOpenConnections(waitOptions: FakeLiveWaitOptions = {}) {
      if (openCount() === 0) return Promise.resolve();
      const what = waitOptions.description ?? 'every connection to close';
      return socketsClosed
        .wait(
          (open) => open === 0,
          waitOptions.timeoutMs ?? timeoutMs,
          () => `${what} (${describeConnections()})`,
        )
        .then(() => undefined);
    },
    hangUpgrades(count = 1) {
      upgradesToHang += count;
      return new Promise<void>((resolve) => hangWaiters.push({ left: upgradesToHang, resolve }));
    },
    close() {
      closing ??= shutdown();
      return closing;
    },
    [Symbol.asyncDispose]() {
      return server.close();
    },
  };
  return server;
}

function isAcceptedKey(credential: string | undefined, options: FakeLiveServerOptions): boolean {
  if (credential === undefined || credential === '') return false;
  if (options.apiKeys) return options.apiKeys.includes(credential);
  return !(options.rejectKeys ?? ['bad-key']).includes(credential);
}

function profileFor(
  option: FakeLiveProfileOption | undefined,
  model: string,
  connection: FakeLiveConnection,
): ModelProfile | undefined {
  if (option === undefined) return undefined;
  if (option !== 'auto') return option;
  const platform = connection.platform;
  // A setup without a usable model name plays the platform's default family, as an unknown name does.
  try {
    return resolveModelProfile(model, { vertexai: platform === 'vertex-ai' }).profile;
  } catch {
    return FALLBACK_PROFILES[platform];
  }
}

function fromRefuseSetup(options: FakeLiveServerOptions): FakeLiveSetupVerdict {
  if (options.refuseSetup === undefined || options.refuseSetup === false) return 'accept';
  return options.refuseSetup === true ? defaultRefusal : options.refuseSetup;
}

/** A model name without its `models/` prefix (or Vertex AI's `projects/.../publishers/.../models/`). */
function bareModelName(model: string): string {
  return model.replace(/^(projects\/[^/]+\/locations\/[^/]+\/)?(publishers\/[^/]+\/)?models\//, '');
}

function modelNotFound(model: string, apiVersion: string): string {
  return `models/${model} is not found for API version ${apiVersion}, or is not supported for bidiGenerateContent.`;
}
