import type { DeliveryStrategy } from './delivery.js';

/** @internal Results as function responses with `willContinue` and `scheduling`. */
export const functionResponseDelivery: DeliveryStrategy = {
  mode: 'function-response',
  declarations: (declarations) => declarations,
  deliver: (responses, connection) => {
    connection.sendToolResponse({ functionResponses: responses.map((r) => ({ ...r })) as never });
  },
};
