/**
 * The server side of one connection of an in-memory linked pair ({@link createLinkedPair}): what
 * the client sent, in order, and the server messages a test pushes to it.
 *
 * @packageDocumentation
 */

import type {
  GenAILiveSession,
  WireCloseEvent,
  WireFunctionCall,
  WireServerContent,
  WireServerMessage,
} from '../protocol/genai-like.js';
import { dropForgottenResponses, recordResponses } from './client-frames.js';
import { internalErrorReason } from './describe-frame.js';
import type {
  FakeLiveCloseInfo,
  FakeLiveConnectionState,
  FakeToolCall,
  RecordedFunctionResponse,
} from './fake-live-connection-types.js';
import type { createLinkedPair } from './linked-pair.js';
import { TestKitError } from './test-kit-error.js';
import type {
  LiveClientContent,
  LiveClientFrame,
  LiveFunctionDeclarationPart,
  LiveRealtimeInput,
  LiveTool,
} from './wire-types.js';

/**
 * What the client asked `ai.live.connect` for: the model and the full connect config (built-in and
 * function tools, `sessionResumption` with the handle on a resumption, ...), as livetools passed
 * them, before the SDK turns them into the `setup` message (which only the fake server sees).
 *
 * @example
 * ```ts
 * expect(server.connection.connectParams.config.responseModalities).toEqual(['AUDIO']);
 * ```
 */
export interface LinkedConnectParams {
  /** The model name as livetools passed it (the fake server's `setup.model` carries the SDK's `models/` prefix). */
  readonly model: string;
  /** The connect config. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** The socket callbacks of one `connect()` call, as the client gave them. */
interface LinkedCallbacks {
  readonly onopen?: (() => void) | null;
  readonly onmessage: (message: WireServerMessage) => void;
  readonly onclose?: ((event: WireCloseEvent) => void) | null;
}

/** @internal What a connection needs from its pair. */
export interface LinkedConnectionInit {
  readonly id: number;
  readonly connectParams: LinkedConnectParams;
  readonly callbacks: LinkedCallbacks;
  readonly nextCallId: () => string;
  /** How many frames the connection keeps (the pair's `keepFrames`; default: all). */
  readonly keepFrames?: number | undefined;
}

/** A copy of `value` as it would cross the wire (JSON: `undefined` fields dropped). */
function overTheWire<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * The server side of one `connect()` of a {@link createLinkedPair} client. It speaks the fake
 * server's vocabulary (`FakeLiveConnection`): the members both have carry the same names, states,
 * call ids and record shapes, so a test moves between the two unchanged. Every push runs the
 * client's `onmessage` synchronously, before the method returns (no socket, no timer); the client's
 * `connect()` resolves, and its `close()` is answered, on the next microtask.
 *
 * @example
 * ```ts
 * const clock = createVirtualClock();
 * const { client, server } = createLinkedPair();
 * await createLiveAgent({ ai: client, model: 'gemini-3.8-live', tools: [countdown], scheduler: clock }).connect();
 * const id = server.connection.callTool('countdown', { from: 3 });
 * await clock.advanceBy(3000);
 * expect(server.connection.toolResponses(id)).toHaveLength(4);
 * ```
 */
export class LinkedConnection {
  /** Sequence number of this connection on its pair, from 1 (as the fake server numbers its connections). */
  readonly id: number;
  /** What the client asked `connect()` for (the fake server sees the SDK's `setup` message instead). */
  readonly connectParams: LinkedConnectParams;
  readonly #callbacks: LinkedCallbacks;
  readonly #nextCallId: () => string;
  readonly #frames: LiveClientFrame[] = [];
  readonly #late: LiveClientFrame[] = [];
  readonly #responses: RecordedFunctionResponse[] = [];
  readonly #keep: number;
  /** Frames recorded, then forgotten past `keepFrames`: indexes 0 to `#forgotten - 1`. */
  #forgotten = 0;
  readonly #frameListeners = new Set<
    (frame: LiveClientFrame, index: number, responses: readonly RecordedFunctionResponse[]) => void
  >();
  #state: FakeLiveConnectionState = 'awaiting-setup';
  #closeInfo: FakeLiveCloseInfo | undefined;
  #closeRequested = false;
  #accepted = false;
  #resolve: ((session: GenAILiveSession) => void) | undefined;
  #reject: ((error: Error) => void) | undefined;
  /** @internal Resolves with the client's session once the server sent `setupComplete`. */
  readonly opened: Promise<GenAILiveSession>;

  /** @internal Made by the pair's `connect()`. */
  constructor(init: LinkedConnectionInit) {
    this.id = init.id;
    this.connectParams = init.connectParams;
    this.#callbacks = init.callbacks;
    this.#nextCallId = init.nextCallId;
    this.#keep = init.keepFrames ?? Number.POSITIVE_INFINITY;
    this.opened = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** Where the connection is in its life: `awaiting-setup` until the server sends `setupComplete`, `open`, then `closed`. */
  get state(): FakeLiveConnectionState {
    return this.#state;
  }

  /** True once the server answered `setupComplete`. */
  get accepted(): boolean {
    return this.#accepted;
  }

  /** How the connection ended (`code`, `reason`, `initiator`); `undefined` while it has not. */
  get closeInfo(): FakeLiveCloseInfo | undefined {
    return this.#closeInfo;
  }

  /** Every function declaration of the connect config, flattened across `tools`. */
  get declarations(): readonly LiveFunctionDeclarationPart[] {
    const tools = this.connectParams.config.tools;
    if (!Array.isArray(tools)) return [];
    return (tools as unknown[]).flatMap((tool) => {
      const list =
        typeof tool === 'object' && tool !== null ? (tool as LiveTool).functionDeclarations : undefined;
      return Array.isArray(list) ? list : [];
    });
  }

  /** The resumption handle the client resumed with (`config.sessionResumption.handle`), if any. */
  get resumptionHandle(): string | undefined {
    const resumption = this.connectParams.config.sessionResumption;
    const handle =
      typeof resumption === 'object' && resumption !== null
        ? (resumption as { handle?: unknown }).handle
        : undefined;
    return typeof handle === 'string' && handle !== '' ? handle : undefined;
  }

  /** True when the client connected with a session resumption handle. */
  get resumed(): boolean {
    return this.resumptionHandle !== undefined;
  }

  /**
   * Every message the client sent while the connection was open, in order, as JSON copies. Unlike
   * the fake server's, it does not start with a `setup` frame: the client's setup is {@link LinkedConnection.connectParams}.
   * With the pair's `keepFrames`, the newest `keepFrames` of them ({@link LinkedConnection.forgottenFrames}
   * counts those left out).
   */
  get frames(): readonly LiveClientFrame[] {
    return this.#frames;
  }

  /**
   * Messages the client sent, then forgotten because more than `keepFrames` (an option of
   * {@link createLinkedPair}) came after them; 0 without that option. The frame of index `i` (as
   * given to {@link LinkedConnection.onFrame}) is `frames[i - forgottenFrames]` while it is kept.
   */
  get forgottenFrames(): number {
    return this.#forgotten;
  }

  /**
   * Listens to every message the client sends while the connection is open, with its index
   * (counting every message from 0, also those `keepFrames` forgot since) and the function
   * responses it carried. Listeners run before the client's send returns. If one throws, the
   * connection is closed with 1011 on the next microtask, as the fake server closes it. Returns a
   * function that removes the listener.
   */
  onFrame(
    listener: (frame: LiveClientFrame, index: number, responses: readonly RecordedFunctionResponse[]) => void,
  ): () => void {
    this.#frameListeners.add(listener);
    return () => this.#frameListeners.delete(listener);
  }

  /**
   * Messages the client sent after the connection closed (or after it asked to close): a WebSocket
   * drops them, so a test can assert that none was lost this way.
   */
  get framesAfterClose(): readonly LiveClientFrame[] {
    return this.#late;
  }

  /**
   * Every function response the client sent, in order, optionally only those for one call id
   * (with the pair's `keepFrames`, those of the frames still kept). `frameIndex` is the index of
   * the carrying frame (see {@link LinkedConnection.forgottenFrames}).
   */
  toolResponses(callId?: string): readonly RecordedFunctionResponse[] {
    const responses = this.#responses;
    return callId === undefined ? responses : responses.filter((r) => r.id === callId);
  }

  /** Bodies of every `clientContent` message, in order. */
  get clientContents(): readonly LiveClientContent[] {
    return this.#frames.flatMap((f) => (f.clientContent ? [f.clientContent] : []));
  }

  /** Bodies of every `realtimeInput` message, in order. */
  get realtimeInputs(): readonly LiveRealtimeInput[] {
    return this.#frames.flatMap((f) => (f.realtimeInput ? [f.realtimeInput] : []));
  }

  /**
   * Pushes one server message to the client (a JSON copy, as the wire would carry it); the client's
   * `onmessage` runs before this returns.
   *
   * @throws {@link TestKitError} `CONNECTION_CLOSED` when the connection has closed.
   */
  send(message: WireServerMessage): void {
    if (this.#state === 'closed') {
      throw new TestKitError(
        'CONNECTION_CLOSED',
        `Linked connection #${this.id} is closed; push to the client's newest connection (server.connection).`,
      );
    }
    this.#callbacks.onmessage(overTheWire(message));
  }

  /**
   * Accepts the setup: sends `setupComplete`, and the client's `connect()` resolves on the next
   * microtask. The pair does this by itself unless its `onConnect` answered `'ignore'`.
   */
  acceptSetup(): void {
    this.send({ setupComplete: {} });
    if (this.#state !== 'awaiting-setup') return;
    this.#state = 'open';
    this.#accepted = true;
    const session = this.#clientSession();
    queueMicrotask(() => this.#resolve?.(session));
  }

  /** Sends one `toolCall` frame carrying several function calls; returns their ids in order (`function-call-<n>` when omitted). */
  callTools(calls: readonly FakeToolCall[]): string[] {
    const functionCalls = calls.map((c) => ({
      id: c.id ?? this.#nextCallId(),
      name: c.name,
      args: { ...c.args },
    })) satisfies WireFunctionCall[];
    this.send({ toolCall: { functionCalls } });
    return functionCalls.map((c) => c.id);
  }

  /** Sends one `toolCall` with a single function call and returns its id (`function-call-<n>` when omitted). */
  callTool(name: string, args: Readonly<Record<string, unknown>> = {}, id?: string): string {
    const [callId] = this.callTools([id === undefined ? { name, args } : { name, args, id }]);
    return callId!;
  }

  /** Sends `toolCallCancellation` for the given call ids. */
  cancelToolCalls(ids: string | readonly string[]): void {
    this.send({ toolCallCancellation: { ids: typeof ids === 'string' ? [ids] : [...ids] } });
  }

  /**
   * Sends `serverContent`: model output, transcriptions, `turnComplete`, `interrupted`, ... (any
   * fields; the fake server has a method per signal instead).
   */
  serverContent(content: WireServerContent): void {
    this.send({ serverContent: content });
  }

  /** Sends `goAway`: the connection will end after `timeLeft` (a duration string, default `"50s"`). */
  goAway(timeLeft = '50s'): void {
    this.send({ goAway: { timeLeft } });
  }

  /**
   * Sends `sessionResumptionUpdate` with a new handle (`resumable` default true); returns whether
   * the update was resumable. Unlike the fake server, it plays no model profile and counts no
   * client messages, so it never turns the update down and sends no `lastConsumedClientMessageIndex`.
   */
  sendResumptionUpdate(handle: string, resumable = true): boolean {
    this.send({ sessionResumptionUpdate: { newHandle: handle, resumable } });
    return resumable;
  }

  /**
   * Closes the connection from the server side: the client's `onclose` runs before this returns,
   * and the promise resolves with how it closed. Before `setupComplete`, the client's `connect()`
   * rejects (as `@google/genai` 3.x does when the server refuses the setup). Closing a closed
   * connection changes nothing.
   */
  close(code = 1000, reason = ''): Promise<FakeLiveCloseInfo> {
    return Promise.resolve(this.#closeInfo ?? this.#end({ code, reason, initiator: 'server' }));
  }

  /**
   * Ends the connection abruptly, without a close frame: the client sees 1006, as when the network
   * drops. Resolves with how it closed.
   */
  drop(): Promise<FakeLiveCloseInfo> {
    return Promise.resolve(this.#closeInfo ?? this.#end({ code: 1006, reason: '', initiator: 'drop' }));
  }

  /** @internal The pair's `onConnect` threw: closes with 1011 and rejects `connect()` with a `TestKitError`. */
  failSetup(error: unknown): void {
    if (this.#state === 'closed') return;
    const rejection = new TestKitError(
      'CALLBACK_THREW',
      `The linked pair's onConnect threw for connection #${this.id} (${internalErrorReason(error)}); the connection was closed with 1011. Fix the onConnect callback given to createLinkedPair.`,
    );
    Object.defineProperty(rejection, 'cause', { value: error, configurable: true, writable: true });
    this.#end({ code: 1011, reason: internalErrorReason(error), initiator: 'server' }, rejection);
  }

  #end(info: FakeLiveCloseInfo, rejection?: Error): FakeLiveCloseInfo {
    const wasAwaiting = this.#state === 'awaiting-setup';
    this.#state = 'closed';
    this.#closeInfo = info;
    this.#callbacks.onclose?.({ code: info.code, reason: info.reason });
    if (wasAwaiting) {
      this.#reject?.(
        rejection ??
          new Error(`The server closed the connection (code ${info.code}: ${info.reason || 'no reason'}).`),
      );
    }
    return info;
  }

  #record(frame: LiveClientFrame): void {
    const copy = overTheWire(frame);
    if (this.#state === 'closed' || this.#closeRequested) {
      this.#late.push(copy);
      return;
    }
    const index = this.#forgotten + this.#frames.length;
    const responses = recordResponses(copy, index);
    this.#frames.push(copy);
    this.#responses.push(...responses);
    if (this.#frames.length > this.#keep) {
      // The oldest frame kept goes, with the responses it carried.
      this.#frames.shift();
      dropForgottenResponses(this.#responses, this.#forgotten++);
    }
    for (const listener of this.#frameListeners) {
      try {
        listener(copy, index, responses);
      } catch (error) {
        // A socket answers later, never from inside the client's send.
        queueMicrotask(() => {
          if (this.#state !== 'closed')
            this.#end({ code: 1011, reason: internalErrorReason(error), initiator: 'server' });
        });
      }
    }
  }

  /** The SDK session the client's `connect()` resolves with. */
  #clientSession(): GenAILiveSession {
    return {
      sendClientContent: (params) => this.#record({ clientContent: params as LiveClientContent }),
      sendRealtimeInput: (params) => this.#record({ realtimeInput: params as LiveRealtimeInput }),
      sendToolResponse: (params: { functionResponses: unknown }) =>
        this.#record({ toolResponse: { functionResponses: params.functionResponses } } as LiveClientFrame),
      close: () => {
        if (this.#state === 'closed' || this.#closeRequested) return;
        this.#closeRequested = true;
        // A socket answers close() later, never from inside the call.
        queueMicrotask(() => {
          if (this.#state !== 'closed') this.#end({ code: 1000, reason: '', initiator: 'client' });
        });
      },
    };
  }
}
