import type { LiveFunctionResponse } from '../protocol/function-calls.js';
import type { GenAILiveSession } from '../protocol/genai-like.js';
import type { LiveFunctionDeclaration } from '../tool/define-tool.js';

/**
 * How tool results reach the model. When `createLiveAgent` is given none, the model profile
 * chooses: `function-response` where the model runs asynchronous calls with `willContinue`, else
 * `client-content` where it accepts `clientContent` mid-session, else (streaming tools on a model
 * that has neither, such as `gemini-3.1-flash-live-preview`) `realtime-text`.
 * - `function-response`: every result is a function response on the call's id, with
 *   `willContinue` and `scheduling` (Gemini API, models that support NON_BLOCKING functions).
 * - `client-content`: each call is answered once with a function response, and later results are
 *   injected as user text turns (Vertex AI and models without `willContinue`).
 * - `realtime-text`: each call is answered once with a function response, and later results are
 *   sent as `realtimeInput.text` (synchronous-only models that take `clientContent` only to seed
 *   the initial history).
 *
 * @example
 * ```ts
 * const mode: DeliveryMode = createLiveAgent({ ai, model: 'gemini-3.8-live' }).delivery; // 'function-response'
 * ```
 */
export type DeliveryMode = 'function-response' | 'client-content' | 'realtime-text';

/**
 * @internal
 * What a delivery strategy may ask of its session. A call's writes keep their order whichever
 * method queues them, and a step that throws is reported (naming the call) and skipped: the
 * writes behind it still happen.
 */
export interface DeliveryContext {
  /** Runs `send` now when the model is not speaking and none of the call's writes waits, else when its turn completes. */
  whenIdle(callId: string, send: () => void): void;
  /** Runs `send` now, unless writes of the call wait for the model to be idle: then it waits behind them. */
  inOrder(callId: string, send: () => void): void;
  /** Runs the waiting writes of the call now, in order (an urgent result takes them along). */
  release(callId: string): void;
}

/** @internal The parameters of one `sendToolResponse`, as both SDK majors take them. */
export interface ToolResponseParams {
  readonly functionResponses: readonly LiveFunctionResponse[];
}

/** @internal A delivery strategy: adapts declarations, and writes responses to a connection. */
export interface DeliveryStrategy {
  readonly mode: DeliveryMode;
  declarations(declarations: LiveFunctionDeclaration[]): LiveFunctionDeclaration[];
  deliver(
    responses: readonly LiveFunctionResponse[],
    connection: GenAILiveSession,
    context: DeliveryContext,
  ): void;
  /**
   * Given when {@link deliver} writes each result as exactly one `sendToolResponse` and nothing
   * else, at once (it never waits for the model nor uses the context): the parameters of that
   * message. The session then writes them itself when nothing is held, without a connection
   * stand-in for the result; otherwise it calls {@link deliver}. Both must write the same.
   */
  readonly toolResponse?: (responses: readonly LiveFunctionResponse[]) => ToolResponseParams;
  /** The server cancelled these calls: forget what is kept about them. */
  discard?(ids: readonly string[]): void;
}
