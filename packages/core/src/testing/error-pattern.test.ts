import { describe, expect, it } from 'vitest';
import { errorMarker, hasErrorMarker, markError } from '../error-marker.js';
import { checkErrorPattern } from './error-pattern.js';

/** A fresh module instance, as a second copy of a package would define its class. */
function defineModule(kind: 'marked' | 'instanceof' | 'lax') {
  const marker = errorMarker('test.FeedError');
  class FeedError extends Error {
    readonly code = 'DOWN';
    constructor(message: string) {
      super(message);
      markError(this, marker);
    }
    static isInstance(value: unknown): value is FeedError {
      if (kind === 'instanceof') return value instanceof FeedError;
      if (kind === 'lax') return typeof value === 'object' && value !== null && 'code' in value;
      return hasErrorMarker(value, marker);
    }
  }
  return { FeedError };
}

const check = (kind: 'marked' | 'instanceof' | 'lax', entry: Record<string, unknown> = defineModule(kind)) =>
  checkErrorPattern({
    entry,
    classes: { FeedError: { file: 'feed', make: (C: new (m: string) => Error) => new C('m') } },
    importCopy: async () => defineModule(kind),
  });

describe('checkErrorPattern', () => {
  it('finds nothing wrong with a class that follows the pattern', async () => {
    expect(await check('marked')).toEqual([]);
  });

  it('reports an isInstance that does not work across copies', async () => {
    expect(await check('instanceof')).toEqual([
      "FeedError: isInstance refuses the second copy's instance",
      "FeedError: the second copy's isInstance refuses an instance",
    ]);
  });

  it('reports an isInstance that accepts lookalikes', async () => {
    expect(await check('lax')).toContain('FeedError: isInstance accepts a lookalike object');
  });

  it('reports an exported error class the list does not name', async () => {
    class Stray extends Error {}
    const problems = await check('marked', { ...defineModule('marked'), Stray });
    expect(problems).toEqual(['the entry exports [FeedError,Stray], the list names [FeedError]']);
  });
});
