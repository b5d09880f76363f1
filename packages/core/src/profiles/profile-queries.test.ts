import { describe, expect, it } from 'vitest';
import { declaredBehavior, listModelProfiles } from './profile-queries.js';
import { resolveModelProfile } from './resolve-model-profile.js';

describe('declaredBehavior', () => {
  it.each([
    // model, one-shot, streaming
    ['gemini-3.8-live', 'BLOCKING', 'NON_BLOCKING'],
    ['gemini-3.8-live-extended-thinking', 'NON_BLOCKING', 'NON_BLOCKING'],
    ['gemini-3.1-flash-live-preview', 'BLOCKING', 'BLOCKING'],
    ['gemini-2.5-flash-native-audio-preview-12-2025', 'BLOCKING', 'NON_BLOCKING'],
  ] as const)('%s: one-shot %s, streaming %s', (model, oneShot, streaming) => {
    const { profile } = resolveModelProfile(model);
    expect(declaredBehavior(profile, 'one-shot')).toBe(oneShot);
    expect(declaredBehavior(profile, 'streaming')).toBe(streaming);
  });

  it('never declares NON_BLOCKING on a sync-only model, whatever the tool', () => {
    for (const profile of listModelProfiles().filter((p) => p.functionCalling.modes === 'sync')) {
      expect(declaredBehavior(profile, 'one-shot')).toBe('BLOCKING');
      expect(declaredBehavior(profile, 'streaming')).toBe('BLOCKING');
    }
  });
});

describe('listModelProfiles', () => {
  it('lists every family of both platforms, frozen', () => {
    const profiles = listModelProfiles();
    expect(profiles.map((p) => `${p.platform}:${p.id}`)).toEqual([
      'gemini-api:gemini-3.8-live',
      'gemini-api:gemini-3.8-live-extended-thinking',
      'gemini-api:gemini-3.1-flash-live-preview',
      'gemini-api:gemini-2.5-flash-native-audio',
      'gemini-api:gemini-2.0-flash-live-001',
      'gemini-api:gemini-live-2.5-flash-preview',
      'vertex-ai:gemini-3.8-live',
      'vertex-ai:gemini-live-2.5-flash-native-audio',
    ]);
    for (const profile of profiles) {
      expect(Object.isFrozen(profile)).toBe(true);
      expect(Object.isFrozen(profile.functionCalling.scheduling)).toBe(true);
    }
  });
});
