import { checkErrorPattern } from '@livetools/core/testing';
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

describe('quotes-nats errors: a stable code, and isInstance across copies of the package (issue 20)', () => {
  it('lists every exported error class, each recognised across copies and refusing lookalikes, hostile proxies and the others', async () => {
    const problems = await checkErrorPattern({
      entry,
      classes,
      importCopy: (file) => import(/* @vite-ignore */ `${file}?copy=2`),
      // a plain QuoteSourceError is not a NatsQuoteError, though a NatsQuoteError is a QuoteSourceError
      others: [new QuoteSourceError('PROVIDER_ERROR', 'm')],
    });
    expect(problems).toEqual([]);
  });
});
