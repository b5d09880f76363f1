/**
 * The server side of one connection of an in-memory linked pair ({@link createLinkedPair}): what
 * the client sent, in order, and the server messages a test pushes to it.
 *
 * @packageDocumentation
 */

import type { LiveFunctionResponse } from '../protocol/function-calls.js';
import type {
  GenAILiveSession,
  WireCloseEvent,
  WireFunctionCall,
  WireServerContent,
  WireServerMessage,
} from '../protocol/genai-like.js';
import type { createLinkedPair } from './linked-pair.js';
import { TestKitError } from './test-kit-error.js';

/** A text part of a turn the client sent. */
export interface LinkedTextPart {
  /** The text. */
  readonly text: string;
}

/** A turn of a `clientContent` message: who speaks, and the text parts. */
export interface LinkedTurn {
  /** `user` or `model`. */
  readonly role: string;
  /** The text parts, in order. */
  readonly parts: readonly LinkedTextPart[];
}

/** The `clientContent` a client sent (`sendClientContent`'s parameters). */
export interface LinkedClientContent {
  /** The turns, in order. */
  readonly turns?: readonly LinkedTurn[];
  /** Whether the turn is complete (the model may answer). */
  readonly turnComplete?: boolean;
}

/** Media bytes in a `realtimeInput` message. */
export interface LinkedBlob {
  /** The bytes, base64. */
  readonly data: string;
  /** Their media type, e.g. `audio/pcm;rate=16000`. */
  readonly mimeType: string;
}

/** The `realtimeInput` a client sent (`sendRealtimeInput`'s parameters). */
export interface LinkedRealtimeInput {
  /** An audio chunk. */
  readonly audio?: LinkedBlob;
  /** A video frame. */
  readonly video?: LinkedBlob;
  /** Realtime text. */
  readonly text?: string;
  /** The user started speaking (manual activity detection). */
  readonly activityStart?: object;
  /** The user stopped speaking (manual activity detection). */
  readonly activityEnd?: object;
  /** The audio stream paused. */
  readonly audioStreamEnd?: boolean;
}

/** The `toolResponse` a client sent (`sendToolResponse`'s parameters). */
export interface LinkedToolResponse {
  /** The function responses, in order. */
  readonly functionResponses: readonly LiveFunctionResponse[];
}

/**
 * One message a client sent on a linked connection, shaped as the frame the SDK would put on the
 * wire (one key: `toolResponse`, `clientContent` or `realtimeInput`), as it would arrive (a JSON copy).
 *
 * @example
 * ```ts
 * const texts = connection.frames.flatMap((f) => ('realtimeInput' in f && f.realtimeInput.text) || []);
 * ```
 */
export type LinkedClientFrame =
  | {
      /** A `sendToolResponse` call. */
      readonly toolResponse: LinkedToolResponse;
    }
  | {
      /** A `sendClientContent` call. */
      readonly clientContent: LinkedClientContent;
    }
  | {
      /** A `sendRealtimeInput` call. */
      readonly realtimeInput: LinkedRealtimeInput;
    };

/**
 * What the client asked `ai.live.connect` for: the model and the full connect config (built-in and
 * function tools, `sessionResumption` with the handle on a resumption, ...), as passed.
 */
export interface LinkedSetup {
  /** The model name. */
  readonly model: string;
  /** The connect config. */
  readonly config: Readonly<Record<string, unknown>>;
}

/**
 * Where a linked connection is in its life: `connecting` until the server sends `setupComplete`
 * (the client's `connect()` resolves then), `open`, then `closed`.
 */
export type LinkedConnectionState = 'connecting' | 'open' | 'closed';

/** How a linked connection ended: its close code and reason, and which side closed it. */
export interface LinkedCloseInfo {
  /** The close code: 1000 when the client closed. */
  readonly code: number;
  /** The close reason. */
  readonly reason: string;
  /** `client`: the session closed it (`session.close()`); `server`: the test did. */
  readonly by: 'client' | 'server';
}

/** A function call for {@link LinkedConnection.toolCall}; the id defaults to `call-<n>`. */
export interface LinkedToolCall {
  /** The call id. Default `call-<n>`, counted over the pair. */
  readonly id?: string;
  /** The function name. */
  readonly name: string;
  /** The arguments. Default `{}`. */
  readonly args?: Record<string, unknown>;
}

/** The socket callbacks of one `connect()` call, as the client gave them. */
interface LinkedCallbacks {
  readonly onopen?: (() => void) | null;
  readonly onmessage: (message: WireServerMessage) => void;
  readonly onclose?: ((event: WireCloseEvent) => void) | null;
}

/** @internal What a connection needs from its pair. */
export interface LinkedConnectionInit {
  readonly index: number;
  readonly setup: LinkedSetup;
  readonly callbacks: LinkedCallbacks;
  readonly nextCallId: () => string;
}

/** A copy of `value` as it would cross the wire (JSON: `undefined` fields dropped). */
function overTheWire<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * The server side of one `connect()` of a {@link createLinkedPair} client. Every push runs the
 * client's `onmessage` synchronously, before the method returns (no socket, no timer); the client's
 * `connect()` resolves, and its `close()` is answered, on the next microtask.
 *
 * @example
 * ```ts
 * const { client, server } = createLinkedPair();
 * const session = await createLiveAgent({ ai: client, model: 'gemini-3.8-live', tools: [countdown] }).connect();
 * const id = server.connection.callTool('countdown', { from: 3 });
 * await clock.advanceBy(3000);
 * expect(server.connection.toolResponses(id)).toHaveLength(4);
 * ```
 */
export class LinkedConnection {
  /** Which `connect()` of the pair this is: 0 for the first. */
  readonly index: number;
  /** What the client asked `connect()` for. */
  readonly setup: LinkedSetup;
  readonly #callbacks: LinkedCallbacks;
  readonly #nextCallId: () => string;
  readonly #frames: LinkedClientFrame[] = [];
  readonly #late: LinkedClientFrame[] = [];
  #state: LinkedConnectionState = 'connecting';
  #closeInfo: LinkedCloseInfo | undefined;
  #closeRequested = false;
  #resolve: ((session: GenAILiveSession) => void) | undefined;
  #reject: ((error: Error) => void) | undefined;
  /** @internal Resolves with the client's session once the server sent `setupComplete`. */
  readonly opened: Promise<GenAILiveSession>;

  /** @internal Made by the pair's `connect()`. */
  constructor(init: LinkedConnectionInit) {
    this.index = init.index;
    this.setup = init.setup;
    this.#callbacks = init.callbacks;
    this.#nextCallId = init.nextCallId;
    this.opened = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** Where the connection is in its life. */
  get state(): LinkedConnectionState {
    return this.#state;
  }

  /** How the connection ended; `undefined` while it has not. */
  get closeInfo(): LinkedCloseInfo | undefined {
    return this.#closeInfo;
  }

  /** The resumption handle the client resumed with (`config.sessionResumption.handle`), if any. */
  get handle(): string | undefined {
    const resumption = this.setup.config.sessionResumption;
    const handle =
      typeof resumption === 'object' && resumption !== null
        ? (resumption as { handle?: unknown }).handle
        : undefined;
    return typeof handle === 'string' ? handle : undefined;
  }

  /** Every message the client sent while the connection was open, in order. */
  get frames(): readonly LinkedClientFrame[] {
    return this.#frames;
  }

  /**
   * Messages the client sent after the connection closed: a WebSocket drops them, so a test can
   * assert that none was lost this way.
   */
  get framesAfterClose(): readonly LinkedClientFrame[] {
    return this.#late;
  }

  /** The function responses the client sent, in order; only those for `callId` when given. */
  toolResponses(callId?: string): readonly LiveFunctionResponse[] {
    const responses = this.#frames.flatMap((f) =>
      'toolResponse' in f ? f.toolResponse.functionResponses : [],
    );
    return callId === undefined ? responses : responses.filter((r) => r.id === callId);
  }

  /** The `clientContent` messages the client sent, in order. */
  clientContents(): readonly LinkedClientContent[] {
    return this.#frames.flatMap((f) => ('clientContent' in f ? [f.clientContent] : []));
  }

  /** The `realtimeInput` messages the client sent, in order. */
  realtimeInputs(): readonly LinkedRealtimeInput[] {
    return this.#frames.flatMap((f) => ('realtimeInput' in f ? [f.realtimeInput] : []));
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
        `Linked connection ${this.index} is closed; push to the client's newest connection (server.connection).`,
      );
    }
    this.#callbacks.onmessage(overTheWire(message));
  }

  /**
   * Sends `setupComplete`: the client's `connect()` resolves on the next microtask. The pair sends
   * it by itself unless its `onConnect` answered `'ignore'`.
   */
  setupComplete(): void {
    this.send({ setupComplete: {} });
    if (this.#state !== 'connecting') return;
    this.#state = 'open';
    const session = this.#clientSession();
    queueMicrotask(() => this.#resolve?.(session));
  }

  /** Sends one `toolCall` with the given function calls; returns their ids in order. */
  toolCall(calls: readonly LinkedToolCall[]): string[] {
    const functionCalls: WireFunctionCall[] = calls.map((c) => ({
      id: c.id ?? this.#nextCallId(),
      name: c.name,
      args: c.args ?? {},
    }));
    this.send({ toolCall: { functionCalls } });
    return functionCalls.map((c) => c.id ?? '');
  }

  /** Sends a `toolCall` with one function call and returns its id. */
  callTool(name: string, args: Record<string, unknown> = {}, id?: string): string {
    const [callId = ''] = this.toolCall([id === undefined ? { name, args } : { id, name, args }]);
    return callId;
  }

  /** Sends `toolCallCancellation` for the given call ids. */
  toolCallCancellation(ids: string | readonly string[]): void {
    this.send({ toolCallCancellation: { ids: typeof ids === 'string' ? [ids] : [...ids] } });
  }

  /** Sends `serverContent`: model output, transcriptions, `turnComplete`, `interrupted`, ... */
  serverContent(content: WireServerContent): void {
    this.send({ serverContent: content });
  }

  /** Sends `goAway`: the connection ends after `timeLeft` (a duration string). Default `50s`. */
  goAway(timeLeft = '50s'): void {
    this.send({ goAway: { timeLeft } });
  }

  /** Sends `sessionResumptionUpdate` with a new handle (`resumable` default true). */
  sessionResumptionUpdate(newHandle: string, resumable = true): void {
    this.send({ sessionResumptionUpdate: { newHandle, resumable } });
  }

  /**
   * Closes the connection from the server side: the client's `onclose` runs before this returns.
   * Before `setupComplete`, the client's `connect()` rejects (as `@google/genai` 3.x does when the
   * server refuses the setup). Closing a closed connection does nothing.
   */
  close(code = 1000, reason = ''): void {
    if (this.#state === 'closed') return;
    this.#end({ code, reason, by: 'server' });
  }

  #end(info: LinkedCloseInfo): void {
    const wasConnecting = this.#state === 'connecting';
    this.#state = 'closed';
    this.#closeInfo = info;
    this.#callbacks.onclose?.({ code: info.code, reason: info.reason });
    if (wasConnecting) {
      this.#reject?.(
        new Error(`The server closed the connection (code ${info.code}: ${info.reason || 'no reason'}).`),
      );
    }
  }

  #record(frame: LinkedClientFrame): void {
    if (this.#state === 'closed' || this.#closeRequested) this.#late.push(overTheWire(frame));
    else this.#frames.push(overTheWire(frame));
  }

  /** The SDK session the client's `connect()` resolves with. */
  #clientSession(): GenAILiveSession {
    return {
      sendClientContent: (params) => this.#record({ clientContent: params }),
      sendRealtimeInput: (params) => this.#record({ realtimeInput: params }),
      sendToolResponse: (params: { functionResponses: readonly LiveFunctionResponse[] }) =>
        this.#record({ toolResponse: { functionResponses: params.functionResponses } }),
      close: () => {
        if (this.#state === 'closed' || this.#closeRequested) return;
        this.#closeRequested = true;
        // A socket answers close() later, never from inside the call.
        queueMicrotask(() => {
          if (this.#state !== 'closed') this.#end({ code: 1000, reason: '', by: 'client' });
        });
      },
    };
  }
}
