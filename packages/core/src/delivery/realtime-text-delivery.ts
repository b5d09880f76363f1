import type { ModelProfile } from '../profiles/model-profile.js';
import type { DeliveryStrategy } from './delivery.js';
import { AnsweredCalls, declareTextResults, resultText, sendFirstAnswer } from './tagged-text.js';

/** What the model is told about how a streaming call's later results arrive. */
const HOW = 'text messages';

/** Said on a `SILENT` result: realtime text has no context-only form, so the text asks for none. */
const NO_REPLY = 'context only: no reply needed';

/**
 * @internal
 * Results for a model that runs function calls synchronously only and takes `clientContent` only
 * to seed the initial history (`gemini-3.1-flash-live-preview`): nothing it cannot take is sent.
 *
 * - Declarations state their `behavior` as the profile allows (every function `BLOCKING` on a
 *   sync-only model), and each streaming tool's description says that later results arrive as
 *   text messages tagged `[tool result <name> call_id=...]`.
 * - The first response of each call answers it as a plain function response (never
 *   `willContinue`), so the model's synchronous call completes: the first result with a note that
 *   more follows as text (`{ output: { result, more } }`), or the final or error unchanged.
 * - Every later result, the final one included, is `realtimeInput.text`: the tag, then the value
 *   as JSON. Realtime text is user input, which the model answers; scheduling becomes when it is
 *   sent: `INTERRUPT` at once, `WHEN_IDLE` once the model is idle, `SILENT` also once the model is
 *   idle (so it never talks over the model) with "(context only: no reply needed)" in the text.
 *   A call's results keep their emission order and its final comes last: a result waits behind
 *   the call's results that wait for idle, and `INTERRUPT` takes them along at once.
 *
 * On a model with asynchronous calls (an explicit choice), streaming tools are declared
 * `NON_BLOCKING` and the first answer carries a `scheduling` the profile honours, as with
 * `client-content`.
 * Realtime text is new input: on a model that cancels a running `BLOCKING` call on new input
 * (`gemini-3.8-live`), the session's writer holds these texts while such a call runs
 * (`BlockingCallHold`).
 */
export function createRealtimeTextDelivery(profile: ModelProfile): DeliveryStrategy {
  const answered = new AnsweredCalls();
  return {
    mode: 'realtime-text',
    declarations: (declarations) => declareTextResults(profile, declarations, HOW),
    deliver: (responses, connection, context) => {
      for (const r of responses) {
        if (answered.isFirst(r)) {
          sendFirstAnswer(profile, r, connection, HOW);
          continue;
        }
        const quiet = r.scheduling === 'SILENT';
        const send = () => connection.sendRealtimeInput({ text: resultText(r, quiet ? [NO_REPLY] : []) });
        if (r.scheduling === 'INTERRUPT') {
          context.release(r.id);
          context.inOrder(r.id, send);
        } else {
          // WHEN_IDLE, SILENT, and a result without scheduling: never over the model's speech.
          context.whenIdle(r.id, send);
        }
      }
    },
    discard: (ids) => {
      answered.forget(ids);
    },
  };
}
