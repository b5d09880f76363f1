import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sampleArguments } from './pack-sample-args.js';

const argsFor = (schema: z.ZodObject) => {
  const json = z.toJSONSchema(schema, { target: 'draft-7' }) as Record<string, unknown>;
  const args = sampleArguments(json);
  return { args, parsed: schema.safeParse(args) };
};

describe('smoke-run arguments built from a schema', () => {
  it('satisfy every required parameter, at its smallest allowed value, and leave optional ones out', () => {
    const { args, parsed } = argsFor(
      z.object({
        seconds: z.number().int().min(1).max(60),
        ratio: z.number().gt(0).lt(1),
        symbol: z.string().min(1).max(5),
        code: z.string().length(6),
        when: z.iso.datetime(),
        site: z.url(),
        mode: z.enum(['fast', 'slow']),
        kind: z.literal('x'),
        tags: z.array(z.string()).min(2),
        pair: z.tuple([z.number(), z.string()]),
        nested: z.object({ on: z.boolean(), n: z.number().int().positive() }),
        either: z.union([z.null(), z.number().min(5)]),
        note: z.string().optional(),
      }),
    );
    expect(parsed.error?.issues).toBeUndefined();
    expect(args).not.toHaveProperty('note');
    expect(args).toMatchObject({ seconds: 1, mode: 'fast', kind: 'x', either: 5 });
  });

  it('prefer a default, then the first example', () => {
    const { args, parsed } = argsFor(
      z.object({
        symbol: z
          .string()
          .regex(/^[A-Z]{1,5}$/)
          .meta({ examples: ['AAPL'] }),
        every: z.number().default(30),
      }),
    );
    expect(parsed.success).toBe(true);
    expect(args).toEqual({ symbol: 'AAPL', every: 30 });
  });
});
