import type { ModelProfile } from '../profiles/model-profile.js';
import type { LiveFunctionResponse } from '../scheduler/wire.js';
import type { DeliveryStrategy } from './delivery.js';
import { declareForProfile, schedulingFor } from './profile-declarations.js';

/**
 * @internal
 * Results as function responses with `willContinue` and `scheduling`. Declarations state their
 * `behavior` as the profile allows. What the profile does not take is left out of each response:
 * a `scheduling` it does not honour (or that would go with a `BLOCKING` call), and `willContinue`
 * where it has none (a sync-only model, where only the unknown-function answer would carry it).
 * This delivery is chosen with streaming tools only where the profile accepts `willContinue`
 * (`chooseDelivery`).
 */
export function createFunctionResponseDelivery(profile: ModelProfile): DeliveryStrategy {
  const keepWillContinue = profile.functionCalling.willContinue;
  const encode = ({ scheduling, willContinue, ...rest }: LiveFunctionResponse): LiveFunctionResponse => {
    const kept = schedulingFor(profile, scheduling, willContinue !== undefined);
    return {
      ...rest,
      ...(willContinue === undefined || !keepWillContinue ? {} : { willContinue }),
      ...(kept === undefined ? {} : { scheduling: kept }),
    };
  };
  return {
    mode: 'function-response',
    declarations: (declarations) => declareForProfile(profile, declarations),
    deliver: (responses, connection) => {
      connection.sendToolResponse({ functionResponses: responses.map(encode) as never });
    },
  };
}
