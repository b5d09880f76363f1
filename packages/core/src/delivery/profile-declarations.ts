import type { ModelProfile } from '../profiles/model-profile.js';
import { declaredBehavior } from '../profiles/profile-queries.js';
import type { LiveFunctionDeclaration } from '../tool/define-tool.js';
import type { Scheduling } from '../tool/scheduling.js';

/**
 * @internal
 * The declarations a session sends, each stating its `behavior` as the profile allows (see
 * `declaredBehavior`): a tool's own declaration marks a streaming tool `NON_BLOCKING` and leaves
 * the field out for a one-shot tool (`stop_streaming` included), which is how the kind is read here.
 * A tool's output contract (`responseJsonSchema`) goes only where the profile opts in to it
 * (`functionCalling.responseJsonSchema`): no Live model documents the field.
 */
export function declareForProfile(
  profile: ModelProfile,
  declarations: readonly LiveFunctionDeclaration[],
): LiveFunctionDeclaration[] {
  const keepResponse = profile.functionCalling.responseJsonSchema === true;
  return declarations.map(({ responseJsonSchema, ...declaration }) => ({
    ...declaration,
    behavior: declaredBehavior(profile, declaration.behavior === 'NON_BLOCKING' ? 'streaming' : 'one-shot'),
    ...(keepResponse && responseJsonSchema !== undefined ? { responseJsonSchema } : {}),
  }));
}

/**
 * @internal
 * The `scheduling` to put on a function response: the result's own when the profile honours it and
 * the call was declared `NON_BLOCKING` (scheduling applies to those only), else none.
 */
export function schedulingFor(
  profile: ModelProfile,
  scheduling: Scheduling | undefined,
  streaming: boolean,
): Scheduling | undefined {
  if (scheduling === undefined || !profile.functionCalling.scheduling.includes(scheduling)) return undefined;
  return declaredBehavior(profile, streaming ? 'streaming' : 'one-shot') === 'NON_BLOCKING'
    ? scheduling
    : undefined;
}
