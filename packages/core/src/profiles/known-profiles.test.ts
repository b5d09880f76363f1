import { describe, expect, it } from 'vitest';
import { FALLBACK_PROFILES, KNOWN_MODEL_ENTRIES } from './known-profiles.js';
import type { ModelProfile } from './model-profile.js';
import { assertConsistentProfile } from './profile-override.js';
import { listModelProfiles } from './profile-queries.js';
import { resolveModelProfile } from './resolve-model-profile.js';

const fc = (model: string, vertexai = false): ModelProfile['functionCalling'] =>
  resolveModelProfile(model, { vertexai }).profile.functionCalling;

describe('the profile table', () => {
  it('keeps the rules every profile must keep, and cites at least one source', () => {
    for (const profile of listModelProfiles()) {
      expect(() => assertConsistentProfile(profile), `${profile.platform}:${profile.id}`).not.toThrow();
      expect(profile.sources.length, profile.id).toBeGreaterThan(0);
      for (const source of profile.sources) expect(source).toMatch(/^https:\/\//);
    }
  });

  it('gives no family name to two rows of one platform', () => {
    for (const entries of Object.values(KNOWN_MODEL_ENTRIES)) {
      const names = entries.flatMap((entry) => entry.names);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it('falls back to the current default family', () => {
    expect(FALLBACK_PROFILES['gemini-api'].id).toBe('gemini-3.8-live');
    expect(FALLBACK_PROFILES['vertex-ai'].id).toBe('gemini-3.8-live');
    expect(FALLBACK_PROFILES['vertex-ai'].platform).toBe('vertex-ai');
  });
});

describe('documented facts per family', () => {
  it('gemini-3.8-live: NON_BLOCKING by default, BLOCKING cancelled on new input, INTERRUPT waits for the user', () => {
    expect(fc('gemini-3.8-live')).toEqual({
      modes: 'both',
      defaultBehavior: 'NON_BLOCKING',
      blockingCancelledOnNewInput: true,
      willContinue: true,
      scheduling: ['SILENT', 'WHEN_IDLE', 'INTERRUPT'],
      interruptWhileUserSpeaks: 'after-user-turn',
    });
    const { profile } = resolveModelProfile('gemini-3.8-live');
    expect(profile.idleSignal).toBe('turnComplete');
    expect(profile.clientContent.midSession).toBe('accepted');
    expect(profile.status).toBe('stable');
  });

  it('gemini-3.8-live-extended-thinking: async only, idle is interactionStatus', () => {
    const { profile } = resolveModelProfile('gemini-3.8-live-extended-thinking');
    expect(profile.functionCalling.modes).toBe('async');
    expect(profile.functionCalling.defaultBehavior).toBe('NON_BLOCKING');
    expect(profile.idleSignal).toBe('interactionStatus');
  });

  it('gemini-3.1-flash-live-preview: sync only, no willContinue, no scheduling, no mid-session client content', () => {
    expect(fc('gemini-3.1-flash-live-preview')).toMatchObject({
      modes: 'sync',
      defaultBehavior: 'BLOCKING',
      willContinue: false,
      scheduling: [],
    });
    const { profile } = resolveModelProfile('gemini-3.1-flash-live-preview');
    expect(profile.clientContent.midSession).toBe('initial-history-only');
    expect(profile.status).toBe('legacy-preview');
    expect(profile.replacement).toBe('gemini-3.8-live');
  });

  it('gemini-2.5-flash-native-audio: both modes, BLOCKING by default, INTERRUPT at once', () => {
    expect(fc('gemini-2.5-flash-native-audio-preview-09-2025')).toMatchObject({
      modes: 'both',
      defaultBehavior: 'BLOCKING',
      willContinue: true,
      interruptWhileUserSpeaks: 'immediate',
    });
  });

  it('Vertex AI: no willContinue anywhere; transparent resumption everywhere', () => {
    for (const entry of KNOWN_MODEL_ENTRIES['vertex-ai']) {
      expect(entry.profile.platform).toBe('vertex-ai');
      expect(entry.profile.functionCalling.willContinue, entry.profile.id).toBe(false);
      expect(entry.profile.resumption.transparent, entry.profile.id).toBe(true);
    }
    expect(fc('gemini-3.8-live', true)).toMatchObject({
      defaultBehavior: 'NON_BLOCKING',
      scheduling: ['SILENT', 'WHEN_IDLE', 'INTERRUPT'],
    });
  });

  it('every family: 15 min audio-only, 2 min audio+video without compression; not resumable while calls run', () => {
    for (const profile of listModelProfiles()) {
      expect(profile.sessionLimits).toEqual({
        audioOnlyWithoutCompressionMs: 900_000,
        audioVideoWithoutCompressionMs: 120_000,
        connectionMs: 600_000,
      });
      expect(profile.resumption.resumableWhileCallsRun).toBe(false);
      expect(profile.resumption.handleValidMs).toBe(7_200_000);
    }
  });
});
