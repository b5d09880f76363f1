/**
 * The parts of the `@google/genai` client that livetools uses, typed structurally so that both
 * supported majors (2.x and 3.x) fit without casts.
 *
 * @packageDocumentation
 */
import type { LiveConnectConfig } from '@google/genai';

/**
 * A function call as it arrives in a server `toolCall` message: what
 * `session.messages$` carries in `toolCall.functionCalls`, and what `ToolRunner.handleToolCall`
 * takes.
 *
 * @example
 * ```ts
 * const call: WireFunctionCall = { id: 'call-1', name: 'countdown', args: { n: 3 } };
 * ```
 */
export interface WireFunctionCall {
  /** The call id; every response to the call must carry it. */
  id?: string | undefined;
  /** The function name. */
  name?: string | undefined;
  /** The arguments, as the model wrote them. */
  args?: Record<string, unknown> | undefined;
}

/** One part of a model turn: text, or inline data such as audio. */
export interface WirePart {
  /** Text of the part. */
  text?: string | undefined;
  /** Inline bytes (base64) with their type, e.g. audio. */
  inlineData?:
    | {
        /** The bytes, base64-encoded. */
        data?: string | undefined;
        /** Their MIME type, e.g. `audio/pcm;rate=24000`. */
        mimeType?: string | undefined;
      }
    | undefined;
  /** True for thought parts. */
  thought?: boolean | undefined;
}

/** A transcription chunk in `serverContent` (`inputTranscription` or `outputTranscription`). */
export interface WireTranscription {
  /** The transcribed text. */
  text?: string | undefined;
}

/** The `serverContent` of a server message: model output and turn signals. */
export interface WireServerContent {
  /** Output of the model's current turn. */
  modelTurn?:
    | {
        /** Text and inline-data parts, in order. */
        parts?: WirePart[] | undefined;
      }
    | undefined;
  /** The model finished its turn. */
  turnComplete?: boolean | undefined;
  /** The user interrupted the model's turn. */
  interrupted?: boolean | undefined;
  /** The model finished generating its turn. */
  generationComplete?: boolean | undefined;
  /** A transcription of the user's speech. */
  inputTranscription?: WireTranscription | undefined;
  /** A transcription of the model's speech. */
  outputTranscription?: WireTranscription | undefined;
  /** A low-latency transcription of the user's speech, updated while they speak. */
  interimInputTranscription?: WireTranscription | undefined;
  /**
   * Why the turn completed, e.g. `NEED_MORE_INPUT` or `MALFORMED_FUNCTION_CALL` (the SDK's
   * `TurnCompleteReason`; new values appear over time).
   */
  turnCompleteReason?: string | undefined;
  /** The model is not generating because it waits for more input from the user. */
  waitingForInput?: boolean | undefined;
  /**
   * What the model is doing as a whole, sent alongside `turnComplete`: `IN_PROGRESS` while it
   * processes input or reasons in the background, `IDLE` once everything is done
   * (`REQUIRES_ACTION` is a deprecated name for `IDLE`).
   */
  interactionStatus?: WireInteractionStatus | undefined;
}

/**
 * The SDK's `InteractionStatus` values (`serverContent.interactionStatus`), and any newer string.
 *
 * @example
 * ```ts
 * const status: WireInteractionStatus = 'IDLE';
 * ```
 */
export type WireInteractionStatus =
  | 'INTERACTION_STATUS_UNSPECIFIED'
  | 'IN_PROGRESS'
  | 'REQUIRES_ACTION'
  | 'IDLE'
  | (string & {});

/** A voice activity signal (`voiceActivity`): the server's voice detection heard the user start or stop. */
export interface WireVoiceActivity {
  /** `ACTIVITY_START` or `ACTIVITY_END` (`TYPE_UNSPECIFIED` otherwise). */
  voiceActivityType?: 'TYPE_UNSPECIFIED' | 'ACTIVITY_START' | 'ACTIVITY_END' | (string & {}) | undefined;
  /** When, in audio time from the start of the audio stream, as a duration string (e.g. `1.250s`). */
  audioOffset?: string | undefined;
}

/** The server messages livetools reads, as they arrive in `callbacks.onmessage`. */
export interface WireServerMessage {
  /** The setup was accepted. */
  setupComplete?: object | undefined;
  /** Model output and turn signals. */
  serverContent?: WireServerContent | undefined;
  /** The model calls functions. */
  toolCall?:
    | {
        /** The calls, each with its id, name and arguments. */
        functionCalls?: WireFunctionCall[] | undefined;
      }
    | undefined;
  /** The model gave up on calls. */
  toolCallCancellation?:
    | {
        /** Ids of the cancelled calls. */
        ids?: string[] | undefined;
      }
    | undefined;
  /** The connection will end soon. */
  goAway?:
    | {
        /** Time left before the server closes the connection, e.g. `50s`. */
        timeLeft?: string | undefined;
      }
    | undefined;
  /** A new session resumption handle. */
  sessionResumptionUpdate?:
    | {
        /** The handle to resume the session with from this point. */
        newHandle?: string | undefined;
        /** Whether the session can be resumed at this point. */
        resumable?: boolean | undefined;
        /**
         * With transparent resumption (Vertex AI): the index of the last client message the handle's
         * state includes, an int64 sent as a string (some clients type it as a number).
         */
        lastConsumedClientMessageIndex?: string | number | undefined;
      }
    | undefined;
  /** Token counts. */
  usageMetadata?: object | undefined;
  /** The server's voice detection heard the user start or stop speaking. */
  voiceActivity?: WireVoiceActivity | undefined;
}

/** The close event the SDK hands to `onclose`. */
export interface WireCloseEvent {
  /** The WebSocket close code. */
  readonly code: number;
  /** The close reason sent by the server. */
  readonly reason: string;
}

/** Callbacks given to `ai.live.connect`. */
export interface WireCallbacks {
  /** The socket opened. */
  onopen?: (() => void) | null;
  /** A server message arrived. */
  onmessage: (message: never) => void;
  /** The socket reported an error. */
  onerror?: ((event: never) => void) | null;
  /** The socket closed. */
  onclose?: ((event: never) => void) | null;
}

/** A connected SDK session (`Session` in `@google/genai`). */
export interface GenAILiveSession {
  /** Sends a `clientContent` message. */
  sendClientContent(params: {
    turns?: { role: string; parts: { text: string }[] }[];
    turnComplete?: boolean;
  }): void;
  /** Sends a `realtimeInput` message. */
  sendRealtimeInput(params: {
    audio?: { data: string; mimeType: string };
    video?: { data: string; mimeType: string };
    text?: string;
    activityStart?: object;
    activityEnd?: object;
    audioStreamEnd?: boolean;
  }): void;
  /** Sends a `toolResponse` message. */
  sendToolResponse(params: { functionResponses: never }): void;
  /** Closes the socket. */
  close(): void;
}

/** What livetools needs of a `GoogleGenAI` instance. */
export interface GenAIClient {
  /** True for a Vertex AI client. */
  readonly vertexai?: boolean;
  /** The Live API. */
  readonly live: {
    /** Opens a Live API connection (`ai.live.connect`); resolves with the SDK session. */
    connect(params: { model: string; config?: never; callbacks: never }): Promise<GenAILiveSession>;
  };
}

/** The SDK's live connect configuration without `tools`, which livetools owns. */
export type LiveSessionConfig = Omit<LiveConnectConfig, 'tools'>;
