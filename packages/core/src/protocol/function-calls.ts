import type { ArgumentIssue } from '../errors.js';
import type { Scheduling } from '../tool/scheduling.js';

/** The `error` payload of a failed call's response. */
export interface ToolErrorPayload {
  /** What went wrong, written for the model. */
  readonly message: string;
  /** A stable code (see `LivetoolsErrorCode`). */
  readonly code: string;
  /** Argument problems, for validation errors. */
  readonly issues?: readonly ArgumentIssue[];
}

/** The `response` object of a function response. */
export type ResponseBody =
  | {
      /** The tool's result. */
      readonly output: unknown;
    }
  | {
      /** Why the call failed. */
      readonly error: ToolErrorPayload;
    };

/** A function response as sent in a Live API `toolResponse` message. */
export interface LiveFunctionResponse {
  /** The id of the call this answers. */
  readonly id: string;
  /** The function name of that call. */
  readonly name: string;
  /** The result (`output`) or the failure (`error`). */
  readonly response: ResponseBody;
  /** `true` on intermediate results of a streaming call, `false` on its final response. */
  readonly willContinue?: boolean;
  /** How the model should take this response in. */
  readonly scheduling?: Scheduling;
  /**
   * Media that goes with the result (`FunctionResponse.parts`), attached by the tool with
   * `withMedia`; absent on responses without media.
   */
  readonly parts?: readonly FunctionResponseMediaPart[];
}

/**
 * One piece of media in a function response: `FunctionResponse.parts[i]` on the wire, as both
 * `@google/genai` majors type it (`FunctionResponsePart.inlineData`).
 *
 * @example
 * ```ts
 * const part: FunctionResponseMediaPart = { inlineData: { mimeType: 'image/jpeg', data: frame.data } };
 * ```
 */
export interface FunctionResponseMediaPart {
  /** The media bytes, base64, with their IANA media type. */
  readonly inlineData: {
    /** The IANA media type, e.g. `image/jpeg`. */
    readonly mimeType: string;
    /** The bytes, base64-encoded. */
    readonly data: string;
  };
}

/**
 * Where the runner sends function responses. The live session implements it over the socket;
 * tests implement it with an array.
 *
 * @example
 * ```ts
 * const sent: LiveFunctionResponse[] = [];
 * const runner = new ToolRunner({ tools, sink: { send: (r) => sent.push(...r) } });
 * ```
 */
export interface ResponseSink {
  /** Sends responses, in order. Throwing is reported as a `response-error` event. */
  send(responses: readonly LiveFunctionResponse[]): void;
}
