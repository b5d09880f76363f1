/**
 * Questions the session and deliveries ask a model profile, answered in one place so that no code
 * tests model names or `vertexai` itself.
 *
 * @packageDocumentation
 */

import { KNOWN_MODEL_ENTRIES } from './known-profiles.js';
import type { FunctionBehavior, ModelProfile } from './model-profile.js';

/**
 * The `behavior` a tool's declaration should state on this model. Declarations always state it,
 * because the default differs by family (`NON_BLOCKING` on gemini-3.8-live, `BLOCKING` before).
 * - A one-shot tool is `BLOCKING` (the model waits for its answer), or `NON_BLOCKING` on an
 *   async-only model.
 * - A streaming tool is `NON_BLOCKING` (the model talks while it runs), or `BLOCKING` on a
 *   sync-only model, whose updates then need another way to the model than `willContinue`
 *   (the `client-content` or `realtime-text` delivery).
 *
 * @example
 * ```ts
 * const { profile } = resolveModelProfile('gemini-3.8-live');
 * declaredBehavior(profile, 'one-shot'); // 'BLOCKING'
 * declaredBehavior(profile, 'streaming'); // 'NON_BLOCKING'
 * ```
 */
export function declaredBehavior(profile: ModelProfile, tool: 'one-shot' | 'streaming'): FunctionBehavior {
  const { modes } = profile.functionCalling;
  if (tool === 'one-shot') return modes === 'async' ? 'NON_BLOCKING' : 'BLOCKING';
  return modes === 'sync' ? 'BLOCKING' : 'NON_BLOCKING';
}

/**
 * Every profile in livetools' table (both platforms, shut-down families included), for a docs page
 * or a console that shows what each model supports.
 *
 * @example
 * ```ts
 * for (const profile of listModelProfiles()) console.log(profile.id, profile.platform, profile.functionCalling.modes);
 * ```
 */
export function listModelProfiles(): readonly ModelProfile[] {
  return [...KNOWN_MODEL_ENTRIES['gemini-api'], ...KNOWN_MODEL_ENTRIES['vertex-ai']].map(
    (entry) => entry.profile,
  );
}
