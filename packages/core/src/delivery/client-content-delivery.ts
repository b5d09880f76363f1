import type { ModelProfile } from '../profiles/model-profile.js';
import type { DeliveryStrategy } from './delivery.js';
import { AnsweredCalls, declareTextResults, resultText, sendFirstAnswer } from './tagged-text.js';

/**
 * @internal
 * Results as text turns: the first response of each call is a plain function response (so the
 * blocking call returns), carrying the first result and a note that more will follow as tagged
 * text. Later results are user turns: `INTERRUPT` at once, `WHEN_IDLE` once the model is idle,
 * `SILENT` without `turnComplete` (context only). A call's results keep their emission order and
 * its final comes last: a result that would go at once waits behind the call's results that wait
 * for idle, except `INTERRUPT`, which takes them along at once.
 *
 * Declarations state their `behavior` as the profile allows (one-shot tools and `stop_streaming`
 * `BLOCKING`, streaming tools `NON_BLOCKING` unless the model is sync-only). The first answer of a
 * `NON_BLOCKING` call carries the result's `scheduling` where the profile honours it; no response
 * ever carries `willContinue`.
 *
 * The text turns are new input: on a model that cancels a running `BLOCKING` call on new input,
 * the session's writer holds them while such a call runs (`BlockingCallHold`).
 */
export function createClientContentDelivery(profile: ModelProfile): DeliveryStrategy {
  const answered = new AnsweredCalls();
  return {
    mode: 'client-content',
    declarations: (declarations) => declareTextResults(profile, declarations, 'messages'),
    deliver: (responses, connection, context) => {
      for (const r of responses) {
        if (answered.isFirst(r)) {
          sendFirstAnswer(profile, r, connection, 'messages');
          continue;
        }
        const send = () =>
          connection.sendClientContent({
            turns: [{ role: 'user', parts: [{ text: resultText(r) }] }],
            turnComplete: r.scheduling !== 'SILENT',
          });
        if (r.scheduling === 'WHEN_IDLE') {
          context.whenIdle(r.id, send);
        } else {
          if (r.scheduling === 'INTERRUPT') context.release(r.id);
          context.inOrder(r.id, send);
        }
      }
    },
    discard: (ids) => {
      answered.forget(ids);
    },
  };
}
