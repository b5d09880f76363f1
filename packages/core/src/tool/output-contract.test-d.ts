import { interval, map, type Observable, of } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod/v3';
import { defineStreamingTool, defineTool, type StreamingTool, type ToolOutput } from './define-tool.js';
import type { ContractEmission, OutputValue } from './output-contract.js';
import { withMedia } from './result-media.js';
import { type ScheduledEmission, withScheduling } from './scheduling.js';

const quote = z.object({ symbol: z.string(), price: z.number(), side: z.enum(['up', 'down']) });

describe('output contract: streaming tools', () => {
  it('accepts values within the contract, plain or wrapped with withScheduling() or withMedia()', () => {
    const tool = defineStreamingTool({
      name: 'quotes',
      description: 'd',
      parameters: z.object({ symbol: z.string() }),
      output: quote,
      execute: ({ symbol }) =>
        of(
          { symbol, price: 1, side: 'up' as const },
          withScheduling({ symbol, price: 2, side: 'down' as const }, 'INTERRUPT'),
          withMedia({ symbol, price: 3, side: 'up' as const }, []),
        ),
    });
    type Emitted = typeof tool extends StreamingTool<infer _S, infer T> ? T : never;
    expectTypeOf<ToolOutput<Emitted>>().toExtend<OutputValue<typeof quote>>();
  });

  it('takes a generator whose yields are typed (a bare string literal widens in a generator)', () => {
    defineStreamingTool({
      name: 'sides',
      description: 'd',
      parameters: z.object({}),
      output: quote,
      async *execute() {
        yield { symbol: 'A', price: 1, side: 'up' as const };
      },
    });
    defineStreamingTool({
      name: 'sides_widened',
      description: 'd',
      parameters: z.object({}),
      output: quote,
      // @ts-expect-error: without `as const` the generator yields side: string
      async *execute() {
        yield { symbol: 'A', price: 1, side: 'up' };
      },
    });
  });

  it('takes an enum value returned as a literal type (`as const`)', () => {
    defineTool({
      name: 'side',
      description: 'd',
      parameters: z.object({}),
      output: quote,
      execute: () => ({ symbol: 'A', price: 1, side: 'down' as const }),
    });
  });

  it('rejects a value with a field of the wrong type', () => {
    defineStreamingTool({
      name: 'bad_type',
      description: 'd',
      parameters: z.object({}),
      output: quote,
      // @ts-expect-error: price must be a number
      execute: () => of({ symbol: 'A', price: 'high', side: 'up' as const }),
    });
  });

  it('rejects a value that lacks a required field', () => {
    defineStreamingTool({
      name: 'missing',
      description: 'd',
      parameters: z.object({}),
      output: quote,
      // @ts-expect-error: side is required
      execute: (): Observable<{ symbol: string; price: number }> => of({ symbol: 'A', price: 1 }),
    });
  });

  it('rejects an Observable built with map whose values leave the enum', () => {
    defineStreamingTool({
      name: 'mapped',
      description: 'd',
      parameters: z.object({}),
      output: quote,
      execute: (_args, ctx) =>
        // @ts-expect-error: side is a string, not 'up' | 'down'
        interval(1000, ctx.scheduler).pipe(map(() => ({ symbol: 'A', price: 1, side: 'sideways' }))),
    });
  });

  it('rejects a withScheduling() whose value breaks the contract', () => {
    const wrapped: Observable<ScheduledEmission<{ symbol: string }>> = of(
      withScheduling({ symbol: 'A' }, 'WHEN_IDLE'),
    );
    defineStreamingTool({
      name: 'wrapped',
      description: 'd',
      parameters: z.object({}),
      output: quote,
      // @ts-expect-error: the wrapped value has no price
      execute: () => wrapped,
    });
  });

  it('types contracts made with zod 3 too', () => {
    defineStreamingTool({
      name: 'legacy',
      description: 'd',
      parameters: z3.object({}),
      output: z3.object({ n: z3.number() }),
      execute: () => [{ n: 1 }],
    });
    defineStreamingTool({
      name: 'legacy_bad',
      description: 'd',
      parameters: z3.object({}),
      output: z3.object({ n: z3.number() }),
      // @ts-expect-error: n must be a number
      execute: () => [{ n: '1' }],
    });
  });

  it('leaves tools without a contract as they were (any value)', () => {
    defineStreamingTool({
      name: 'free',
      description: 'd',
      parameters: z.object({}),
      execute: () => of(1, 'two', { three: 3 }),
    });
  });

  it('types ContractEmission as a value or an emission of one', () => {
    expectTypeOf<ContractEmission<typeof quote>>().toEqualTypeOf<
      | { symbol: string; price: number; side: 'up' | 'down' }
      | ScheduledEmission<{ symbol: string; price: number; side: 'up' | 'down' }>
    >();
  });
});

describe('output contract: one-shot tools', () => {
  const sum = z.object({ sum: z.number() });

  it('accepts a result within the contract, sync or async', () => {
    defineTool({
      name: 'add',
      description: 'd',
      parameters: z.object({ a: z.number(), b: z.number() }),
      output: sum,
      execute: ({ a, b }) => ({ sum: a + b }),
    });
    defineTool({
      name: 'add_later',
      description: 'd',
      parameters: z.object({ a: z.number(), b: z.number() }),
      output: sum,
      execute: async ({ a, b }) => ({ sum: a + b }),
    });
  });

  it('rejects a result outside the contract', () => {
    defineTool({
      name: 'add_bad',
      description: 'd',
      parameters: z.object({ a: z.number(), b: z.number() }),
      output: sum,
      // @ts-expect-error: total is not sum
      execute: ({ a, b }) => ({ total: a + b }),
    });
    defineTool({
      name: 'add_bad_later',
      description: 'd',
      parameters: z.object({ a: z.number(), b: z.number() }),
      output: sum,
      // @ts-expect-error: sum must be a number
      execute: async ({ a, b }) => ({ sum: `${a + b}` }),
    });
  });

  it('refuses an output that is not a schema', () => {
    defineTool({
      name: 'not_schema',
      description: 'd',
      parameters: z.object({}),
      // @ts-expect-error: output must be a zod schema
      output: { sum: 'number' },
      execute: () => ({ sum: 1 }),
    });
  });
});
