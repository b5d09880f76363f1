import type { ModelProfile } from '../profiles/model-profile.js';
import type { LiveFunctionResponse } from '../protocol/function-calls.js';
import { STOP_STREAMING } from '../tool/function-name.js';
import type { DeliveryStrategy } from './delivery.js';
import { declareForProfile, schedulingFor } from './profile-declarations.js';

/** The tag that starts every result injected as text, so the model can tell calls apart. */
function tag(r: LiveFunctionResponse): string {
  return `[tool result ${r.name} call_id=${r.id}]`;
}

function body(r: LiveFunctionResponse): string {
  const payload = 'error' in r.response ? { error: r.response.error.message } : r.response.output;
  const final = r.willContinue === false ? ' (final: this call has ended)' : '';
  return `${tag(r)}${final} ${JSON.stringify(payload)}`;
}

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
 */
export function createClientContentDelivery(profile: ModelProfile): DeliveryStrategy {
  const answered = new Set<string>();
  return {
    mode: 'client-content',
    declarations: (declarations) => {
      // A tool's own declaration marks a streaming tool NON_BLOCKING: only those say that more
      // results follow (a one-shot tool, stop_streaming included, answers once).
      const streaming = new Set(declarations.filter((d) => d.behavior === 'NON_BLOCKING').map((d) => d.name));
      return declareForProfile(profile, declarations).map((declaration) =>
        streaming.has(declaration.name) && declaration.name !== STOP_STREAMING
          ? {
              ...declaration,
              description: `${declaration.description} Results may keep arriving afterwards as messages tagged [tool result ${declaration.name} call_id=...].`,
            }
          : declaration,
      );
    },
    deliver: (responses, connection, context) => {
      for (const r of responses) {
        const isFirst = !answered.has(r.id);
        if (r.willContinue === true) answered.add(r.id);
        else answered.delete(r.id);
        if (isFirst) {
          const first =
            'error' in r.response || r.willContinue === undefined
              ? r.response
              : {
                  output: {
                    result: r.response.output,
                    ...(r.willContinue
                      ? { more: `Further results will arrive as messages starting with ${tag(r)}.` }
                      : {}),
                  },
                };
          const scheduling = schedulingFor(profile, r.scheduling, r.willContinue !== undefined);
          connection.sendToolResponse({
            functionResponses: [
              {
                id: r.id,
                name: r.name,
                response: first,
                ...(scheduling === undefined ? {} : { scheduling }),
              },
            ] as never,
          });
          continue;
        }
        const send = () =>
          connection.sendClientContent({
            turns: [{ role: 'user', parts: [{ text: body(r) }] }],
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
      for (const id of ids) answered.delete(id);
    },
  };
}
