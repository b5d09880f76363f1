import { describe, expect, it } from 'vitest';
import { type SimulatedToolResult, summarizeToolResult } from '../../src/simulator/narration.js';

const result = (patch: Partial<SimulatedToolResult>): SimulatedToolResult => ({
  id: 'function-call-1',
  name: 'quote',
  args: undefined,
  output: undefined,
  error: undefined,
  willContinue: true,
  scheduling: 'WHEN_IDLE',
  ...patch,
});

describe('summarizeToolResult', () => {
  it('lists the top-level fields of an object output', () => {
    expect(
      summarizeToolResult(
        result({ output: { symbol: 'ACME', price: 12.5, tags: ['a', 'b'], at: { h: 1 } } }),
      ),
    ).toBe('quote: symbol ACME, price 12.5, tags [2 items], at {"h":1}');
  });

  it('marks the final response and summarises other values', () => {
    expect(summarizeToolResult(result({ output: 3, willContinue: false }))).toBe('quote: 3 (final)');
    expect(summarizeToolResult(result({ output: [1] }))).toBe('quote: 1 item');
  });

  it('says nothing for an empty intermediate result and "finished" for an empty final one', () => {
    expect(summarizeToolResult(result({ output: {} }))).toBeUndefined();
    expect(summarizeToolResult(result({ output: {}, willContinue: false }))).toBe('quote finished.');
  });

  it('reports errors by message, string or JSON', () => {
    expect(summarizeToolResult(result({ error: { message: 'boom' } }))).toBe('quote failed: boom');
    expect(summarizeToolResult(result({ error: 'bad' }))).toBe('quote failed: bad');
    expect(summarizeToolResult(result({ error: { code: 7 } }))).toBe('quote failed: {"code":7}');
  });

  it('stays brief', () => {
    const text = summarizeToolResult(result({ output: { text: 'x'.repeat(500) } }));
    expect(text).toHaveLength(160);
    expect(text?.endsWith('…')).toBe(true);
  });
});
