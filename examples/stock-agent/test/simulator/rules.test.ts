import type { LiveFunctionCallPart } from '@livetools/core/testing';
import { describe, expect, it } from 'vitest';
import {
  interpretUserText,
  type SimulatedRule,
  type SimulatedRuleContext,
} from '../../src/simulator/rules.js';

const declarations = [{ name: 'monitor_stock_price' }, { name: 'countdown' }, { name: 'stop_streaming' }];
const running: LiveFunctionCallPart[] = [
  { id: 'function-call-1', name: 'monitor_stock_price', args: { symbol: 'ACME' } },
  { id: 'function-call-2', name: 'countdown', args: { n: 3 } },
];
const context = (text: string, patch: Partial<SimulatedRuleContext> = {}): SimulatedRuleContext => ({
  text,
  declarations,
  openCalls: running,
  ...patch,
});

describe('interpretUserText', () => {
  const watch: SimulatedRule = {
    match: /watch (\w+)/gi,
    call: (m) => ({ name: 'monitor_stock_price', args: { symbol: m[1]!.toUpperCase() } }),
    example: 'watch ACME',
  };

  it('applies custom rules first, every time (even with a global regex)', () => {
    expect(interpretUserText([watch], context('watch acme'))).toEqual({
      calls: [{ name: 'monitor_stock_price', args: { symbol: 'ACME' } }],
    });
    expect(interpretUserText([watch], context('watch beta'))).toEqual({
      calls: [{ name: 'monitor_stock_price', args: { symbol: 'BETA' } }],
    });
  });

  it('lets a rule return several calls, or pass with undefined', () => {
    const both: SimulatedRule = {
      match: /both/,
      call: () => [{ name: 'countdown', args: { n: 1 } }, { name: 'countdown' }],
    };
    const pass: SimulatedRule = { match: /.*/, call: () => undefined };
    expect(interpretUserText([pass, both], context('both')).calls).toHaveLength(2);
  });

  it('refuses to call an undeclared function', () => {
    const rule: SimulatedRule = { match: /go/, call: () => ({ name: 'launch' }) };
    expect(interpretUserText([rule], context('go'))).toEqual({
      say: 'I would call launch, but this session does not declare it.',
    });
  });

  it.each([
    ['stop countdown', { function_name: 'countdown' }],
    ['Stop monitor stock price.', { function_name: 'monitor_stock_price' }],
    ['stop watching the stock', { function_name: 'monitor_stock_price' }],
    ['cancel function-call-2', { call_id: 'function-call-2' }],
  ])('reads %j as a stop_streaming call', (text, args) => {
    expect(interpretUserText([], context(text))).toEqual({ calls: [{ name: 'stop_streaming', args }] });
  });

  it('stops every running call on a bare "stop"', () => {
    expect(interpretUserText([], context('stop'))).toEqual({
      calls: [
        { name: 'stop_streaming', args: { call_id: 'function-call-1' } },
        { name: 'stop_streaming', args: { call_id: 'function-call-2' } },
      ],
    });
    expect(interpretUserText([], context('stop all', { openCalls: [] }))).toEqual({
      say: 'Nothing is running, so there is nothing to stop.',
    });
  });

  it('stops several running calls of one function with one function_name call (one reply, not one per call)', () => {
    const watches: LiveFunctionCallPart[] = ['A', 'B', 'C'].map((symbol, i) => ({
      id: `function-call-${i + 1}`,
      name: 'monitor_stock_price',
      args: { symbol },
    }));
    const openCalls = [...watches, { id: 'function-call-4', name: 'countdown', args: { n: 3 } }];
    expect(interpretUserText([], context('stop all', { openCalls }))).toEqual({
      calls: [
        { name: 'stop_streaming', args: { function_name: 'monitor_stock_price' } },
        { name: 'stop_streaming', args: { call_id: 'function-call-4' } },
      ],
    });
  });

  it('lets a rule answer in words instead of calling', () => {
    const rule: SimulatedRule = {
      match: /stop the camera/,
      call: () => ({ say: 'The camera is not watched.' }),
    };
    expect(interpretUserText([rule], context('stop the camera'))).toEqual({
      say: 'The camera is not watched.',
    });
  });

  it('says plainly that nothing running matches a stop target', () => {
    expect(interpretUserText([], context('stop AAPL', { openCalls: [] })).say).toBe(
      'Nothing running matches "AAPL", so there is nothing to stop. Nothing is running.',
    );
  });

  it('asks when a stop target is unclear', () => {
    expect(interpretUserText([], context('stop the weather')).say).toBe(
      'I am not sure what "the weather" means. Running now: monitor_stock_price (function-call-1), ' +
        'countdown (function-call-2). Say "stop" followed by a name or call id.',
    );
  });

  it('reads "call <name> {json}" and "<name>" for declared functions', () => {
    expect(interpretUserText([], context('call countdown {"n": 4}'))).toEqual({
      calls: [{ name: 'countdown', args: { n: 4 } }],
    });
    expect(interpretUserText([], context('countdown'))).toEqual({ calls: [{ name: 'countdown', args: {} }] });
    expect(interpretUserText([], context('call countdown {n: 4}')).say).toBe(
      'The arguments for countdown must be one JSON object, like: call countdown {"key": "value"}.',
    );
  });

  it('answers with what it can do otherwise', () => {
    expect(interpretUserText([watch], context('hello')).say).toBe(
      'I am a simulated model, not Gemini: I only follow simple typed requests. I can call monitor_stock_price, ' +
        'countdown, stop_streaming. Try "watch ACME", "call <name> {json arguments}", "stop <name or call id>" or "stop".',
    );
    expect(interpretUserText([], context('stop', { declarations: [] })).say).toMatch(/declares no functions/);
  });
});
