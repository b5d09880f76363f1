/**
 * The JSON shapes that travel over a Live API connection, as the fake server records and sends them.
 * These describe the wire (camelCase proto JSON, enums as strings), not the SDK's own classes.
 * A piece of a frame is named `*Part` (`LiveFunctionCallPart`, `LiveFunctionResponsePart`,
 * `LiveFunctionDeclarationPart`), so that no name means two types next to `@livetools/core`'s
 * `WireFunctionCall`, `LiveFunctionResponse` and `LiveFunctionDeclaration`.
 *
 * @packageDocumentation
 */

import type { Scheduling } from '../tool/scheduling.js';

/**
 * When the model should tell the user about a function response (NON_BLOCKING functions only):
 * a {@link Scheduling} value, or the proto's `SCHEDULING_UNSPECIFIED`.
 *
 * @example
 * ```ts
 * const scheduling: LiveScheduling = 'WHEN_IDLE';
 * ```
 */
export type LiveScheduling = 'SCHEDULING_UNSPECIFIED' | Scheduling;

/**
 * One function declaration as it arrives in `setup.tools[].functionDeclarations`.
 *
 * @example
 * ```ts
 * const declaration: LiveFunctionDeclarationPart = { name: 'countdown', behavior: 'NON_BLOCKING' };
 * ```
 */
export interface LiveFunctionDeclarationPart {
  /** The function name the model calls it by. */
  readonly name: string;
  /** What the function does, for the model. */
  readonly description?: string;
  /** `"NON_BLOCKING"` for functions the model may keep talking over. */
  readonly behavior?: string;
  /** A Gemini Schema, rewritten by the SDK (upper-cased types). */
  readonly parameters?: unknown;
  /** A JSON Schema, sent verbatim by the SDK. */
  readonly parametersJsonSchema?: unknown;
  readonly [key: string]: unknown;
}

/**
 * One entry of `setup.tools`.
 *
 * @example
 * ```ts
 * const tool: LiveTool = { functionDeclarations: [{ name: 'countdown' }] };
 * ```
 */
export interface LiveTool {
  /** The functions this tool declares. */
  readonly functionDeclarations?: readonly LiveFunctionDeclarationPart[];
  readonly [key: string]: unknown;
}

/**
 * The body of the client's first message, `{ setup: LiveSetup }`.
 *
 * @example
 * ```ts
 * const setup: LiveSetup = { model: 'models/gemini-3.8-live', sessionResumption: {} };
 * ```
 */
export interface LiveSetup {
  /** `"models/<name>"`. */
  readonly model?: string;
  /** `responseModalities`, `speechConfig`, `temperature`... */
  readonly generationConfig?: Readonly<Record<string, unknown>>;
  /** The system instruction, as a content object. */
  readonly systemInstruction?: unknown;
  /** The declared tools. */
  readonly tools?: readonly LiveTool[];
  /** Present when the client asked for resumption updates; `handle` is set when it resumes. */
  readonly sessionResumption?: {
    /** The handle of the session being resumed. */
    readonly handle?: string;
    /** Transparent mode: the server reports which client messages a handle covers. */
    readonly transparent?: boolean;
  };
  /** Present (`{}`) when the client wants transcriptions of the user's speech. */
  readonly inputAudioTranscription?: Readonly<Record<string, unknown>>;
  /** Present (`{}`) when the client wants transcriptions of the model's speech. */
  readonly outputAudioTranscription?: Readonly<Record<string, unknown>>;
  /** Activity detection and turn coverage settings. */
  readonly realtimeInputConfig?: Readonly<Record<string, unknown>>;
  /** Context window compression (e.g. a sliding window). */
  readonly contextWindowCompression?: Readonly<Record<string, unknown>>;
  readonly [key: string]: unknown;
}

/**
 * One part of a content turn.
 *
 * @example
 * ```ts
 * const part: LivePart = { text: 'hello' };
 * ```
 */
export interface LivePart {
  /** Text of the part. */
  readonly text?: string;
  /** Inline bytes with their type, e.g. model audio. */
  readonly inlineData?: LiveBlob;
  readonly [key: string]: unknown;
}

/**
 * One turn of `clientContent.turns` (or of a server `modelTurn`).
 *
 * @example
 * ```ts
 * const turn: LiveContent = { role: 'user', parts: [{ text: 'hello' }] };
 * ```
 */
export interface LiveContent {
  /** `"user"` or `"model"`. */
  readonly role?: string;
  /** The parts, in order. */
  readonly parts?: readonly LivePart[];
}

/**
 * The body of a `clientContent` message.
 *
 * @example
 * ```ts
 * const content: LiveClientContent = { turns: [{ role: 'user', parts: [{ text: 'hi' }] }], turnComplete: true };
 * ```
 */
export interface LiveClientContent {
  /** The turns to add to the conversation. */
  readonly turns?: readonly LiveContent[];
  /** True when the model should answer now. */
  readonly turnComplete?: boolean;
}

/**
 * Base64 bytes with their MIME type: a media chunk (`audio`, `video`) of a `realtimeInput` message,
 * or the `inlineData` of a part.
 *
 * @example
 * ```ts
 * const chunk: LiveBlob = { mimeType: 'audio/pcm;rate=16000', data: 'AAAA' };
 * ```
 */
export interface LiveBlob {
  /** E.g. `audio/pcm;rate=16000` or `image/jpeg`. */
  readonly mimeType?: string;
  /** The bytes, base64-encoded. */
  readonly data?: string;
}

/**
 * The body of a `realtimeInput` message: one key per message.
 *
 * @example
 * ```ts
 * const input: LiveRealtimeInput = { text: 'hello' };
 * ```
 */
export interface LiveRealtimeInput {
  /** A chunk of microphone audio (16-bit PCM). */
  readonly audio?: LiveBlob;
  /** One video frame (e.g. a JPEG). */
  readonly video?: LiveBlob;
  /** Realtime text. */
  readonly text?: string;
  /** The user started speaking (manual activity detection). */
  readonly activityStart?: Readonly<Record<string, never>>;
  /** The user stopped speaking (manual activity detection). */
  readonly activityEnd?: Readonly<Record<string, never>>;
  /** The audio stream paused. */
  readonly audioStreamEnd?: boolean;
  readonly [key: string]: unknown;
}

/**
 * The `response` object of a function response: `output` for results, `error` for failures.
 *
 * @example
 * ```ts
 * const body: LiveFunctionResponseBody = { output: { remaining: 2 } };
 * ```
 */
export interface LiveFunctionResponseBody {
  /** The result. */
  readonly output?: unknown;
  /** Error details. */
  readonly error?: unknown;
  /** Where the documentation's examples put it; the SDK and proto put it on the response itself. */
  readonly scheduling?: LiveScheduling;
  readonly [key: string]: unknown;
}

/**
 * One entry of `toolResponse.functionResponses`.
 *
 * @example
 * ```ts
 * const response: LiveFunctionResponsePart = {
 *   id: 'function-call-1', name: 'countdown', response: { output: { remaining: 2 } },
 *   willContinue: true, scheduling: 'WHEN_IDLE',
 * };
 * ```
 */
export interface LiveFunctionResponsePart {
  /** The id of the call it answers. */
  readonly id?: string;
  /** The function name. */
  readonly name?: string;
  /** `output` or `error`. */
  readonly response?: LiveFunctionResponseBody;
  /** `true`: more responses for this call will follow. */
  readonly willContinue?: boolean;
  /** When the model should tell the user (NON_BLOCKING functions). */
  readonly scheduling?: LiveScheduling;
  readonly [key: string]: unknown;
}

/**
 * The body of a `toolResponse` message.
 *
 * @example
 * ```ts
 * const body: LiveToolResponse = { functionResponses: [{ id: 'function-call-1', name: 'f', response: {} }] };
 * ```
 */
export interface LiveToolResponse {
  /** One or more function responses. */
  readonly functionResponses?: readonly LiveFunctionResponsePart[];
}

/**
 * A parsed client-to-server frame: exactly one of these keys is set.
 *
 * @example
 * ```ts
 * const isToolResponse = (frame: LiveClientFrame) => frame.toolResponse !== undefined;
 * ```
 */
export interface LiveClientFrame {
  /** The first message of a connection. */
  readonly setup?: LiveSetup;
  /** Conversation turns. */
  readonly clientContent?: LiveClientContent;
  /** Audio, video, text or activity signals. */
  readonly realtimeInput?: LiveRealtimeInput;
  /** Function responses. */
  readonly toolResponse?: LiveToolResponse;
}

/**
 * One function call the server asks the client to run.
 *
 * @example
 * ```ts
 * const call: LiveFunctionCallPart = { id: 'function-call-1', name: 'countdown', args: { n: 3 } };
 * ```
 */
export interface LiveFunctionCallPart {
  /** The call id that responses must carry. */
  readonly id: string;
  /** The function to call. */
  readonly name: string;
  /** Its arguments. */
  readonly args: Readonly<Record<string, unknown>>;
}

/**
 * The `serverContent` of a server frame: model output and turn signals.
 *
 * @example
 * ```ts
 * const content: LiveServerContent = { modelTurn: { role: 'model', parts: [{ text: 'Hi.' }] }, turnComplete: true };
 * ```
 */
export interface LiveServerContent {
  /** Output of the model's current turn. */
  readonly modelTurn?: LiveContent;
  /** The model finished its turn. */
  readonly turnComplete?: boolean;
  /** The user interrupted the model's turn. */
  readonly interrupted?: boolean;
  /** The model finished generating its turn. */
  readonly generationComplete?: boolean;
  /** A transcription of the user's speech. */
  readonly inputTranscription?: {
    /** The transcribed text. */
    readonly text: string;
  };
  /** A transcription of the model's speech. */
  readonly outputTranscription?: {
    /** The transcribed text. */
    readonly text: string;
  };
  /**
   * What the model is doing (extended thinking): `IN_PROGRESS` while it keeps working in the
   * background, `IDLE` once the whole task is done. Sent alongside `turnComplete`.
   */
  readonly interactionStatus?: string;
  /** Why the turn ended (e.g. `NEED_MORE_INPUT`), alongside `turnComplete`. */
  readonly turnCompleteReason?: string;
  /** True when the model does not generate because it waits for more input from the user. */
  readonly waitingForInput?: boolean;
}

/**
 * A server-to-client frame as the fake server sends it (always as one binary JSON frame).
 *
 * @example
 * ```ts
 * const frame: LiveServerFrame = { serverContent: { turnComplete: true } };
 * ```
 */
export interface LiveServerFrame {
  /** The setup was accepted. */
  readonly setupComplete?: Readonly<Record<string, never>>;
  /** Model output and turn signals. */
  readonly serverContent?: LiveServerContent;
  /** The model calls functions. */
  readonly toolCall?: {
    /** The calls, each with its id, name and arguments. */
    readonly functionCalls: readonly LiveFunctionCallPart[];
  };
  /** The model gave up on calls: send nothing more for them. */
  readonly toolCallCancellation?: {
    /** Ids of the cancelled calls. */
    readonly ids: readonly string[];
  };
  /** The connection will end soon. */
  readonly goAway?: {
    /** Time left before the close, as a duration string (`"50s"`). */
    readonly timeLeft: string;
  };
  /** A new session resumption handle. */
  readonly sessionResumptionUpdate?: {
    /** The handle to resume the session with from this point. */
    readonly newHandle?: string;
    /** Whether the session can be resumed at this point. */
    readonly resumable: boolean;
    /**
     * With transparent resumption: the index of the last client message the handle's state
     * includes (client messages of the session counted from 0, setup messages not counted), an
     * int64 as a string.
     */
    readonly lastConsumedClientMessageIndex?: string;
  };
  /** Token counts. */
  readonly usageMetadata?: Readonly<Record<string, unknown>>;
  readonly [key: string]: unknown;
}
