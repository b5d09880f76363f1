import { of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LivetoolsError } from '../errors.js';
import { defineStreamingTool, defineTool } from '../tool/define-tool.js';
import { testTool } from './index.js';

const quote = z.object({ symbol: z.string(), price: z.number() });

/** A tool whose contract says `price` is a number, which one value breaks (as a bug would). */
const leaky = defineStreamingTool({
  name: 'leaky',
  description: 'Streams quotes, one of them malformed.',
  parameters: z.object({}),
  output: quote,
  execute: () =>
    of({ symbol: 'ACME', price: 1 }, { symbol: 'ACME', price: 'n/a' } as unknown as z.input<typeof quote>),
});

describe('testTool and the output contract', () => {
  it("checks each result against the tool's output contract: waits reject with the issues", async () => {
    const run = testTool(leaky);
    const error = await run.done().catch((e: unknown) => e);
    expect(LivetoolsError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'OUTPUT_CONTRACT', message: expect.stringContaining('price') });
    expect(run.outputIssues).toEqual([
      {
        sequence: 2,
        output: { symbol: 'ACME', price: 'n/a' },
        issues: [expect.objectContaining({ path: 'price' })],
      },
    ]);
    // What the model received is unchanged: the runner never checks.
    expect(run.outputs).toHaveLength(2);
  });

  it('checkOutput: false leaves the contract unchecked', async () => {
    const run = testTool(leaky, {}, { checkOutput: false });
    expect((await run.done()).reason).toBe('completed');
    expect(run.outputIssues).toEqual([]);
  });

  it('passes values within the contract, and tools without one', async () => {
    const add = defineTool({
      name: 'add',
      description: 'Adds two numbers.',
      parameters: z.object({ a: z.number(), b: z.number() }),
      output: z.object({ sum: z.number() }),
      execute: ({ a, b }) => ({ sum: a + b }),
    });
    expect((await testTool(add, { a: 1, b: 2 }).done()).final?.response).toEqual({ output: { sum: 3 } });
    const free = defineTool({
      name: 'free',
      description: 'Returns anything.',
      parameters: z.object({}),
      execute: () => 'anything',
    });
    expect((await testTool(free).done()).reason).toBe('completed');
  });

  it('reports a contract that cannot be checked at once through the waits, never into the runner', async () => {
    const slow = defineTool({
      name: 'slow_contract',
      description: 'Has an asynchronous output contract.',
      parameters: z.object({}),
      output: z.object({ ok: z.boolean() }).refine(async () => true),
      execute: () => ({ ok: true }),
    });
    const run = testTool(slow);
    const error = await run.done().catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'OUTPUT_CONTRACT',
      message: expect.stringContaining('asynchronous'),
    });
    expect(run.responses).toEqual([
      { id: 'call-1', name: 'slow_contract', response: { output: { ok: true } } },
    ]);
  });
});
