import type { WireInteractionStatus } from '../protocol/genai-like.js';
import type { ToolEvent } from '../runner/events.js';

/** Fields every session event carries. */
export interface SessionEventBase {
  /** When it happened, in the session scheduler's clock (epoch ms by default). */
  readonly time: number;
}

/** The connection is set up (first connection, or again after a resumption). */
export interface ConnectedEvent extends SessionEventBase {
  /** Discriminant. */
  readonly type: 'connected';
  /** True when this connection resumed an earlier one with a handle. */
  readonly resumed: boolean;
}

/** Text from the model. */
export interface ModelTextEvent extends SessionEventBase {
  /** Discriminant. */
  readonly type: 'model-text';
  /** The text of one part. */
  readonly text: string;
}

/** A chunk of audio from the model. */
export interface ModelAudioEvent extends SessionEventBase {
  /** Discriminant. */
  readonly type: 'model-audio';
  /** Base64-encoded PCM. */
  readonly data: string;
  /** Its type, e.g. `audio/pcm;rate=24000`. */
  readonly mimeType: string;
}

/** A transcription of the user's speech (`input`) or of the model's (`output`). */
export interface TranscriptionEvent extends SessionEventBase {
  /** Discriminant. */
  readonly type: 'input-transcription' | 'output-transcription';
  /** The transcribed text. */
  readonly text: string;
}

/**
 * A low-latency transcription of the user's speech while they are still speaking; the final text
 * follows as an `input-transcription` event.
 */
export interface InterimInputTranscriptionEvent extends SessionEventBase {
  /** Discriminant. */
  readonly type: 'interim-input-transcription';
  /** The transcription so far. */
  readonly text: string;
}

/**
 * The model finished its turn. On a model whose idle signal is `interactionStatus` (extended
 * thinking) this ends one spoken part only; the `interaction-status` event says when the model is done.
 */
export interface TurnCompleteEvent extends SessionEventBase {
  /** Discriminant. */
  readonly type: 'turn-complete';
  /**
   * Why the turn completed, as the server sent it (`turnCompleteReason`), e.g. `NEED_MORE_INPUT`,
   * `MALFORMED_FUNCTION_CALL`, `RESPONSE_REJECTED`, `PROHIBITED_INPUT_CONTENT`; absent when not sent.
   */
  readonly reason?: string;
  /** True when the model stopped because it waits for more input from the user. */
  readonly waitingForInput?: boolean;
}

/**
 * What the model is doing as a whole (`serverContent.interactionStatus`): `IN_PROGRESS` while it
 * processes input or reasons in the background, `IDLE` when it is done. Extended-thinking models
 * send it alongside each `turnComplete`.
 *
 * @example
 * ```ts
 * session.events$.subscribe((e) => {
 *   if (e.type === 'interaction-status' && e.idle) console.log('the model is done');
 * });
 * ```
 */
export interface InteractionStatusEvent extends SessionEventBase {
  /** Discriminant. */
  readonly type: 'interaction-status';
  /** The status as sent: `IN_PROGRESS`, `IDLE`, the deprecated `REQUIRES_ACTION`, or a newer value. */
  readonly status: WireInteractionStatus;
  /** True for `IDLE` and `REQUIRES_ACTION` (its deprecated name): the model has finished everything. */
  readonly idle: boolean;
}

/** The server's voice detection heard the user start (`start`) or stop (`end`) speaking. */
export interface VoiceActivityEvent extends SessionEventBase {
  /** Discriminant. */
  readonly type: 'voice-activity';
  /** `start`: the user started speaking; `end`: they stopped. */
  readonly activity: 'start' | 'end';
  /** When, in audio time from the start of the audio stream, as sent (a duration such as `1.250s`). */
  readonly audioOffset?: string;
}

/** The user interrupted the model. */
export interface InterruptedEvent extends SessionEventBase {
  /** Discriminant. */
  readonly type: 'interrupted';
}

/** The server will close the connection soon. */
export interface GoAwayEvent extends SessionEventBase {
  /** Discriminant. */
  readonly type: 'go-away';
  /** Time left before the close, as sent (e.g. `50s`). */
  readonly timeLeft: string | undefined;
  /** Whether livetools will resume the session (a handle is known). */
  readonly willResume: boolean;
  /**
   * True when no resumable handle is held and handoff applies: livetools waits for a resumable
   * handle until `timeLeft` (minus `handoff.marginMs`) and resumes if one comes, else hands the
   * session over to a new connection (see {@link HandedOverEvent}).
   */
  readonly willHandOver?: boolean;
}

/** A tool call named in a {@link HandedOverEvent}. */
export interface HandedOverCall {
  /** The call's id in the old session. */
  readonly callId: string;
  /** The name of its tool. */
  readonly toolName: string;
}

/**
 * The session was handed over to a new connection because no resumable handle was held (see the
 * `handoff` option of `createLiveAgent`). The new Live session has no memory of the old one: it was
 * told which calls still run (`briefing`), and their later results reach it as text turns.
 *
 * Also published, with `resumed: true`, right after a resumption whose handle was issued before
 * some of the running calls were made: the resumed session never made those calls, so only they
 * are handed over (briefing, results as text, `onHandoff`); the rest of the session resumed.
 *
 * @example
 * ```ts
 * session.events$.subscribe((e) => {
 *   if (e.type === 'handed-over') console.warn(`new session; still running: ${e.continued.map((c) => c.toolName)}`);
 * });
 * ```
 */
export interface HandedOverEvent extends SessionEventBase {
  /** Discriminant. */
  readonly type: 'handed-over';
  /** What ended the old connection: its `goAway` (no resumable handle came in time), or a lost connection. */
  readonly cause: 'go-away' | 'connection-lost';
  /** The calls that keep running in the new session (their results now go as text turns). */
  readonly continued: readonly HandedOverCall[];
  /** The calls stopped by the handoff (their tool says `onHandoff: 'end'`; their `tool-end` says `cancelledBy: 'handoff'`). */
  readonly ended: readonly HandedOverCall[];
  /** The text the new session was told about the running calls; absent when none continued. */
  readonly briefing?: string;
  /**
   * True when the session resumed with a handle and only the calls made after the handle was
   * issued were handed over; absent after a handoff to a fresh session.
   */
  readonly resumed?: boolean;
  /**
   * With `resumed`: calls made after the handle was issued that had already ended. The resumed
   * session knows nothing of them, and what was sent for them after the handle is not sent again.
   */
  readonly forgotten?: readonly HandedOverCall[];
}

/** The server sent a new resumption handle. */
export interface ResumptionUpdateEvent extends SessionEventBase {
  /** Discriminant. */
  readonly type: 'resumption-update';
  /** Whether the session can be resumed at this point. */
  readonly resumable: boolean;
  /** True when a new handle was stored. */
  readonly hasHandle: boolean;
  /**
   * With transparent resumption: the index of the last client message the server has consumed
   * (client messages of the session counted from 0, setup messages not counted), when sent.
   */
  readonly lastConsumedClientMessageIndex?: number;
}

/** The connection was lost and livetools is reconnecting: with the last handle, or as a handoff to a new session. */
export interface ReconnectingEvent extends SessionEventBase {
  /** Discriminant. */
  readonly type: 'reconnecting';
  /** Why: the server's `goAway`, or a lost connection. */
  readonly cause: 'go-away' | 'connection-lost';
  /** 1 for the first attempt. */
  readonly attempt: number;
}

/** Something went wrong that livetools recovered from or that ends the session. */
export interface SessionErrorEvent extends SessionEventBase {
  /** Discriminant. */
  readonly type: 'error';
  /** What happened. */
  readonly error: Error;
}

/** The session is over. The last event. */
export interface ClosedEvent extends SessionEventBase {
  /** Discriminant. */
  readonly type: 'closed';
  /** `client`: `close()` was called; `server`/`connection-lost`: the other side ended it and it could not be resumed. */
  readonly by: 'client' | 'server' | 'connection-lost';
  /** The WebSocket close code, when known. */
  readonly code?: number;
  /** A sentence saying why. */
  readonly reason: string;
}

/** Token usage reported by the server. */
export interface UsageEvent extends SessionEventBase {
  /** Discriminant. */
  readonly type: 'usage';
  /** The `usageMetadata` object as sent. */
  readonly usage: object;
}

/** Session-level events. */
export type SessionEvent =
  | ConnectedEvent
  | ModelTextEvent
  | ModelAudioEvent
  | TranscriptionEvent
  | InterimInputTranscriptionEvent
  | TurnCompleteEvent
  | InteractionStatusEvent
  | VoiceActivityEvent
  | InterruptedEvent
  | GoAwayEvent
  | ResumptionUpdateEvent
  | ReconnectingEvent
  | HandedOverEvent
  | SessionErrorEvent
  | UsageEvent
  | ClosedEvent;

/** Every event a live session publishes on `events$`: session events and the tool lifecycle. */
export type LiveEvent = SessionEvent | ToolEvent;
