import type { LiveFunctionResponse } from '../scheduler/wire.js';
import type { GenAILiveSession } from '../session/genai-like.js';
import type { LiveFunctionDeclaration } from '../tool/define-tool.js';

/**
 * How tool results reach the model.
 * - `function-response` (default): every result is a function response on the call's id, with
 *   `willContinue` and `scheduling` (Gemini API, models that support NON_BLOCKING functions).
 * - `client-content`: each call is answered once with a function response, and later results are
 *   injected as user text turns (Vertex AI and models without `willContinue`).
 */
export type DeliveryMode = 'function-response' | 'client-content';

/** @internal What a delivery strategy may ask of its session. */
export interface DeliveryContext {
  /** Runs `fn` now when the model is not speaking, else when its turn completes. */
  whenIdle(fn: () => void): void;
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
}
