import { of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod/v3';
import { LivetoolsError, ToolDefinitionError } from '../errors.js';
import type { LiveFunctionResponse } from '../protocol/function-calls.js';
import { ToolRunner } from '../runner/tool-runner.js';
import { defineStreamingTool, defineTool } from './define-tool.js';
import { assertFunctionName } from './function-name.js';

const base = { description: 'A tool.', parameters: z.object({}), execute: () => of(1) };

describe('function names', () => {
  it.each(['monitor_stock_price', '_private', 'a', 'ns.tool', 'ns:tool-v2', 'x'.repeat(128)])(
    'accepts %s',
    (name) => {
      expect(() => assertFunctionName(name)).not.toThrow();
    },
  );

  it.each([
    ['', /non-empty/],
    ['1tool', /must start with a letter or an underscore/],
    ['-tool', /must start with a letter or an underscore/],
    ['has space', /characters other than/],
    ['émoji', /must start with a letter/],
    ['tool/slash', /characters other than/],
    ['x'.repeat(129), /129 characters long \(at most 128\)/],
  ])('rejects %j with a clear error', (name, message) => {
    expect(() => defineStreamingTool({ ...base, name })).toThrow(ToolDefinitionError);
    expect(() => defineStreamingTool({ ...base, name })).toThrow(message);
  });

  it('reserves stop_streaming', () => {
    expect(() => defineStreamingTool({ ...base, name: 'stop_streaming' })).toThrow(
      /declared by livetools itself/,
    );
    expect(() => defineTool({ ...base, name: 'stop_streaming', execute: () => 1 })).toThrow(
      /declared by livetools/,
    );
  });

  it('rejects two tools with one name in a runner', () => {
    const a = defineStreamingTool({ ...base, name: 'same' });
    expect(() => new ToolRunner({ tools: [a, a], sink: { send() {} } })).toThrow(
      /Two tools are named "same"/,
    );
  });
});

describe('definition checks', () => {
  it('needs a description, an object schema and execute', () => {
    expect(() => defineStreamingTool({ ...base, name: 't', description: ' ' })).toThrow(
      /needs a description/,
    );
    expect(() => defineStreamingTool({ ...base, name: 't', parameters: z.string() as never })).toThrow(
      /must be a zod object schema/,
    );
    expect(() =>
      defineStreamingTool({ ...base, name: 't', parameters: { type: 'object' } as never }),
    ).toThrow(/must be a zod object schema/);
    expect(() => defineStreamingTool({ ...base, name: 't', execute: undefined as never })).toThrow(
      /execute\(args, ctx\)/,
    );
  });

  it('marks its errors so they are recognised across copies', () => {
    try {
      defineStreamingTool({ ...base, name: '9' });
      expect.unreachable();
    } catch (error) {
      expect(LivetoolsError.isInstance(error)).toBe(true);
      expect((error as LivetoolsError).code).toBe('TOOL_DEFINITION');
    }
    expect(LivetoolsError.isInstance(new Error('x'))).toBe(false);
    expect(LivetoolsError.isInstance({ code: 'TOOL_DEFINITION' })).toBe(false);
  });
});

describe('function declarations', () => {
  const schema = z.object({
    symbol: z.string().describe('Ticker symbol, e.g. AAPL.'),
    thresholdPercent: z.number().positive().default(0.5).describe('Move that triggers a report.'),
    alerts: z.object({ above: z.number().optional(), below: z.number().optional() }).optional(),
  });

  it('declares a streaming tool NON_BLOCKING with parametersJsonSchema from zod 4', () => {
    const tool = defineStreamingTool({
      ...base,
      name: 'monitor',
      description: 'Monitors.',
      parameters: schema,
    });
    const declaration = tool.declaration();
    expect(declaration).toEqual({
      name: 'monitor',
      description: 'Monitors.',
      behavior: 'NON_BLOCKING',
      parametersJsonSchema: {
        type: 'object',
        properties: {
          symbol: { type: 'string', description: 'Ticker symbol, e.g. AAPL.' },
          thresholdPercent: {
            type: 'number',
            exclusiveMinimum: 0,
            default: 0.5,
            description: 'Move that triggers a report.',
          },
          alerts: {
            type: 'object',
            properties: { above: { type: 'number' }, below: { type: 'number' } },
          },
        },
        required: ['symbol'],
      },
    });
    expect(declaration.parametersJsonSchema).not.toHaveProperty('$schema');
  });

  it('declares a one-shot tool without behavior (blocking)', () => {
    const tool = defineTool({ name: 'quote', description: 'Quote.', parameters: schema, execute: () => 1 });
    expect(tool.declaration()).not.toHaveProperty('behavior');
  });

  it('returns a fresh object every time, so the SDK mutating one does not leak', () => {
    const tool = defineStreamingTool({ ...base, name: 'monitor', parameters: schema });
    const first = tool.declaration();
    (first.parametersJsonSchema.properties as Record<string, unknown>).symbol = 'mutated';
    first.name = 'changed';
    const second = tool.declaration();
    expect(second.name).toBe('monitor');
    expect((second.parametersJsonSchema.properties as Record<string, { type: string }>).symbol?.type).toBe(
      'string',
    );
    expect(second).not.toBe(first);
  });

  it('accepts zod 3 schemas: JSON Schema through zod-to-json-schema, validation through Standard Schema', () => {
    const tool = defineStreamingTool({
      name: 'legacy',
      description: 'Legacy.',
      parameters: z3.object({ symbol: z3.string().describe('Ticker.'), n: z3.number().int().default(1) }),
      execute: ({ symbol, n }) => of(`${symbol}:${n}`),
    });
    expect(tool.declaration().parametersJsonSchema).toEqual({
      type: 'object',
      properties: { symbol: { type: 'string', description: 'Ticker.' }, n: { type: 'integer', default: 1 } },
      required: ['symbol'],
      additionalProperties: false,
    });
    const sent: LiveFunctionResponse[] = [];
    const runner = new ToolRunner({ tools: [tool], sink: { send: (r) => sent.push(...r) } });
    runner.handleToolCall([
      { id: '1', name: 'legacy', args: { symbol: 'AAPL' } },
      { id: '2', name: 'legacy', args: { symbol: 7 } },
    ]);
    expect(sent[0]).toMatchObject({ id: '1', response: { output: 'AAPL:1' }, willContinue: true });
    expect(sent[2]).toMatchObject({ id: '2', response: { error: { code: 'INVALID_ARGUMENTS' } } });
    expect(() => defineStreamingTool({ ...base, name: 'x', parameters: z3.string() as never })).toThrow(
      /must be a zod object schema/,
    );
  });

  it('applies schema defaults and transforms before execute sees the arguments', () => {
    let seen: unknown;
    const tool = defineTool({
      name: 'q',
      description: 'q',
      parameters: z.object({
        symbol: z.string().transform((s) => s.toUpperCase()),
        n: z.number().default(3),
      }),
      execute: (args) => {
        seen = args;
        return 1;
      },
    });
    new ToolRunner({ tools: [tool], sink: { send() {} } }).handleToolCall([
      { id: '1', name: 'q', args: { symbol: 'aapl' } },
    ]);
    expect(seen).toEqual({ symbol: 'AAPL', n: 3 });
  });
});
