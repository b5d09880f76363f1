import { type AnyTool, defineStreamingTool, defineTool } from '@livetools/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod/v3';
import { compareSummaries, type SchemaChange } from './against-diff.js';
import type { PackageSummary } from './info-package.js';

function summary(...tools: AnyTool[]): PackageSummary {
  return {
    dir: '/x',
    name: '@x/tools',
    version: '1.0.0',
    core: '^0.1.0',
    peerCore: '^0.1.0',
    hasManifest: true,
    tools: tools.map((tool) => {
      const declaration = tool.declaration();
      return {
        name: tool.name,
        kind: tool.kind,
        description: tool.description,
        parameters: declaration.parametersJsonSchema,
        ...(declaration.responseJsonSchema ? { output: declaration.responseJsonSchema } : {}),
        inputs: [],
      };
    }),
  };
}

const tool = (parameters: z.ZodObject | z3.AnyZodObject, output?: z.ZodType): AnyTool =>
  output === undefined
    ? defineTool({ name: 't', description: 'd', parameters, execute: () => 1 })
    : defineTool({ name: 't', description: 'd', parameters, output, execute: () => 1 as never });

const diff = (before: AnyTool, after: AnyTool): Array<[SchemaChange['severity'], string, string]> =>
  compareSummaries(summary(before), summary(after)).map((c) => [c.severity, c.path, c.message]);

describe('compareSummaries: tools', () => {
  it('finds nothing between equal versions', () => {
    const t = tool(z.object({ symbol: z.string() }), z.object({ price: z.number() }));
    expect(diff(t, t)).toEqual([]);
  });

  it('flags a removed tool as breaking and an added one as info', () => {
    const a = defineTool({ name: 'a', description: 'd', parameters: z.object({}), execute: () => 1 });
    const b = defineTool({ name: 'b', description: 'd', parameters: z.object({}), execute: () => 1 });
    const changes = compareSummaries(summary(a), summary(b));
    expect(changes.map((c) => [c.severity, c.toolName, c.message])).toEqual([
      ['breaking', 'a', 'tool a removed (or renamed): sessions and prompts that name it break'],
      ['info', 'b', 'tool b added'],
    ]);
    for (const change of changes) expect(Object.keys(change)).not.toContain('tool');
  });

  it('flags a streaming tool that became one-shot', () => {
    const before = defineStreamingTool({
      name: 't',
      description: 'd',
      parameters: z.object({}),
      execute: () => [1],
    });
    const after = tool(z.object({}));
    expect(diff(before, after)).toEqual([
      ['breaking', '', 'changed from a streaming tool to a one-shot tool'],
    ]);
  });
});

describe('compareSummaries: parameters (narrowing breaks)', () => {
  it.each([
    [
      'a removed parameter',
      z.object({ a: z.string(), b: z.string() }),
      z.object({ a: z.string() }),
      [['breaking', 'parameters.b', 'parameter b removed (or renamed)']],
    ],
    [
      'a renamed parameter',
      z.object({ symbol: z.string() }),
      z.object({ ticker: z.string() }),
      [
        ['breaking', 'parameters.symbol', 'parameter symbol removed (or renamed)'],
        ['breaking', 'parameters.ticker', 'parameter ticker added, required'],
      ],
    ],
    [
      'a parameter made required',
      z.object({ a: z.string().optional() }),
      z.object({ a: z.string() }),
      [['breaking', 'parameters.a', 'parameter a now required']],
    ],
    [
      'a narrowed type',
      z.object({ n: z.number() }),
      z.object({ n: z.number().int() }),
      [['breaking', 'parameters.n', 'parameter n type number → integer: no longer accepts number']],
    ],
    [
      'a narrowed enum',
      z.object({ side: z.enum(['buy', 'sell', 'hold']) }),
      z.object({ side: z.enum(['buy', 'sell']) }),
      [['breaking', 'parameters.side', 'parameter side no longer allows "hold"']],
    ],
    [
      'an enum where any string was accepted',
      z.object({ side: z.string() }),
      z.object({ side: z.enum(['buy', 'sell']) }),
      [['breaking', 'parameters.side', 'parameter side limited to "buy" | "sell"']],
    ],
    [
      'a raised minimum',
      z.object({ n: z.number().min(1) }),
      z.object({ n: z.number().min(5) }),
      [['breaking', 'parameters.n', 'parameter n minimum raised from 1 to 5']],
    ],
    [
      'a new maximum',
      z.object({ n: z.number() }),
      z.object({ n: z.number().max(10) }),
      [['breaking', 'parameters.n', 'parameter n maximum lowered from none to 10']],
    ],
    [
      'a shorter maxLength',
      z.object({ s: z.string().max(20) }),
      z.object({ s: z.string().max(10) }),
      [['breaking', 'parameters.s', 'parameter s maxLength lowered from 20 to 10']],
    ],
    [
      'a nested field narrowed',
      z.object({ o: z.object({ k: z.number() }) }),
      z.object({ o: z.object({ k: z.number().positive() }) }),
      [['breaking', 'parameters.o.k', 'parameter o.k exclusiveMinimum raised from none to 0']],
    ],
    [
      'array items narrowed',
      z.object({ l: z.array(z.string()) }),
      z.object({ l: z.array(z.string().min(2)) }),
      [['breaking', 'parameters.l[]', 'parameter l[] minLength raised from none to 2']],
    ],
  ])('%s', (_what, before, after, expected) => {
    expect(diff(tool(before), tool(after))).toEqual(expected);
  });

  it('lists widening and new optional parameters as info', () => {
    expect(
      diff(
        tool(z.object({ n: z.number().int().max(5), side: z.enum(['buy']), a: z.string() })),
        tool(
          z.object({
            n: z.number().max(10),
            side: z.enum(['buy', 'sell']),
            a: z.string().optional(),
            note: z.string().optional(),
          }),
        ),
      ),
    ).toEqual([
      ['info', 'parameters.n', 'parameter n type integer → number: now also accepts number'],
      ['info', 'parameters.n', 'parameter n maximum raised from 5 to 10'],
      ['info', 'parameters.side', 'parameter side now also allows "sell"'],
      ['info', 'parameters.a', 'parameter a now optional'],
      ['info', 'parameters.note', 'parameter note added, optional'],
    ]);
  });

  it('reads zod 3 schemas the same way', () => {
    expect(diff(tool(z3.object({ n: z3.number().optional() })), tool(z3.object({ n: z3.number() })))).toEqual(
      [['breaking', 'parameters.n', 'parameter n now required']],
    );
  });
});

describe('compareSummaries: output contracts (widening breaks)', () => {
  const p = z.object({});
  it.each([
    [
      'a removed field',
      z.object({ price: z.number(), at: z.string() }),
      z.object({ price: z.number() }),
      [['breaking', 'output.at', 'output field at removed (or renamed)']],
    ],
    [
      'a field made optional',
      z.object({ price: z.number() }),
      z.object({ price: z.number().optional() }),
      [['breaking', 'output.price', 'output field price now optional']],
    ],
    [
      'a changed type',
      z.object({ price: z.number() }),
      z.object({ price: z.string() }),
      [
        ['breaking', 'output.price', 'output field price type number → string: now also accepts string'],
        ['info', 'output.price', 'output field price type number → string: no longer accepts number'],
      ],
    ],
    [
      'a widened enum',
      z.object({ side: z.enum(['up', 'down']) }),
      z.object({ side: z.enum(['up', 'down', 'flat']) }),
      [['breaking', 'output.side', 'output field side now also allows "flat"']],
    ],
    [
      'a nullable field',
      z.object({ price: z.number() }),
      z.object({ price: z.number().nullable() }),
      [['breaking', 'output.price', 'output field price type number → number | null: now also accepts null']],
    ],
  ])('%s', (_what, before, after, expected) => {
    expect(diff(tool(p, before), tool(p, after))).toEqual(expected);
  });

  it('flags a removed contract as breaking, lists an added one and added fields as info', () => {
    const withContract = tool(p, z.object({ price: z.number() }));
    expect(diff(withContract, tool(p))).toEqual([
      ['breaking', 'output', 'output contract removed: users can no longer rely on what it sends'],
    ]);
    expect(diff(tool(p), withContract)).toEqual([['info', 'output', 'output contract added']]);
    expect(diff(withContract, tool(p, z.object({ price: z.number(), at: z.string() })))).toEqual([
      ['info', 'output.at', 'output field at added, required'],
    ]);
  });

  it('compares a union of objects by hand only: any change counts as breaking', () => {
    const before = z.union([z.object({ a: z.number() }), z.object({ b: z.string() })]);
    const after = z.union([z.object({ a: z.number() }), z.object({ b: z.number() })]);
    const changes = diff(tool(p, before), tool(p, after));
    expect(changes[0]?.[0]).toBe('breaking');
    expect(changes[0]?.[2]).toMatch(/a union: not compared in detail, check it by hand/);
  });
});
