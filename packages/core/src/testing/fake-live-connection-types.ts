/**
 * The types of a fake Live connection: its life, how it ended, the options of its waits, the
 * function responses it records, and what the server hands it.
 *
 * @packageDocumentation
 */

import type { WebSocket } from 'ws';
import type { FakeLiveConnection } from './fake-live-connection.js';
import type { ProfileSnapshot } from './fake-live-profile.js';
import type { FakeSessionState } from './fake-live-session-state.js';
import type { FakeLiveClock } from './fake-live-timing.js';
import type { LiveRoute } from './live-path.js';
import type { LiveFunctionResponsePart, LiveScheduling } from './wire-types.js';

/**
 * Where a connection is in its life: waiting for the `setup` message, open, or closed.
 *
 * @example
 * ```ts
 * if (connection.state === 'open') connection.interrupt();
 * ```
 */
export type FakeLiveConnectionState = 'awaiting-setup' | 'open' | 'closed';

/**
 * Which API a connection reached: the Gemini Developer API, or Vertex AI (a client made with
 * `vertexai: true` and an API key, Vertex AI express mode).
 *
 * @example
 * ```ts
 * if (connection.platform === 'vertex-ai') expect(connection.setup.model).toMatch(/^publishers\//);
 * ```
 */
export type FakeLivePlatform = 'gemini-api' | 'vertex-ai';

/**
 * How a connection ended. `initiator` is `'server'` for {@link FakeLiveConnection.close} and for
 * protocol errors, `'drop'` for {@link FakeLiveConnection.drop}, `'client'` otherwise.
 *
 * @example
 * ```ts
 * const { code, reason } = await connection.waitForClose();
 * ```
 */
export interface FakeLiveCloseInfo {
  /** The WebSocket close code (1006 for a drop). */
  readonly code: number;
  /** The close reason; empty when none was given. */
  readonly reason: string;
  /** Who ended the connection: the server (a test or a protocol error), the client, or a drop. */
  readonly initiator: 'server' | 'client' | 'drop';
}

/**
 * Options of every `waitFor*` helper.
 *
 * @example
 * ```ts
 * await connection.waitForFrame((f) => f.realtimeInput !== undefined, { timeoutMs: 500 });
 * ```
 */
export interface FakeLiveWaitOptions {
  /** How long to wait before rejecting with a `FakeLiveWaitError` (default: the server's `timeoutMs`, 2000). */
  readonly timeoutMs?: number;
  /** What is awaited, for the error message. */
  readonly description?: string;
}

/**
 * Options of {@link FakeLiveConnection.waitForFrame}.
 *
 * @example
 * ```ts
 * await connection.waitForFrame((f) => f.clientContent !== undefined, { includePast: false });
 * ```
 */
export interface FakeLiveWaitForFrameOptions extends FakeLiveWaitOptions {
  /** Also match frames received before the call (default `true`). */
  readonly includePast?: boolean;
}

/**
 * One function response received from the client, with `scheduling` resolved from either place it may sit.
 *
 * @example
 * ```ts
 * const [first] = connection.toolResponses('function-call-1');
 * console.log(first?.output, first?.willContinue, first?.scheduling);
 * ```
 */
export interface RecordedFunctionResponse {
  /** The call id the response answers. */
  readonly id: string | undefined;
  /** The function name. */
  readonly name: string | undefined;
  /** `response.output`. */
  readonly output: unknown;
  /** `response.error`. */
  readonly error: unknown;
  /** `true` when more responses for this call follow; `false` or `undefined` for a final one. */
  readonly willContinue: boolean | undefined;
  /** The top-level `scheduling`, else `response.scheduling`; `undefined` when neither is set. */
  readonly scheduling: LiveScheduling | undefined;
  /** Where `scheduling` was found. */
  readonly schedulingPlacement: 'top-level' | 'response' | undefined;
  /** Index of the carrying frame in {@link FakeLiveConnection.frames}. */
  readonly frameIndex: number;
  /** The function response exactly as received. */
  readonly raw: LiveFunctionResponsePart;
}

/**
 * A function call for {@link FakeLiveConnection.callTools}; `id` is generated when omitted.
 *
 * @example
 * ```ts
 * const call: FakeToolCall = { name: 'countdown', args: { n: 3 } };
 * ```
 */
export interface FakeToolCall {
  /** The function to call. */
  readonly name: string;
  /** Its arguments (default `{}`). */
  readonly args?: Readonly<Record<string, unknown>>;
  /** The call id (default `function-call-<n>`, numbered across the server). */
  readonly id?: string;
}

/**
 * The session state a resumption handle stands for: the client messages of the session up to and
 * including `lastIndex` (`-1`: none), the calls issued before the handle, and under a profile
 * the model's state then. @internal
 */
export interface FakeResumptionPoint {
  /** The connection that issued the handle. */
  readonly connection: FakeLiveConnection;
  /** The session state of that connection (what the handle's messages are read from). */
  readonly state: FakeSessionState;
  readonly lastIndex: number;
  /** Ids of every call the session state holds at the handle: those issued before it. */
  readonly calls: ReadonlySet<string>;
  /** The model's state at the handle, when the connection plays a profile. */
  readonly model: ProfileSnapshot | undefined;
}

/** What the server hands a new connection. @internal */
export interface FakeLiveConnectionInit {
  readonly id: number;
  readonly socket: WebSocket;
  readonly route: LiveRoute;
  readonly timeoutMs: number;
  readonly nextCallId: () => string;
  /** Called once the `setup` frame is recorded; the server accepts or refuses the connection. */
  readonly onSetup: (connection: FakeLiveConnection) => void;
  /** Records what a handle sent in a `sessionResumptionUpdate` stands for (server-wide). */
  readonly registerHandle?: (handle: string, point: FakeResumptionPoint) => void;
  /** What a handle presented in a setup stands for; `undefined` for a handle this server never issued. */
  readonly resolveHandle?: (handle: string) => FakeResumptionPoint | undefined;
  /** `false`: count audio and video chunks after setup without parsing or recording them (default `true`). */
  readonly recordMedia?: boolean;
  /** How many client frames after the setup, and server frames, stay recorded (default: all). */
  readonly keepFrames?: number | undefined;
  /** The scheduler and time scale of timed closes (default: real time). */
  readonly clock?: FakeLiveClock;
}
