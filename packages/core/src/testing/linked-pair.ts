/**
 * An in-memory stand-in for `@google/genai`'s `ai.live` and the Live API behind it: session logic
 * tested without sockets, in virtual time.
 *
 * @packageDocumentation
 */

import type {
  GenAIClient,
  GenAILiveSession,
  WireCloseEvent,
  WireServerMessage,
} from '../protocol/genai-like.js';
import { checkKeepFrames } from './client-frames.js';
import type { FakeLiveRefusal } from './fake-live-server.js';
import { LinkedConnection } from './linked-connection.js';
import { TestKitError } from './test-kit-error.js';

/**
 * What the server does with a new connection: send `setupComplete` (`'accept'`), leave the client
 * waiting (`'ignore'`: test connect timeouts, or call `connection.acceptSetup()` later), or close
 * it with a refusal (the client's `connect()` rejects).
 */
export type LinkedSetupVerdict = 'accept' | 'ignore' | FakeLiveRefusal;

/** Options of {@link createLinkedPair}. */
export interface LinkedPairOptions {
  /** The client's `vertexai` flag (a Vertex AI client). Default false. */
  readonly vertexai?: boolean;
  /**
   * Called with each new connection before the server answers its setup; its verdict decides the
   * answer. Default: every connection is accepted. Not called for a connection the test closed
   * before the handshake. If it throws, the connection is closed with 1011 and the client's
   * `connect()` rejects with a {@link TestKitError} of code `CALLBACK_THREW` (the error as its `cause`).
   */
  readonly onConnect?: (connection: LinkedConnection) => LinkedSetupVerdict | undefined;
  /**
   * How many of the client's messages each connection keeps recorded: the newest `keepFrames` (in
   * `frames`, with the function responses they carry in `toolResponses()`); older ones are
   * forgotten and counted ({@link LinkedConnection.forgottenFrames}). Every message still reaches
   * `onFrame` listeners as it is sent, with its index counted over every message. For a long run in
   * virtual time whose test reads results as they come; `0` keeps none. A whole number of 0 or more
   * (else a `LivetoolsError` with code `INVALID_OPTION`). Default: keep every message.
   *
   * @example
   * ```ts
   * const { client, server } = createLinkedPair({ keepFrames: 0 });
   * // after connect():
   * let results = 0;
   * server.connection.onFrame((_frame, _index, responses) => {
   *   results += responses.length;
   * });
   * ```
   */
  readonly keepFrames?: number;
}

/** The server side of a linked pair: every connection the client opened. */
export interface LinkedServer {
  /** Every connection, in the order the client opened them. */
  readonly connections: readonly LinkedConnection[];
  /**
   * The newest connection.
   *
   * @throws {@link TestKitError} `NO_CONNECTION` when the client has not connected yet.
   */
  readonly connection: LinkedConnection;
}

/** A client and the server it is linked to; see {@link createLinkedPair}. */
export interface LinkedPair {
  /** Pass it as `ai` to `createLiveAgent`. */
  readonly client: GenAIClient;
  /** Reads what the client sent, pushes server messages to it. */
  readonly server: LinkedServer;
}

/** The `connect()` parameters the pair reads (the SDK's, typed as livetools passes them). */
interface ConnectParams {
  readonly model: string;
  readonly config?: Readonly<Record<string, unknown>>;
  readonly callbacks: {
    readonly onopen?: (() => void) | null;
    readonly onmessage: (message: WireServerMessage) => void;
    readonly onclose?: ((event: WireCloseEvent) => void) | null;
  };
}

/**
 * Makes a client that stands in for a `GoogleGenAI` instance and the Live API server it talks to,
 * linked in memory (as MCP's `InMemoryTransport.createLinkedPair()` does for transports). Give
 * `client` to `createLiveAgent` as `ai`; through `server` a test reads what the session sent and
 * pushes what the model would send. No socket and no timer: a server push runs the session's
 * handler before it returns, so with a virtual scheduler (`createVirtualClock`, a `TestScheduler`)
 * a whole session runs in virtual time.
 *
 * It speaks the protocol as livetools reads it, not as the real SDK checks it: test how the real
 * client meets the wire with `createFakeLiveServer`.
 *
 * @example
 * ```ts
 * const clock = createVirtualClock();
 * const { client, server } = createLinkedPair();
 * const agent = createLiveAgent({ ai: client, model: 'gemini-3.8-live', tools: [countdown], scheduler: clock });
 * const session = await agent.connect();
 * const id = server.connection.callTool('countdown', { from: 3 });
 * await clock.advanceBy(3000);
 * expect(server.connection.toolResponses(id).at(-1)?.willContinue).toBe(false);
 * await session.close();
 * ```
 */
export function createLinkedPair(options: LinkedPairOptions = {}): LinkedPair {
  const keepFrames = checkKeepFrames('createLinkedPair', options.keepFrames);
  const connections: LinkedConnection[] = [];
  let calls = 0;
  const nextCallId = () => `function-call-${++calls}`;

  const handshake = (connection: LinkedConnection, onopen: (() => void) | null | undefined): void => {
    // The test may have closed the connection before the handshake: a closed socket never opens.
    if (connection.state === 'closed') return;
    onopen?.();
    let verdict: LinkedSetupVerdict;
    try {
      verdict = options.onConnect?.(connection) ?? 'accept';
    } catch (error) {
      connection.failSetup(error);
      return;
    }
    if (connection.state !== 'awaiting-setup' || verdict === 'ignore') return;
    if (verdict === 'accept') connection.acceptSetup();
    else void connection.close(verdict.code, verdict.reason);
  };

  const connect = (params: ConnectParams): Promise<GenAILiveSession> => {
    const connection = new LinkedConnection({
      id: connections.length + 1,
      connectParams: { model: params.model, config: params.config ?? {} },
      callbacks: params.callbacks,
      nextCallId,
      keepFrames,
    });
    connections.push(connection);
    // The handshake happens after connect() returned, as over a socket.
    queueMicrotask(() => handshake(connection, params.callbacks.onopen));
    return connection.opened;
  };

  const server: LinkedServer = {
    connections,
    get connection(): LinkedConnection {
      const newest = connections.at(-1);
      if (newest === undefined) {
        throw new TestKitError(
          'NO_CONNECTION',
          'The linked client has not connected yet: await agent.connect() before reading server.connection.',
        );
      }
      return newest;
    },
  };
  const client: GenAIClient = {
    ...(options.vertexai === undefined ? {} : { vertexai: options.vertexai }),
    live: { connect },
  };
  return { client, server };
}
