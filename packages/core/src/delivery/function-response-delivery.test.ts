import { describe, expect, it } from 'vitest';
import type { ModelProfile } from '../profiles/model-profile.js';
import { resolveModelProfile } from '../profiles/resolve-model-profile.js';
import type { LiveFunctionResponse } from '../protocol/function-calls.js';
import type { GenAILiveSession } from '../protocol/genai-like.js';
import type { DeliveryContext } from './delivery.js';
import { createFunctionResponseDelivery } from './function-response-delivery.js';

const live38 = resolveModelProfile('gemini-3.8-live').profile;
const context: DeliveryContext = {
  whenIdle: (_callId, send) => send(),
  inOrder: (_callId, send) => send(),
  release: () => undefined,
};

/**
 * What the delivery hands the connection for `responses`, checked to be what it gives the session
 * to write itself (`toolResponse`, the way taken while nothing is held).
 */
function written(profile: ModelProfile, responses: readonly LiveFunctionResponse[]) {
  const sent: { functionResponses: readonly LiveFunctionResponse[] }[] = [];
  const connection = {
    sendToolResponse: (params: unknown) => sent.push(params as (typeof sent)[number]),
  } as unknown as GenAILiveSession;
  const delivery = createFunctionResponseDelivery(profile);
  delivery.deliver(responses, connection, context);
  expect(sent).toHaveLength(1);
  const direct = delivery.toolResponse?.(responses);
  expect(direct).toEqual(sent[0]);
  // the same objects, not equal copies: neither way copies a response it sends as it is
  direct!.functionResponses.forEach((r, i) => {
    expect(r === responses[i]).toBe(sent[0]!.functionResponses[i] === responses[i]);
  });
  return sent[0]!.functionResponses;
}

const streaming: LiveFunctionResponse = {
  id: 'c1',
  name: 'watch',
  response: { output: { price: 1 } },
  willContinue: true,
  scheduling: 'WHEN_IDLE',
};

describe('the function-response delivery', () => {
  it('hands a response whose every field the profile takes to the SDK as it is, in the array it came in', () => {
    const responses = [streaming];
    const out = written(live38, responses);
    // nothing copied per result: the SDK only reads what it is given
    expect(out).toBe(responses);
    expect(out[0]).toBe(streaming);
    const oneShot: LiveFunctionResponse = { id: 'c2', name: 'quote', response: { output: 2 } };
    expect(written(live38, [oneShot])[0]).toBe(oneShot);
  });

  it('copies a response with a field the profile does not take, without it, and leaves the original whole', () => {
    const noScheduling: ModelProfile = {
      ...live38,
      functionCalling: { ...live38.functionCalling, scheduling: [] },
    };
    const out = written(noScheduling, [streaming]);
    expect(out).toEqual([
      { id: 'c1', name: 'watch', response: { output: { price: 1 } }, willContinue: true },
    ]);
    expect(out[0]).not.toBe(streaming);
    expect(streaming.scheduling).toBe('WHEN_IDLE');
    const noWillContinue: ModelProfile = {
      ...live38,
      functionCalling: { ...live38.functionCalling, willContinue: false },
    };
    expect(written(noWillContinue, [streaming])).toEqual([
      { id: 'c1', name: 'watch', response: { output: { price: 1 } }, scheduling: 'WHEN_IDLE' },
    ]);
    // several at once: each on its own terms
    const oneShot: LiveFunctionResponse = { id: 'c2', name: 'quote', response: { output: 2 } };
    const both = written(noScheduling, [streaming, oneShot]);
    expect(both[1]).toBe(oneShot);
    expect(both[0]).not.toHaveProperty('scheduling');
  });
});
