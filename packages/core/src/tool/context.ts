import type { Observable, SchedulerLike } from 'rxjs';

/** One video frame the application sent to the live session. */
export interface VideoFrame {
  /** Base64-encoded image bytes, as sent on the wire. */
  readonly data: string;
  /** The image type, e.g. `image/jpeg`. */
  readonly mimeType: string;
  /** When the application sent it (epoch milliseconds, from the session's scheduler). */
  readonly time: number;
}

/** One chunk of audio the application sent to the live session. */
export interface AudioChunk {
  /** Base64-encoded 16-bit little-endian PCM. */
  readonly data: string;
  /** The audio type, e.g. `audio/pcm;rate=16000`. */
  readonly mimeType: string;
  /** When the application sent it (epoch milliseconds). */
  readonly time: number;
}

/** One text message the application sent as realtime input or as a user turn. */
export interface TextInput {
  /** The text. */
  readonly text: string;
  /** When the application sent it (epoch milliseconds). */
  readonly time: number;
}

/**
 * The realtime input the application sends to the session, published to tools. Hot streams: a
 * tool receives only what arrives while it is subscribed, and nothing is buffered for tools that
 * do not subscribe.
 */
export interface ToolInputStreams {
  /** Video frames (camera or screen). */
  readonly video$: Observable<VideoFrame>;
  /** Microphone audio. */
  readonly audio$: Observable<AudioChunk>;
  /** Text input. */
  readonly text$: Observable<TextInput>;
}

/** A structured logger. livetools never logs to the console unless given a logger that does. */
export interface Logger {
  /** Detail useful when tracing a problem. */
  debug(message: string, data?: Record<string, unknown>): void;
  /** Normal operation worth knowing about. */
  info(message: string, data?: Record<string, unknown>): void;
  /** Something unexpected that livetools recovered from. */
  warn(message: string, data?: Record<string, unknown>): void;
  /** A failure. */
  error(message: string, data?: Record<string, unknown>): void;
}

/** What a tool's `execute` receives besides its arguments. */
export interface ToolContext {
  /** The call id given by the model; every response of this call carries it. */
  readonly callId: string;
  /** The tool's name. */
  readonly toolName: string;
  /**
   * Aborted when the call is cancelled from any source (`stop_streaming`, the server's
   * cancellation, interruption, session end, the application). Its `reason` is a
   * `CallCancelledError`. Pass it to `fetch` and similar APIs.
   */
  readonly signal: AbortSignal;
  /**
   * Realtime input streams of the session. One object per session (per `ToolRunner`), the same
   * for all its calls: a tool may key per-session state on it (e.g. in a `WeakMap`).
   */
  readonly input: ToolInputStreams;
  /** A logger whose messages carry the tool name and call id. */
  readonly logger: Logger;
  /** The session's RxJS scheduler: use it for every timer so tests can run in virtual time. */
  readonly scheduler: SchedulerLike;
  /**
   * False when this session's results cannot carry media (`withMedia`): its delivery sends no
   * `FunctionResponse.parts`, so attached media would be left out. A tool can then skip making it.
   * Absent (treat as true) in contexts not made by a `ToolRunner`.
   */
  readonly mediaInResults?: boolean;
}
