import { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ToolContext } from '../tool/context.js';
import { defineStreamingTool } from '../tool/define-tool.js';
import { ToolRunner } from './tool-runner.js';

describe('the context a tool runs with', () => {
  it('has the own enumerable properties of a plain object, signal included, so a spread copy keeps them', () => {
    let ctx: ToolContext | undefined;
    const tool = defineStreamingTool({
      name: 'watch',
      description: 'Keeps its context.',
      parameters: z.object({}),
      execute: (_args, c) => {
        ctx = c;
        return new Observable<never>();
      },
    });
    const runner = new ToolRunner({ tools: [tool], sink: { send() {} } });
    runner.handleToolCall([{ id: 'c1', name: 'watch', args: {} }]);
    expect(Object.keys(ctx ?? {})).toEqual([
      'callId',
      'toolName',
      'signal',
      'input',
      'logger',
      'scheduler',
      'mediaInResults',
    ]);
    const copy = { ...ctx } as ToolContext;
    expect(copy.callId).toBe('c1');
    expect(copy.signal).toBeInstanceOf(AbortSignal);
    expect(copy.signal).toBe(ctx?.signal);
    runner.handleCancellation(['c1']);
    expect(copy.signal.aborted).toBe(true);
  });

  it("gives each call its own logger, made when first read, that adds the call's tool and id to every message", () => {
    const lines: [string, unknown][] = [];
    const logger = {
      debug: () => {},
      info: (message: string, data?: unknown) => lines.push([message, data]),
      warn: () => {},
      error: () => {},
    };
    const contexts: ToolContext[] = [];
    const tool = defineStreamingTool({
      name: 'watch',
      description: 'Keeps its context.',
      parameters: z.object({}),
      execute: (_args, c) => {
        contexts.push(c);
        return new Observable<never>();
      },
    });
    const runner = new ToolRunner({ tools: [tool], sink: { send() {} }, logger });
    runner.handleToolCall([
      { id: 'c1', name: 'watch', args: {} },
      { id: 'c2', name: 'watch', args: {} },
    ]);
    const [first, second] = contexts;
    expect(first?.logger).toBe(first?.logger);
    expect(first?.logger).not.toBe(second?.logger);
    ({ ...second }).logger?.info('from a spread copy', { n: 2 });
    first?.logger.info('hello', { n: 1 });
    expect(lines).toEqual([
      ['from a spread copy', { tool: 'watch', callId: 'c2', n: 2 }],
      ['hello', { tool: 'watch', callId: 'c1', n: 1 }],
    ]);
  });
});
