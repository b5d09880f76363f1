import type { ModelProfile } from '../profiles/model-profile.js';
import type { LiveFunctionResponse } from '../protocol/function-calls.js';
import type { GenAILiveSession } from '../protocol/genai-like.js';
import type { LiveFunctionDeclaration } from '../tool/define-tool.js';
import { STOP_STREAMING } from '../tool/function-name.js';
import { declareForProfile, schedulingFor } from './profile-declarations.js';

/**
 * @internal
 * The tag that starts every result sent as text (`client-content` and `realtime-text`
 * deliveries), so the model can tell calls apart: `[tool result <name> call_id=<id>]`.
 */
export function resultTag(r: Pick<LiveFunctionResponse, 'id' | 'name'>): string {
  return `[tool result ${r.name} call_id=${r.id}]`;
}

/**
 * @internal
 * The sentence added to a streaming tool's description when its later results arrive as text
 * (`how`: e.g. "messages", "text messages").
 */
export function laterResultsNote(name: string, how: string): string {
  return `Results may keep arriving afterwards as ${how} tagged [tool result ${name} call_id=...].`;
}

/**
 * @internal
 * The first answer of a streaming call, when its later results go as text: the result, and (while
 * the call goes on) a note saying how the rest arrives. An error, and a one-shot answer, are sent
 * unchanged.
 */
export function firstAnswer(r: LiveFunctionResponse, how: string): LiveFunctionResponse['response'] {
  if ('error' in r.response || r.willContinue === undefined) return r.response;
  return {
    output: {
      result: r.response.output,
      ...(r.willContinue
        ? { more: `Further results will arrive as ${how} starting with ${resultTag(r)}.` }
        : {}),
    },
  };
}

/**
 * @internal
 * A later result as text: the tag, notes in parentheses (the final, "no reply needed", …), then the
 * value as JSON (a failure as `{"error":"<message>"}`). Throws when the value cannot be encoded
 * (a BigInt, a cycle): the delivery step is then reported and skipped.
 */
export function resultText(r: LiveFunctionResponse, notes: readonly string[] = []): string {
  const payload = 'error' in r.response ? { error: r.response.error.message } : r.response.output;
  const all = r.willContinue === false ? ['final: this call has ended', ...notes] : notes;
  const json = JSON.stringify(payload) ?? 'null';
  return `${resultTag(r)}${all.length > 0 ? ` (${all.join('; ')})` : ''} ${json}`;
}

/**
 * @internal
 * Declarations for a delivery whose later results go as text: each states its `behavior` as the
 * profile allows, and each streaming tool's description says how the later results arrive (a
 * tool's own declaration marks a streaming tool `NON_BLOCKING`; a one-shot tool, `stop_streaming`
 * included, answers once and gets no note).
 */
export function declareTextResults(
  profile: ModelProfile,
  declarations: readonly LiveFunctionDeclaration[],
  how: string,
): LiveFunctionDeclaration[] {
  const streaming = new Set(declarations.filter((d) => d.behavior === 'NON_BLOCKING').map((d) => d.name));
  return declareForProfile(profile, declarations).map((declaration) =>
    streaming.has(declaration.name) && declaration.name !== STOP_STREAMING
      ? {
          ...declaration,
          description: `${declaration.description} ${laterResultsNote(declaration.name, how)}`,
        }
      : declaration,
  );
}

/**
 * @internal
 * Writes the first answer of a call as a plain function response (never `willContinue`), with the
 * result's `scheduling` where the call is `NON_BLOCKING` and the profile honours it.
 */
export function sendFirstAnswer(
  profile: ModelProfile,
  r: LiveFunctionResponse,
  connection: GenAILiveSession,
  how: string,
): void {
  const scheduling = schedulingFor(profile, r.scheduling, r.willContinue !== undefined);
  connection.sendToolResponse({
    functionResponses: [
      {
        id: r.id,
        name: r.name,
        response: firstAnswer(r, how),
        ...(scheduling === undefined ? {} : { scheduling }),
      },
    ] as never,
  });
}

/**
 * @internal
 * Which calls the text deliveries have answered: a call's first response answers it as a function
 * response; its later ones go as text. A call whose final has gone, or that the server cancelled,
 * is forgotten.
 */
export class AnsweredCalls {
  readonly #answered = new Set<string>();

  /** Whether `r` is its call's first response (it answers the call), noting what it leaves open. */
  isFirst(r: LiveFunctionResponse): boolean {
    const first = !this.#answered.has(r.id);
    if (r.willContinue === true) this.#answered.add(r.id);
    else this.#answered.delete(r.id);
    return first;
  }

  /** The server cancelled these calls. */
  forget(ids: readonly string[]): void {
    for (const id of ids) this.#answered.delete(id);
  }
}
