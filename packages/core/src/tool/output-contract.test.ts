import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod/v3';
import { LivetoolsError, ToolDefinitionError } from '../errors.js';
import { defineToolPackage } from '../package/define-tool-package.js';
import { renameTools } from '../package/rename-tools.js';
import type { ToolContext } from './context.js';
import { defineStreamingTool, defineTool } from './define-tool.js';
import { assertToolOutput, checkToolOutput, ToolOutputError, toOutputJsonSchema } from './output-contract.js';
import { withMedia } from './result-media.js';
import { withScheduling } from './scheduling.js';

const quote = z.object({ symbol: z.string(), price: z.number().positive(), side: z.enum(['up', 'down']) });

const quotes = defineStreamingTool({
  name: 'quotes',
  description: 'Quotes a symbol.',
  parameters: z.object({ symbol: z.string() }),
  output: quote,
  execute: ({ symbol }) => [{ symbol, price: 1, side: 'up' as const }],
});

describe('output contract: definition', () => {
  it('keeps the schema on the tool and declares it as responseJsonSchema', () => {
    expect(quotes.output).toBe(quote);
    expect(quotes.declaration().responseJsonSchema).toMatchObject({
      type: 'object',
      properties: { symbol: { type: 'string' }, side: { enum: ['up', 'down'] } },
      required: ['symbol', 'price', 'side'],
    });
    const add = defineTool({
      name: 'add',
      description: 'Adds.',
      parameters: z.object({ a: z.number(), b: z.number() }),
      output: z3.object({ sum: z3.number() }),
      execute: ({ a, b }) => ({ sum: a + b }),
    });
    expect(add.declaration().responseJsonSchema).toMatchObject({
      type: 'object',
      properties: { sum: { type: 'number' } },
    });
  });

  it('leaves tools without a contract as they were: no output, no responseJsonSchema key', () => {
    const plain = defineTool({ name: 'p', description: 'd', parameters: z.object({}), execute: () => 1 });
    expect('output' in plain).toBe(false);
    expect('responseJsonSchema' in plain.declaration()).toBe(false);
  });

  it('gives a fresh JSON Schema on every declaration (the SDK mutates what it gets)', () => {
    const first = quotes.declaration().responseJsonSchema as Record<string, unknown>;
    first.type = 'mutated';
    expect(quotes.declaration().responseJsonSchema).toMatchObject({ type: 'object' });
    expect(toOutputJsonSchema(quote)).not.toBe(toOutputJsonSchema(quote));
  });

  it.each([
    ['a plain object', { sum: 'number' }],
    ['a string', 'number'],
    ['null', null],
  ])(
    'refuses an output that is %s with a TOOL_DEFINITION error naming the tool and the fix',
    (_what, output) => {
      const define = () =>
        defineTool({
          name: 'bad_output',
          description: 'd',
          parameters: z.object({}),
          output: output as unknown as z.ZodType,
          execute: () => 1,
        });
      expect(define).toThrow(ToolDefinitionError);
      expect(define).toThrow(/"bad_output": `output` must be a zod schema, e.g. z.object/);
    },
  );

  it('keeps the contract through renameTools', () => {
    const pkg = defineToolPackage({ name: '@x/q', version: '1.0.0', core: '>=0.0.0', tools: [quotes] });
    const [renamed] = renameTools(pkg, { prefix: 'x_' }).tools;
    expect(renamed?.output).toBe(quote);
    expect(renamed?.declaration()).toMatchObject({
      name: 'x_quotes',
      responseJsonSchema: { type: 'object' },
    });
  });
});

describe('checkToolOutput / assertToolOutput', () => {
  it('accepts values within the contract, plain or wrapped with withScheduling() or withMedia()', async () => {
    const values = await lastValueFrom(
      from(quotes.execute({ symbol: 'A' }, {} as ToolContext)).pipe(toArray()),
    );
    for (const value of values) expect(checkToolOutput(quotes, value)).toEqual({ ok: true, issues: [] });
    const good = { symbol: 'A', price: 2, side: 'down' };
    expect(checkToolOutput(quotes, withScheduling(good, 'INTERRUPT')).ok).toBe(true);
    expect(checkToolOutput(quotes, withMedia(good, [])).ok).toBe(true);
  });

  it('names every issue with its path', () => {
    const check = checkToolOutput(quotes, { symbol: 3, price: -1, side: 'sideways' });
    expect(check.ok).toBe(false);
    expect(check.issues.map((i) => i.path)).toEqual(['symbol', 'price', 'side']);
    expect(
      checkToolOutput(quotes, withScheduling({ symbol: 'A' }, 'WHEN_IDLE')).issues.map((i) => i.path),
    ).toEqual(['price', 'side']);
    expect(checkToolOutput(quotes, 'not an object').issues[0]?.path).toBe('');
  });

  it('checks zod 3 contracts too', () => {
    const legacy = defineTool({
      name: 'legacy',
      description: 'd',
      parameters: z3.object({}),
      output: z3.object({ n: z3.number() }),
      execute: () => ({ n: 1 }),
    });
    expect(checkToolOutput(legacy, { n: 1 }).ok).toBe(true);
    expect(checkToolOutput(legacy, { n: '1' }).issues.map((i) => i.path)).toEqual(['n']);
  });

  it('accepts anything from a tool without a contract', () => {
    const free = defineTool({ name: 'free', description: 'd', parameters: z.object({}), execute: () => 1 });
    expect(checkToolOutput(free, Symbol('x'))).toEqual({ ok: true, issues: [] });
  });

  it('assertToolOutput throws ToolOutputError (OUTPUT_CONTRACT) naming the tool and each path', () => {
    expect(() => assertToolOutput(quotes, { symbol: 'A', price: 1, side: 'up' })).not.toThrow();
    let caught: unknown;
    try {
      assertToolOutput(quotes, { symbol: 'A', price: '1', side: 'up' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ToolOutputError);
    expect(LivetoolsError.isInstance(caught) && caught.code).toBe('OUTPUT_CONTRACT');
    expect((caught as ToolOutputError).message).toMatch(
      /Tool "quotes" produced a value outside its output contract: price:/,
    );
    expect((caught as ToolOutputError).issues).toHaveLength(1);
  });

  it('refuses an asynchronous contract clearly, without an unhandled rejection', () => {
    const asyncTool = defineTool({
      name: 'async_contract',
      description: 'd',
      parameters: z.object({}),
      output: z.object({ n: z.number() }).refine(async () => true),
      execute: () => ({ n: 1 }),
    });
    expect(() => checkToolOutput(asyncTool, { n: 1 })).toThrow(
      /asynchronous; an output contract must be checkable at once/,
    );
  });

  it('answers a schema that throws with a ToolDefinitionError, not what it threw', () => {
    const throwing = {
      name: 'throwing',
      output: {
        '~standard': {
          version: 1 as const,
          vendor: 'x',
          validate: () => {
            throw new RangeError('boom');
          },
        },
      },
    };
    expect(() => checkToolOutput(throwing, 1)).toThrow(ToolDefinitionError);
    expect(() => checkToolOutput(throwing, 1)).toThrow(/schema threw while checking a value: .*boom/);
  });
});
