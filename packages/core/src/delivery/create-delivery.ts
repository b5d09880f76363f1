import type { ModelProfile } from '../profiles/model-profile.js';
import { createClientContentDelivery } from './client-content-delivery.js';
import type { DeliveryMode, DeliveryStrategy } from './delivery.js';
import { createFunctionResponseDelivery } from './function-response-delivery.js';
import { createRealtimeTextDelivery } from './realtime-text-delivery.js';

const FACTORIES: Readonly<Record<DeliveryMode, (profile: ModelProfile) => DeliveryStrategy>> = {
  'function-response': createFunctionResponseDelivery,
  'client-content': createClientContentDelivery,
  'realtime-text': createRealtimeTextDelivery,
};

/**
 * @internal
 * The delivery strategy for a mode (as `chooseDelivery` returns it) on a profile. Each session
 * gets its own: strategies keep per-call state.
 */
export function createDelivery(mode: DeliveryMode, profile: ModelProfile): DeliveryStrategy {
  return FACTORIES[mode](profile);
}
