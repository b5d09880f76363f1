/**
 * The messages between the web console page and its local server, one JSON object per WebSocket
 * text frame. The page's script (public/app.js) is type-checked against these types.
 */
import { z } from 'zod';

/** Limits the server enforces and tells the page about. */
export interface ConsoleLimits {
  /** Largest WebSocket message the server accepts, in bytes. */
  readonly maxMessageBytes: number;
  /** Most video frames per second the server forwards; extra frames are dropped with one notice. */
  readonly maxVideoFps: number;
  /** Longest text message, in characters. */
  readonly maxTextLength: number;
}

const base64 = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

/** What the page may send. Anything else gets an `error` reply; the session keeps running. */
export const clientMessage = z.discriminatedUnion('type', [
  /** Typed text, sent to the model as a user turn. */
  z.object({ type: z.literal('text'), text: z.string().trim().min(1) }),
  /** Microphone audio: 16-bit little-endian PCM, mono, 16 kHz, base64. */
  z.object({ type: z.literal('audio'), data: base64 }),
  /** The microphone was turned off: lets the model's voice activity detection finish the turn. */
  z.object({ type: z.literal('audio-end') }),
  /** One camera frame, base64. */
  z.object({ type: z.literal('video'), data: base64, mimeType: z.enum(['image/jpeg', 'image/png']) }),
  /** The user pressed a call's stop button. */
  z.object({ type: z.literal('stop-call'), callId: z.string().min(1).max(200) }),
]);

/** A message the page sends. */
export type ClientMessage = z.infer<typeof clientMessage>;

/** Who said a piece of the transcript, and how it reached the server. */
export type TranscriptSource =
  /** The user typed it. */
  | 'typed'
  /** The model's transcription of the user's speech. */
  | 'input-transcription'
  /** The model's text output (the simulator, or a text-modality model). */
  | 'model-text'
  /** The transcription of the model's speech. */
  | 'output-transcription';

/** A tool call's arguments and result values, as JSON. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** What the server sends. */
export type ServerMessage =
  | {
      /** The first message: the session is connected. */
      readonly type: 'ready';
      /** `simulator` when no GEMINI_API_KEY is set: a rule-based stand-in, not Gemini. */
      readonly mode: 'gemini' | 'simulator';
      readonly model: string;
      /** How tool results reach the model: `function-response`, `client-content` or `realtime-text`. */
      readonly delivery: string;
      /** The quote source's name: `simulated`, `coinbase`, `finnhub`... */
      readonly source: string;
      /** The tools the agent has. */
      readonly tools: readonly string[];
      /** Requests the simulator understands (empty with Gemini). */
      readonly examples: readonly string[];
      /** Whether the model answers with audio (24 kHz PCM in `audio` messages). */
      readonly audioOut: boolean;
      readonly limits: ConsoleLimits;
    }
  | {
      readonly type: 'transcript';
      readonly role: 'user' | 'model';
      readonly source: TranscriptSource;
      /** A chunk to append to the current turn of this role. */
      readonly text: string;
    }
  /** The model finished its turn. */
  | { readonly type: 'turn-complete' }
  /** The user interrupted the model: stop playing its audio at once. */
  | { readonly type: 'interrupted' }
  /** Model audio: 16-bit little-endian PCM, base64. */
  | { readonly type: 'audio'; readonly data: string; readonly sampleRate: number }
  | {
      readonly type: 'tool-start';
      readonly callId: string;
      readonly name: string;
      readonly args: Json;
      readonly time: number;
    }
  | {
      readonly type: 'tool-result';
      readonly callId: string;
      readonly name: string;
      readonly output: Json;
      /** `INTERRUPT`, `WHEN_IDLE` or `SILENT`; absent for one-shot tools. */
      readonly scheduling?: string;
      readonly sequence: number;
      readonly time: number;
    }
  | {
      readonly type: 'tool-end';
      readonly callId: string;
      readonly name: string;
      /** `completed`, `failed` or `cancelled`. */
      readonly reason: string;
      /** Who cancelled it: `model`, `server`, `application` (the stop button), `session-end`... */
      readonly cancelledBy?: string;
      /** Why it failed. */
      readonly error?: string;
      /** The failure's stable code, e.g. `DUPLICATE_CALL`, `TOOL_EXECUTION`. */
      readonly errorCode?: string;
      /** For a watch refused because its symbol is already watched: the call that watches it. */
      readonly runningCallId?: string;
      readonly results: number;
      readonly time: number;
    }
  | {
      /**
       * A quote of a symbol a running `monitor_stock_price` call watches: every quote (at most a
       * few a second), not only the moves reported to the model, for the page's chart.
       */
      readonly type: 'quote';
      /** The watching call. */
      readonly callId: string;
      readonly symbol: string;
      readonly price: number;
      /** When the quote was made, epoch milliseconds. */
      readonly time: number;
    }
  | {
      /** The connection to the model: `reconnecting` after a drop, `resumed` once back, `closed` at the end. */
      readonly type: 'session';
      readonly state: 'reconnecting' | 'resumed' | 'closed';
      readonly detail: string;
    }
  | {
      /** Something the page sent was refused, or the session reported an error. It keeps running. */
      readonly type: 'error';
      readonly code: 'BAD_MESSAGE' | 'TOO_LARGE' | 'RATE_LIMITED' | 'UNKNOWN_CALL' | 'SESSION_ERROR';
      readonly message: string;
    };
