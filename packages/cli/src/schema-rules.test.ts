import { toParametersJsonSchema } from '@livetools/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { lintParametersSchema, SCHEMA_RULES, undocumentedParameters } from './schema-rules.js';

const lint = (schema: Record<string, unknown>) =>
  lintParametersSchema(schema).map((f) => [f.severity, f.path, f.construct]);

describe('lintParametersSchema', () => {
  it('accepts what zod makes of ordinary tool parameters', () => {
    const schema = toParametersJsonSchema(
      z.object({
        symbol: z
          .string()
          .min(1)
          .max(20)
          .regex(/^[A-Z]+$/),
        threshold: z.number().positive().multipleOf(0.1).optional(),
        side: z.enum(['buy', 'sell']),
        tags: z.array(z.string()).max(5),
        maybe: z.string().nullable(),
        options: z.object({ fast: z.boolean().default(false) }),
        pick: z.union([z.object({ a: z.string() }), z.object({ b: z.number() })]),
        counts: z.record(z.string(), z.number()),
      }),
    );
    expect(lint(schema)).toEqual([]);
  });

  it('flags what the Live API rejects as errors and what it ignores as warnings', () => {
    const Node = z.object({
      name: z.string(),
      get children() {
        return z.array(Node);
      },
    });
    const schema = toParametersJsonSchema(
      z.object({
        point: z.tuple([z.number(), z.number()]),
        tree: Node,
        kind: z.literal('fast'),
        when: z.date(),
        either: z.union([z.string(), z.number()]),
        keyed: z.record(z.enum(['a', 'b']), z.number()),
      }),
    );
    expect(lint(schema)).toEqual([
      ['warning', 'point', 'prefixItems'],
      ['error', 'tree', 'recursive $ref'],
      ['warning', 'kind', 'const'],
      ['warning', 'when', 'no type'],
      ['warning', 'either', 'type: [a, b]'],
      ['warning', 'keyed', 'propertyNames'],
    ]);
  });

  it('flags hand-written JSON Schema constructs', () => {
    expect(
      lint({
        type: 'object',
        properties: {
          a: { type: 'array', items: [{ type: 'string' }] },
          b: { type: 'array' },
          c: { type: 'string', if: { minLength: 1 }, else: { pattern: 'x' } },
          d: { type: 'object', patternProperties: { '^x': { type: 'string' } } },
          e: { not: { type: 'string' } },
          f: { $ref: '#/$defs/missing' },
          g: { $ref: '#/$defs/plain' },
          h: { enum: [true, false] },
          i: { allOf: [{ type: 'string' }] },
        },
        $defs: { plain: { type: 'string' } },
      }),
    ).toEqual([
      ['error', 'a', 'items: [...]'],
      ['error', 'b', 'array without items'],
      ['error', 'c', 'if/then/else'],
      ['error', 'c', 'if/then/else'],
      ['error', 'd', 'patternProperties'],
      ['error', 'e', 'not'],
      ['error', 'f', 'unresolvable $ref'],
      ['warning', 'g', '$ref'],
      ['warning', 'h', 'enum of non-strings'],
      ['warning', 'i', 'allOf'],
    ]);
  });

  it('writes findings as sentences with advice, from a documented rule each', () => {
    const [finding] = lintParametersSchema({ type: 'object', properties: { b: { type: 'array' } } });
    expect(finding?.message).toBe(
      'b: array without items — Gemini needs the item type of every array; use z.array(z.string()) rather than z.array(z.any()).',
    );
    const constructs = new Set(SCHEMA_RULES.map((r) => r.construct));
    expect(constructs.size).toBe(SCHEMA_RULES.length);
  });
});

describe('undocumentedParameters', () => {
  it('lists parameters without a description, nested ones and referenced ones included', () => {
    const schema = toParametersJsonSchema(
      z.object({
        symbol: z.string().describe('The symbol.'),
        every: z.number(),
        filter: z.object({ min: z.number().describe('Lowest.'), max: z.number() }).describe('A range.'),
        items: z.array(z.object({ name: z.string() })).describe('Items.'),
      }),
    );
    expect(undocumentedParameters(schema)).toEqual(['every', 'filter.max', 'items.[].name']);
  });
});
