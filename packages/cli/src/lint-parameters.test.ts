import { toParametersJsonSchema } from '@livetools/core/internal';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as z3 from 'zod/v3';
import { lintToolParameters } from './lint-parameters.js';

/** The findings for one parameter `p`, as [severity, path, construct]. */
function findingsFor(parameters: z.ZodObject | z3.ZodTypeAny) {
  const json = toParametersJsonSchema(parameters as never);
  return lintToolParameters(parameters, json).map((f) => [f.severity, f.path, f.construct]);
}

const v3 = z3.z;

describe('lintToolParameters: parameter types no JSON value can satisfy are errors naming the zod type', () => {
  const cases: [string, z.ZodType, z3.ZodTypeAny | undefined][] = [
    ['z.date()', z.date(), v3.date()],
    ['z.bigint()', z.bigint(), v3.bigint()],
    ['z.bigint()', z.int64(), undefined],
    ['z.set()', z.set(z.string()), v3.set(v3.string())],
    ['z.map()', z.map(z.string(), z.number()), v3.map(v3.string(), v3.number())],
    ['z.symbol()', z.symbol(), v3.symbol()],
    [
      'z.custom()',
      z.custom<string>((v) => typeof v === 'string'),
      v3.custom<string>((v) => typeof v === 'string'),
    ],
    ['z.custom()', z.instanceof(Date), v3.instanceof(Date)],
    ['z.undefined()', z.undefined().optional(), v3.undefined().optional()],
    ['z.void()', z.void().optional(), v3.void().optional()],
    ['z.never()', z.never().optional(), v3.never().optional()],
    ['z.nan()', z.nan(), v3.nan()],
    ['z.function()', z.function(), v3.function()],
    ['z.promise()', z.promise(z.string()), v3.promise(v3.string())],
    ['z.file()', z.file(), undefined],
  ];
  it.each(cases)('%s under zod 4 and zod 3', (construct, four, three) => {
    expect(findingsFor(z.object({ p: four }))).toEqual([['error', 'p', construct]]);
    if (three) expect(findingsFor(v3.object({ p: three }))).toEqual([['error', 'p', construct]]);
  });

  it('finds them nested, wrapped and in unions, at the same paths as the JSON Schema findings', () => {
    const schema = z.object({
      filter: z.object({ since: z.date().optional().describe('From.') }),
      ids: z.array(z.bigint()),
      either: z.union([z.string(), z.date()]),
      byKey: z.record(z.string(), z.set(z.string())),
      pair: z.tuple([z.string()], z.symbol()),
      piped: z.date().transform((d) => d.getTime()),
    });
    expect(findingsFor(schema)).toEqual([
      ['error', 'filter.since', 'z.date()'],
      ['error', 'ids.[]', 'z.bigint()'],
      ['error', 'either.anyOf[1]', 'z.date()'],
      ['error', 'byKey.*', 'z.set()'],
      ['warning', 'pair', 'prefixItems'],
      ['error', 'pair.[]', 'z.symbol()'],
      ['error', 'piped', 'z.date()'],
    ]);
  });

  it('looks through zod 3 effects, pipelines, brands and intersections', () => {
    const schema = v3.object({
      piped: v3.date().transform((d) => d.getTime()),
      checked: v3.string().refine((s) => s.length > 0),
      branded: v3.bigint().brand<'Id'>(),
      both: v3.intersection(v3.object({ a: v3.string() }), v3.object({ at: v3.date() })),
    });
    expect(findingsFor(schema)).toEqual([
      ['error', 'piped', 'z.date()'],
      ['error', 'branded', 'z.bigint()'],
      ['warning', 'both', 'allOf'],
      ['error', 'both.allOf[1].at', 'z.date()'],
    ]);
  });

  it('says what to use instead, for the type it found', () => {
    const [date] = lintToolParameters(
      z.object({ since: z.date() }),
      toParametersJsonSchema(z.object({ since: z.date() })),
    );
    expect(date?.message).toMatch(/^since: z\.date\(\) — .*z\.iso\.datetime\(\)/);
    const [big] = lintToolParameters(
      z.object({ n: z.bigint() }),
      toParametersJsonSchema(z.object({ n: z.bigint() })),
    );
    expect(big?.message).toMatch(/^n: z\.bigint\(\) — .*z\.number\(\)\.int\(\).*string of digits/);
    expect(big?.message).not.toContain('z.date()');
  });

  it('accepts coerced dates and bigints (a JSON string converts), and plain JSON types', () => {
    expect(
      findingsFor(z.object({ d: z.iso.datetime(), n: z.number().int(), s: z.array(z.string()) })),
    ).toEqual([]);
    expect(findingsFor(v3.object({ d: v3.coerce.date(), n: v3.coerce.bigint() }))).toEqual([]);
    // A strict object's catchall is z.never(): no extra key is allowed, which is no problem.
    expect(findingsFor(z.object({ o: z.strictObject({ a: z.string() }) }))).toEqual([]);
    expect(findingsFor(v3.object({ o: v3.object({ a: v3.string() }).strict() }))).toEqual([]);
    expect(findingsFor(z.object({ o: z.object({ a: z.string() }).catchall(z.date()) }))).toEqual([
      ['error', 'o.*', 'z.date()'],
    ]);
    // zod 4 tells the model nothing about a coerced date: that stays a warning.
    expect(findingsFor(z.object({ d: z.coerce.date() }))).toEqual([['warning', 'd', 'no type']]);
  });

  it('a schema that throws when read is linted by its JSON Schema alone', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
        has() {
          throw new Error('boom');
        },
      },
    );
    expect(lintToolParameters(hostile, { type: 'object', properties: { a: {} } })).toMatchObject([
      { path: 'a', construct: 'no type' },
    ]);
  });

  it('does not loop on recursive schemas', () => {
    const Node = z.object({
      at: z.date(),
      get children() {
        return z.array(Node);
      },
    });
    const found = findingsFor(z.object({ tree: Node }));
    expect(found).toContainEqual(['error', 'tree.at', 'z.date()']);
  });

  it('a recursive zod 3 schema: zod-to-json-schema cuts it off, so it is an error where it recurs', () => {
    type Tree = { name: string; children: Tree[] };
    const Tree3: z3.ZodType<Tree> = v3.lazy(() =>
      v3.object({ name: v3.string(), children: v3.array(Tree3) }),
    );
    expect(findingsFor(v3.object({ tree: Tree3 }))).toEqual([
      ['error', 'tree.children.[]', 'recursive z.lazy() (zod 3)'],
    ]);
  });
});
