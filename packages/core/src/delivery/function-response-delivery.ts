import type { ModelProfile } from '../profiles/model-profile.js';
import type { LiveFunctionResponse } from '../protocol/function-calls.js';
import type { Scheduling } from '../tool/scheduling.js';
import type { DeliveryStrategy, ToolResponseParams } from './delivery.js';
import { declareForProfile, schedulingFor } from './profile-declarations.js';

/**
 * @internal
 * Results as function responses with `willContinue` and `scheduling`. Declarations state their
 * `behavior` as the profile allows. What the profile does not take is left out of each response:
 * a `scheduling` it does not honour (or that would go with a `BLOCKING` call), and `willContinue`
 * where it has none (a sync-only model, where only the unknown-function answer would carry it).
 * This delivery is chosen with streaming tools only where the profile accepts `willContinue`
 * (`chooseDelivery`). It is the one delivery that carries a result's media (`parts`).
 */
export function createFunctionResponseDelivery(profile: ModelProfile): DeliveryStrategy {
  // What the profile takes, worked out once: this runs for every result a tool emits.
  const keepWillContinue = profile.functionCalling.willContinue;
  const keepScheduling = {
    streaming: schedulingKept(profile, true),
    oneShot: schedulingKept(profile, false),
  };
  // What reaches the SDK is read, never written: neither SDK major changes the responses it is
  // given (it wraps them in its message and serializes it), and nothing in livetools changes a
  // response once made. So a response whose every field the profile takes goes as it is; only one
  // with a field to leave out is copied, as one literal per shape (no field added afterwards, no
  // rest or spread): this runs for every result.
  const encode = (r: LiveFunctionResponse): LiveFunctionResponse => {
    const streaming = r.willContinue !== undefined;
    const continues = streaming && keepWillContinue;
    const scheduling = r.scheduling;
    const kept =
      scheduling !== undefined &&
      (streaming ? keepScheduling.streaming : keepScheduling.oneShot)[scheduling] === true;
    const dropsWillContinue = streaming && !continues;
    const dropsScheduling = scheduling !== undefined && !kept;
    if (!dropsWillContinue && !dropsScheduling) return r;
    const out: WireResponse = continues
      ? kept
        ? { id: r.id, name: r.name, response: r.response, willContinue: r.willContinue, scheduling }
        : { id: r.id, name: r.name, response: r.response, willContinue: r.willContinue }
      : kept
        ? { id: r.id, name: r.name, response: r.response, scheduling }
        : { id: r.id, name: r.name, response: r.response };
    // Media (`withMedia`) goes as it is on every profile: both SDK majors type and send it.
    const parts = r.parts;
    if (parts !== undefined) out.parts = parts;
    return out;
  };
  // One response at a time from the runner, in an array made for this call alone: when it goes
  // as it is, so does the array. Otherwise an array of exactly one (a growing array would reserve
  // room for seventeen).
  const toolResponse = (responses: readonly LiveFunctionResponse[]): ToolResponseParams => {
    if (responses.length !== 1) return { functionResponses: responses.map(encode) };
    const only = responses[0]!;
    const encoded = encode(only);
    return { functionResponses: encoded === only ? responses : [encoded] };
  };
  return {
    mode: 'function-response',
    declarations: (declarations) => declareForProfile(profile, declarations),
    deliver: (responses, connection) => {
      connection.sendToolResponse(toolResponse(responses) as { functionResponses: never });
    },
    toolResponse,
  };
}

/** A function response as written: {@link LiveFunctionResponse} with its optional fields settable. */
type WireResponse = { -readonly [K in keyof LiveFunctionResponse]: LiveFunctionResponse[K] };

/** Which `scheduling` values are kept on a response of a streaming (or one-shot) call, per {@link schedulingFor}. */
function schedulingKept(profile: ModelProfile, streaming: boolean): Readonly<Record<Scheduling, boolean>> {
  return {
    SILENT: schedulingFor(profile, 'SILENT', streaming) === 'SILENT',
    WHEN_IDLE: schedulingFor(profile, 'WHEN_IDLE', streaming) === 'WHEN_IDLE',
    INTERRUPT: schedulingFor(profile, 'INTERRUPT', streaming) === 'INTERRUPT',
  };
}
