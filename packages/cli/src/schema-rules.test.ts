import { toParametersJsonSchema } from '@livetools/core/internal';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as z3 from 'zod/v3';
import { lintToolParameters } from './lint-parameters.js';
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
      ['error', 'point', 'items: false'],
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

  it('reports a reference with a malformed escape as unresolvable instead of throwing', () => {
    const schema = { type: 'object', properties: { f: { $ref: '#/$defs/%E0%A4%A' } }, $defs: {} };
    expect(lintParametersSchema(schema).map((f) => [f.path, f.construct])).toEqual([
      ['f', 'unresolvable $ref'],
    ]);
    expect(undocumentedParameters(schema)).toEqual(['f']);
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

/** The constructs found in `z.object({ p: schema })`, as linted by `livetools check`. */
function constructsOf(schema: z.ZodType | z3.ZodTypeAny): string[] {
  const parameters =
    'safeParseAsync' in schema && '_zod' in schema
      ? z.object({ p: schema })
      : z3.z.object({ p: schema as z3.ZodTypeAny });
  return lintToolParameters(parameters, toParametersJsonSchema(parameters as never)).map((f) => f.construct);
}

describe('every rule, against what the supported zod versions emit', () => {
  const Node = z.object({
    name: z.string(),
    get children() {
      return z.array(Node);
    },
  });
  const Sym = z.string().meta({ id: 'Sym' });
  /** Each rule a zod schema can trigger: a zod 4 schema and a zod 3 (zod/v3) one that do. */
  const emitted: Record<string, { v4?: z.ZodType; v3?: z3.ZodTypeAny }> = {
    'recursive $ref': { v4: z.object({ tree: Node }) },
    $ref: { v4: z.object({ a: Sym, b: Sym }) },
    'items: [...]': { v3: z3.z.tuple([z3.z.number(), z3.z.number()]) },
    'items: false': { v4: z.tuple([z.number(), z.number()]) },
    'array without items': { v3: z3.z.array(z3.z.any()) },
    'type: [a, b]': { v4: z.union([z.string(), z.number()]), v3: z3.z.union([z3.z.string(), z3.z.number()]) },
    allOf: {
      v4: z.intersection(z.string(), z.string().min(1)),
      v3: z3.z.intersection(z3.z.object({ a: z3.z.string() }), z3.z.object({ b: z3.z.string() })),
    },
    oneOf: { v4: z.xor([z.object({ a: z.string() }), z.object({ b: z.number() })]) },
    const: { v4: z.literal('fast'), v3: z3.z.literal('fast') },
    prefixItems: { v4: z.tuple([z.number()], z.string()) },
    propertyNames: {
      v4: z.record(z.enum(['a', 'b']), z.number()),
      v3: z3.z.record(z3.z.enum(['a', 'b']), z3.z.number()),
    },
    'enum of non-strings': {
      v4: z.literal([true, 1]),
      v3: z3.z.union([z3.z.literal(1), z3.z.literal(true)]),
    },
    'no type': { v4: z.any(), v3: z3.z.any() },
  };
  /** Rules only a hand-written JSON Schema (a Standard Schema carrying its own) can trigger. */
  const handWritten = [
    'unresolvable $ref',
    'if/then/else',
    'not',
    'patternProperties',
    'dependentSchemas/dependentRequired/dependencies',
    'unevaluatedProperties/unevaluatedItems',
    '$dynamicRef/$recursiveRef',
    'contains/minContains/maxContains',
  ];

  it('lists each rule once, as emitted by zod or as hand-written only', () => {
    const listed = [...Object.keys(emitted), ...handWritten].sort();
    expect(listed).toEqual(SCHEMA_RULES.map((r) => r.construct).sort());
  });

  it.each(Object.entries(emitted))('%s, from real zod schemas', (construct, { v4, v3 }) => {
    if (v4) expect(constructsOf(v4)).toContain(construct);
    if (v3) expect(constructsOf(v3)).toContain(construct);
  });

  it('a discriminated union is not reported: zod 4 declares it as oneOf, zod 3 as anyOf, and its tag tells the options apart', () => {
    const four = z.discriminatedUnion('kind', [
      z.object({ kind: z.enum(['a']), a: z.string() }),
      z.object({ kind: z.enum(['b']), b: z.number() }),
    ]);
    const three = z3.z.discriminatedUnion('kind', [
      z3.z.object({ kind: z3.z.enum(['a']), a: z3.z.string() }),
      z3.z.object({ kind: z3.z.enum(['b']), b: z3.z.number() }),
    ]);
    expect(JSON.stringify(toParametersJsonSchema(z.object({ p: four })))).toContain('"oneOf"');
    expect(constructsOf(four)).toEqual([]);
    expect(constructsOf(three)).toEqual([]);
  });

  it('the oneOf advice says how zod declares its unions', () => {
    const advice = SCHEMA_RULES.find((r) => r.construct === 'oneOf')?.advice;
    expect(advice).toContain('z.xor');
    expect(advice).toContain('z.discriminatedUnion');
    expect(advice).not.toContain('become anyOf already');
  });

  it('the no-type advice names no type that is an error of its own', () => {
    const advice = SCHEMA_RULES.find((r) => r.construct === 'no type')?.advice;
    expect(advice).not.toContain('z.date()');
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
