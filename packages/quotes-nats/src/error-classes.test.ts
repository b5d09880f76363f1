import { QuoteSourceError } from '@livetools/tools-stock';
import { describe, expect, it } from 'vitest';
import * as entry from './index.js';

/** Every error class `@livetools/quotes-nats` exports: the file that defines it and how to make one. */
const classes: Record<string, { file: string; make: (Class: never) => Error }> = {
  NatsQuoteError: {
    file: './errors.js',
    make: (C: typeof entry.NatsQuoteError) => new C('NO_RELAY', 'PROVIDER_ERROR', 'm', { symbol: 'AAPL' }),
  },
};

interface ErrorClass {
  new (...args: never[]): Error;
  isInstance(value: unknown): boolean;
}

const exported = new Map<string, ErrorClass>(
  Object.entries(entry as Record<string, unknown>).filter(
    (pair): pair is [string, ErrorClass] =>
      typeof pair[1] === 'function' && pair[1].prototype instanceof Error,
  ),
);

/** A fresh instance of the module `file`, as a second installed copy of the package would load it. */
async function secondCopy(file: string): Promise<Record<string, unknown>> {
  const specifier = `${file}?copy=2`;
  return (await import(/* @vite-ignore */ specifier)) as Record<string, unknown>;
}

const make = (name: string, Class = exported.get(name)) => classes[name]!.make(Class as never);

describe('quotes-nats errors: a stable code, and isInstance across copies of the package (issue 20)', () => {
  it('lists every exported error class', () => {
    expect([...exported.keys()].sort()).toEqual(Object.keys(classes).sort());
  });

  it.each(Object.keys(classes))(
    '%s from a second copy of its module is recognised, and has a code',
    async (name) => {
      const Class = exported.get(name)!;
      const Copy = (await secondCopy(classes[name]!.file))[name] as ErrorClass;
      expect(Copy).not.toBe(Class);
      expect(Class.isInstance(make(name, Copy))).toBe(true);
      expect(Copy.isInstance(make(name))).toBe(true);
      expect(typeof (make(name) as { code?: unknown }).code).toBe('string');
    },
  );

  it.each(Object.keys(classes))(
    '%s.isInstance refuses plain objects, other errors and hostile proxies',
    (name) => {
      const Class = exported.get(name)!;
      const real = make(name);
      const hostile = new Proxy(
        {},
        {
          get: () => {
            throw new Error('trap');
          },
        },
      );
      // A plain QuoteSourceError is not a NatsQuoteError, though a NatsQuoteError is a QuoteSourceError.
      const others = [new QuoteSourceError('PROVIDER_ERROR', 'm')];
      for (const value of [
        { ...real, name, code: (real as { code?: unknown }).code },
        {},
        null,
        new Error('m'),
        hostile,
        ...others,
      ]) {
        expect(Class.isInstance(value)).toBe(false);
      }
    },
  );
});
