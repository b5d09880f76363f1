import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../test/support/session-errors.js';
import { resolveModelProfile } from '../profiles/resolve-model-profile.js';
import { chooseDelivery } from './choose-delivery.js';
import type { DeliveryMode } from './delivery.js';

const flash31 = resolveModelProfile('gemini-3.1-flash-live-preview').profile;
const live38 = resolveModelProfile('gemini-3.8-live').profile;
const vertex38 = resolveModelProfile('gemini-3.8-live', { vertexai: true }).profile;
const flash31Accepting = resolveModelProfile('gemini-3.1-flash-live-preview', {
  override: { clientContent: { midSession: 'accepted' } },
}).profile;

describe('chooseDelivery', () => {
  it('picks realtime-text for streaming tools on a sync-only model whose clientContent is for the initial history only', () => {
    expect(chooseDelivery(flash31, undefined, true)).toBe('realtime-text');
  });

  it('keeps the other defaults: function-response with willContinue, client-content where clientContent is accepted, function-response for one-shot tools only', () => {
    expect(chooseDelivery(live38, undefined, true)).toBe('function-response');
    expect(chooseDelivery(vertex38, undefined, true)).toBe('client-content');
    expect(chooseDelivery(flash31Accepting, undefined, true)).toBe('client-content');
    expect(chooseDelivery(flash31, undefined, false)).toBe('function-response');
  });

  it.each([
    ['gemini-3.1-flash-live-preview', flash31],
    ['gemini-3.8-live', live38],
    ['Vertex AI gemini-3.8-live', vertex38],
  ])('takes realtime-text when asked for it (%s): realtime text reaches every model', (_label, profile) => {
    expect(chooseDelivery(profile, 'realtime-text', true)).toBe('realtime-text');
    expect(chooseDelivery(profile, 'realtime-text', false)).toBe('realtime-text');
  });

  it('refuses client-content with a streaming tool on 3.1 (initial history only) and says to pass realtime-text or override the profile', () => {
    const error = thrownBy(() => chooseDelivery(flash31, 'client-content', true));
    expect(error.code).toBe('UNSUPPORTED_DELIVERY');
    expect(error.message).toMatch(/initial history/);
    expect(error.message).toContain("delivery: 'realtime-text'");
    expect(error.message).toContain("modelProfile: { clientContent: { midSession: 'accepted' } }");
  });

  it('refuses function-response with a streaming tool on 3.1 (sync only) and says to pass realtime-text or move to gemini-3.8-live', () => {
    const error = thrownBy(() => chooseDelivery(flash31, 'function-response', true));
    expect(error.code).toBe('UNSUPPORTED_DELIVERY');
    expect(error.message).toMatch(/synchronously only/);
    expect(error.message).toContain("delivery: 'realtime-text'");
    expect(error.message).toContain('"gemini-3.8-live"');
  });

  it('still suggests client-content for function-response with a streaming tool on Vertex AI (no willContinue)', () => {
    const error = thrownBy(() => chooseDelivery(vertex38, 'function-response', true));
    expect(error.message).toMatch(/willContinue.*delivery: 'client-content'/s);
  });

  it.each([
    ['an unknown name', 'realtime'],
    ['a number', 7],
    ['an object', { mode: 'realtime-text' }],
  ])('refuses %s, naming the three deliveries', (_label, requested) => {
    const error = thrownBy(() => chooseDelivery(live38, requested as unknown as DeliveryMode, true));
    expect(error.code).toBe('UNSUPPORTED_DELIVERY');
    expect(error.message).toContain("'function-response', 'client-content' or 'realtime-text'");
  });
});
