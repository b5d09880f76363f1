import { NEVER, type Observable, of } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod/v3';
import type { ToolContext } from './context.js';
import {
  type AnyTool,
  defineStreamingTool,
  defineTool,
  type StreamingTool,
  type ToolArgs,
  type ToolOutput,
} from './define-tool.js';
import { type ScheduledEmission, withScheduling } from './scheduling.js';

describe('args inference', () => {
  it('types args from a zod 4 schema, defaults applied (output type)', () => {
    defineStreamingTool({
      name: 'monitor',
      description: 'd',
      parameters: z.object({
        symbol: z.string(),
        threshold: z.number().default(0.5),
        above: z.number().optional(),
        side: z.enum(['buy', 'sell']),
      }),
      execute: (args, ctx) => {
        expectTypeOf(args).toEqualTypeOf<{
          symbol: string;
          threshold: number;
          above?: number | undefined;
          side: 'buy' | 'sell';
        }>();
        expectTypeOf(ctx).toEqualTypeOf<ToolContext>();
        expectTypeOf(ctx.signal).toEqualTypeOf<AbortSignal>();
        return of(args.symbol);
      },
    });
  });

  it('types args from a zod 3 schema', () => {
    defineStreamingTool({
      name: 'legacy',
      description: 'd',
      parameters: z3.object({ symbol: z3.string(), n: z3.number().optional() }),
      execute: (args) => {
        expectTypeOf(args).toEqualTypeOf<{ symbol: string; n?: number | undefined }>();
        return [args.symbol];
      },
    });
  });

  it('rejects reading an argument that the schema does not have', () => {
    defineTool({
      name: 'add',
      description: 'd',
      parameters: z.object({ a: z.number() }),
      // @ts-expect-error: `b` is not in the schema
      execute: ({ b }) => b,
    });
  });

  it('exposes ToolArgs for a schema', () => {
    const schema = z.object({ n: z.number().int() });
    expectTypeOf<ToolArgs<typeof schema>>().toEqualTypeOf<{ n: number }>();
  });
});

describe('results', () => {
  it('carries the emitted type, plain or wrapped with withScheduling()', () => {
    const tool = defineStreamingTool({
      name: 'ticks',
      description: 'd',
      parameters: z.object({}),
      execute: (): Observable<{ price: number } | ScheduledEmission<{ price: number }>> =>
        of({ price: 1 }, withScheduling({ price: 2 }, 'INTERRUPT')),
    });
    expectTypeOf(tool).toExtend<StreamingTool>();
    type Emitted = typeof tool extends StreamingTool<infer _S, infer T> ? T : never;
    expectTypeOf<ToolOutput<Emitted>>().toEqualTypeOf<{ price: number }>();
    expectTypeOf(tool).toExtend<AnyTool>();
    expectTypeOf(withScheduling(1, 'SILENT')).toEqualTypeOf<ScheduledEmission<number>>();
  });

  it('lets one-shot tools return a value or a Promise', () => {
    const sync = defineTool({ name: 'a', description: 'd', parameters: z.object({}), execute: () => 1 });
    const async = defineTool({
      name: 'b',
      description: 'd',
      parameters: z.object({}),
      execute: async () => 'x',
    });
    expectTypeOf(sync.execute).returns.toEqualTypeOf<number | PromiseLike<number>>();
    expectTypeOf(async.execute).returns.toEqualTypeOf<string | PromiseLike<string>>();
    expectTypeOf([sync, async]).toExtend<AnyTool[]>();
  });

  it('infers the emitted type from a conditional source', () => {
    const tool = defineStreamingTool({
      name: 'c',
      description: 'd',
      parameters: z.object({ on: z.boolean() }),
      execute: ({ on }) => (on ? of('tick') : NEVER),
    });
    expectTypeOf(tool).toEqualTypeOf<StreamingTool<z.ZodObject<{ on: z.ZodBoolean }>, string>>();
  });

  it('rejects an invalid scheduling', () => {
    // @ts-expect-error: not a scheduling
    withScheduling(1, 'NOW');
  });
});
