import { describe, expect, it } from 'vitest';
import { familyMatchLength, normalizeModelName } from './model-name.js';

describe('normalizeModelName', () => {
  it.each([
    ['gemini-3.8-live', 'gemini-3.8-live'],
    ['models/gemini-3.8-live', 'gemini-3.8-live'],
    ['  Models/Gemini-3.8-Live  ', 'gemini-3.8-live'],
    ['publishers/google/models/gemini-3.8-live', 'gemini-3.8-live'],
    [
      'projects/p/locations/us-central1/publishers/google/models/gemini-live-2.5-flash-native-audio',
      'gemini-live-2.5-flash-native-audio',
    ],
    ['gemini-3.8-live@001', 'gemini-3.8-live'],
    ['models/', ''],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeModelName(input)).toBe(expected);
  });
});

describe('familyMatchLength', () => {
  it('matches the family name itself and version-like suffixes', () => {
    for (const name of [
      'gemini-2.5-flash-native-audio',
      'gemini-2.5-flash-native-audio-preview-09-2025',
      'gemini-2.5-flash-native-audio-preview-12-2025',
      'gemini-2.5-flash-native-audio-latest',
      'gemini-2.5-flash-native-audio-001',
      'gemini-2.5-flash-native-audio-2026-09-15',
    ]) {
      expect(familyMatchLength(name, 'gemini-2.5-flash-native-audio'), name).toBe(
        'gemini-2.5-flash-native-audio'.length,
      );
    }
  });

  it('does not match a longer family name or a different word', () => {
    expect(familyMatchLength('gemini-3.8-live-extended-thinking', 'gemini-3.8-live')).toBe(0);
    expect(familyMatchLength('gemini-3.8-livex', 'gemini-3.8-live')).toBe(0);
    expect(familyMatchLength('gemini-3.8-live-lite', 'gemini-3.8-live')).toBe(0);
    expect(familyMatchLength('gemini-3.8', 'gemini-3.8-live')).toBe(0);
  });
});
