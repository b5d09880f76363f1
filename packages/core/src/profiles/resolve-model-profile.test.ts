import { describe, expect, it } from 'vitest';
import { LivetoolsError } from '../errors.js';
import { resolveModelProfile } from './resolve-model-profile.js';

const codes = (resolution: ReturnType<typeof resolveModelProfile>): string[] =>
  resolution.notices.map((n) => n.code);

function invalidOption(run: () => unknown): LivetoolsError {
  try {
    run();
  } catch (error) {
    expect(LivetoolsError.isInstance(error)).toBe(true);
    expect((error as LivetoolsError).code).toBe('INVALID_OPTION');
    return error as LivetoolsError;
  }
  throw new Error('expected an INVALID_OPTION error, got none');
}

describe('resolveModelProfile: matching by name', () => {
  it.each([
    ['gemini-3.8-live', 'gemini-3.8-live'],
    ['models/gemini-3.8-live', 'gemini-3.8-live'],
    ['GEMINI-3.8-LIVE', 'gemini-3.8-live'],
    ['gemini-3.8-live-extended-thinking', 'gemini-3.8-live-extended-thinking'],
    ['models/gemini-3.8-live-extended-thinking', 'gemini-3.8-live-extended-thinking'],
    ['gemini-3.1-flash-live-preview', 'gemini-3.1-flash-live-preview'],
    ['gemini-2.5-flash-native-audio-preview-09-2025', 'gemini-2.5-flash-native-audio'],
    ['models/gemini-2.5-flash-native-audio-preview-12-2025', 'gemini-2.5-flash-native-audio'],
    ['gemini-2.0-flash-live-001', 'gemini-2.0-flash-live-001'],
    ['gemini-live-2.5-flash-preview', 'gemini-live-2.5-flash-preview'],
  ])('%s -> %s (Gemini API)', (model, id) => {
    const resolution = resolveModelProfile(model);
    expect(resolution.matchedBy).toBe('name');
    expect(resolution.profile.id).toBe(id);
    expect(resolution.profile.platform).toBe('gemini-api');
    expect(codes(resolution)).not.toContain('UNKNOWN_MODEL');
  });

  it.each([
    ['gemini-3.8-live', 'gemini-3.8-live'],
    ['projects/p/locations/us-central1/publishers/google/models/gemini-3.8-live', 'gemini-3.8-live'],
    ['gemini-live-2.5-flash-native-audio', 'gemini-live-2.5-flash-native-audio'],
    ['gemini-live-2.5-flash-preview-native-audio-09-2025', 'gemini-live-2.5-flash-native-audio'],
    ['gemini-live-2.5-flash', 'gemini-live-2.5-flash-native-audio'],
  ])('%s -> %s (Vertex AI)', (model, id) => {
    const resolution = resolveModelProfile(model, { vertexai: true });
    expect(resolution.matchedBy).toBe('name');
    expect(resolution.profile.id).toBe(id);
    expect(resolution.profile.platform).toBe('vertex-ai');
    expect(resolution.notices).toEqual([]);
  });

  it('reports the normalised name it looked up', () => {
    expect(resolveModelProfile(' models/Gemini-3.8-Live ').normalizedModel).toBe('gemini-3.8-live');
  });

  it('a current model without override has no notices', () => {
    expect(resolveModelProfile('gemini-3.8-live').notices).toEqual([]);
    expect(resolveModelProfile('gemini-3.8-live-extended-thinking').notices).toEqual([]);
  });
});

describe('resolveModelProfile: the fallback for unknown names', () => {
  it.each(['gemini-live-test', 'gemini-4-live', 'my-tuned-endpoint', 'gemini-3.8-live-lite'])(
    '%s gets the default family with an UNKNOWN_MODEL notice naming the model and the way out',
    (model) => {
      const resolution = resolveModelProfile(model);
      expect(resolution.matchedBy).toBe('fallback');
      expect(resolution.profile.id).toBe('gemini-3.8-live');
      expect(codes(resolution)).toEqual(['UNKNOWN_MODEL']);
      expect(resolution.notices[0]?.message).toContain(`"${model}"`);
      expect(resolution.notices[0]?.message).toContain('`family`');
    },
  );

  it('on Vertex AI the fallback is the Vertex variant (no willContinue)', () => {
    const resolution = resolveModelProfile('something-new', { vertexai: true });
    expect(resolution.matchedBy).toBe('fallback');
    expect(resolution.profile.platform).toBe('vertex-ai');
    expect(resolution.profile.functionCalling.willContinue).toBe(false);
  });
});

describe('resolveModelProfile: notices', () => {
  it('a shut-down model says so and names the replacement', () => {
    const resolution = resolveModelProfile('gemini-2.0-flash-live-001');
    expect(resolution.profile.status).toBe('shut-down');
    expect(codes(resolution)).toEqual(['SHUT_DOWN_MODEL']);
    expect(resolution.notices[0]?.message).toContain('gemini-3.8-live');
  });

  it('a superseded preview says so', () => {
    expect(codes(resolveModelProfile('gemini-3.1-flash-live-preview'))).toEqual(['SUPERSEDED_MODEL']);
    expect(codes(resolveModelProfile('gemini-2.5-flash-native-audio-preview-09-2025'))).toEqual([
      'SUPERSEDED_MODEL',
    ]);
  });

  it('a family documented only for the other platform is adapted and reported', () => {
    const onVertex = resolveModelProfile('gemini-3.8-live-extended-thinking', { vertexai: true });
    expect(onVertex.matchedBy).toBe('name');
    expect(onVertex.profile.id).toBe('gemini-3.8-live-extended-thinking');
    expect(onVertex.profile.platform).toBe('vertex-ai');
    expect(onVertex.profile.functionCalling.willContinue).toBe(false);
    expect(onVertex.profile.resumption.transparent).toBe(true);
    expect(onVertex.profile.idleSignal).toBe('interactionStatus');
    expect(codes(onVertex)).toEqual(['PLATFORM_MISMATCH']);

    const onGemini = resolveModelProfile('gemini-live-2.5-flash-native-audio');
    expect(onGemini.profile.platform).toBe('gemini-api');
    expect(onGemini.profile.resumption.transparent).toBe(false);
    expect(codes(onGemini)).toEqual(['PLATFORM_MISMATCH']);
  });
});

describe('resolveModelProfile: the family option', () => {
  it('treats any name as the given family', () => {
    const resolution = resolveModelProfile('gemini-live-test', { family: 'gemini-3.1-flash-live-preview' });
    expect(resolution.matchedBy).toBe('family');
    expect(resolution.profile.functionCalling.modes).toBe('sync');
    expect(codes(resolution)).toEqual(['SUPERSEDED_MODEL']);
  });

  it('adapts a family from the other platform', () => {
    const resolution = resolveModelProfile('x', {
      family: 'gemini-3.8-live-extended-thinking',
      vertexai: true,
    });
    expect(resolution.profile.platform).toBe('vertex-ai');
    expect(resolution.profile.functionCalling.willContinue).toBe(false);
    expect(codes(resolution)).toEqual(['PLATFORM_MISMATCH']);
  });

  it.each([['gemini-9-live'], [''], [42], [null]])('rejects %j with the list of known families', (family) => {
    const error = invalidOption(() => resolveModelProfile('x', { family: family as string }));
    expect(error.message).toContain('"gemini-3.8-live"');
    expect(error.message).toContain('"gemini-3.1-flash-live-preview"');
  });
});

describe('resolveModelProfile: override', () => {
  it('merges a partial override field by field over the matched profile', () => {
    const resolution = resolveModelProfile('gemini-3.8-live', {
      override: { functionCalling: { willContinue: false }, sessionLimits: { connectionMs: 300_000 } },
    });
    expect(resolution.profile.functionCalling).toMatchObject({
      willContinue: false,
      defaultBehavior: 'NON_BLOCKING',
      modes: 'both',
    });
    expect(resolution.profile.sessionLimits).toEqual({
      audioOnlyWithoutCompressionMs: 900_000,
      audioVideoWithoutCompressionMs: 120_000,
      connectionMs: 300_000,
    });
    expect(codes(resolution)).toEqual(['OVERRIDDEN']);
  });

  it('turns an unknown model into a sync-only one', () => {
    const { profile } = resolveModelProfile('custom-live', {
      override: {
        functionCalling: { modes: 'sync', defaultBehavior: 'BLOCKING', willContinue: false, scheduling: [] },
      },
    });
    expect(profile.functionCalling.modes).toBe('sync');
  });

  it('leaves the table alone, and freezes the result without freezing the caller’s arrays', () => {
    const scheduling: ('SILENT' | 'WHEN_IDLE' | 'INTERRUPT')[] = ['SILENT'];
    const { profile } = resolveModelProfile('gemini-3.8-live', {
      override: { functionCalling: { scheduling } },
    });
    expect(profile.functionCalling.scheduling).toEqual(['SILENT']);
    expect(Object.isFrozen(profile.functionCalling)).toBe(true);
    expect(Object.isFrozen(scheduling)).toBe(false);
    expect(resolveModelProfile('gemini-3.8-live').profile.functionCalling.scheduling).toEqual([
      'SILENT',
      'WHEN_IDLE',
      'INTERRUPT',
    ]);
  });

  it('ignores undefined fields', () => {
    const { profile } = resolveModelProfile('gemini-3.8-live', {
      override: { idleSignal: undefined, functionCalling: { willContinue: undefined } } as never,
    });
    expect(profile.idleSignal).toBe('turnComplete');
    expect(profile.functionCalling.willContinue).toBe(true);
  });
});

describe('resolveModelProfile: hostile input gets INVALID_OPTION, never a crash', () => {
  it.each([[''], ['   '], [undefined], [null], [42], [{}]])('model %j', (model) => {
    const error = invalidOption(() => resolveModelProfile(model as string));
    expect(error.message).toContain('gemini-3.8-live');
  });

  const cases: [string, unknown, string][] = [
    ['not an object', 'fast', 'use a plain object'],
    ['an array', [], 'use a plain object'],
    ['a class instance', new Date(0), 'use a plain object'],
    ['unknown top-level field', { modes: 'sync' }, 'known fields'],
    ['id', { id: 'other' }, '`family` option'],
    [
      'unknown nested field',
      { functionCalling: { mode: 'sync' } },
      'functionCalling.mode is not a profile field',
    ],
    ['bad enum', { idleSignal: 'generationComplete' }, '"turnComplete", "interactionStatus"'],
    ['bad nested enum', { functionCalling: { modes: 'parallel' } }, '"sync", "async", "both"'],
    ['bad boolean', { functionCalling: { willContinue: 'yes' } }, 'use true or false'],
    ['bad duration', { sessionLimits: { connectionMs: -1 } }, 'positive number of milliseconds'],
    ['NaN duration', { resumption: { handleValidMs: Number.NaN } }, 'positive number of milliseconds'],
    ['bad scheduling', { functionCalling: { scheduling: ['SOON'] } }, 'distinct "SILENT"'],
    ['duplicate scheduling', { functionCalling: { scheduling: ['SILENT', 'SILENT'] } }, 'distinct'],
    ['bad notes', { notes: [1] }, 'array of strings'],
    ['empty replacement', { replacement: ' ' }, 'use a model name'],
    ['group not an object', { sessionLimits: 5 }, 'sessionLimits is 5'],
    [
      'sync with NON_BLOCKING default',
      { functionCalling: { modes: 'sync' } },
      'defaultBehavior to "BLOCKING"',
    ],
    [
      'async with BLOCKING default',
      { functionCalling: { modes: 'async', defaultBehavior: 'BLOCKING' } },
      '"NON_BLOCKING"',
    ],
    [
      'sync with willContinue',
      { functionCalling: { modes: 'sync', defaultBehavior: 'BLOCKING', scheduling: [] } },
      'willContinue to false',
    ],
    [
      'async with blocking cancellation',
      { functionCalling: { modes: 'async' } },
      'blockingCancelledOnNewInput to false',
    ],
  ];
  it.each(cases)('override: %s', (_label, override, expected) => {
    const error = invalidOption(() =>
      resolveModelProfile('gemini-3.8-live', { override: override as never }),
    );
    expect(error.message).toContain(expected);
  });

  it('a getter that throws becomes INVALID_OPTION with the cause kept', () => {
    const boom = new Error('boom');
    const override = {
      get functionCalling(): never {
        throw boom;
      },
    };
    const error = invalidOption(() =>
      resolveModelProfile('gemini-3.8-live', { override: override as never }),
    );
    expect(error.cause).toBe(boom);
  });

  it('a revoked proxy becomes INVALID_OPTION', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    invalidOption(() => resolveModelProfile('gemini-3.8-live', { override: proxy as never }));
  });

  it('an array proxy whose reads throw becomes INVALID_OPTION', () => {
    const scheduling = new Proxy(['SILENT'], {
      get(target, key, receiver) {
        if (key === 'every') throw new Error('trap');
        return Reflect.get(target, key, receiver);
      },
    });
    invalidOption(() =>
      resolveModelProfile('gemini-3.8-live', { override: { functionCalling: { scheduling } } as never }),
    );
  });

  it('a very long model name is answered (fallback), not thrown', () => {
    const resolution = resolveModelProfile(`gemini-${'x'.repeat(100_000)}`);
    expect(resolution.matchedBy).toBe('fallback');
  });
});
