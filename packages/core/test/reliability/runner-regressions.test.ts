/**
 * Regression tests for the runner bugs the reliability properties found, one per bug, each
 * named after it.
 */
import { NEVER, of, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LiveFunctionResponse } from '../../src/protocol/function-calls.js';
import type { ToolEvent } from '../../src/runner/events.js';
import { ToolRunner } from '../../src/runner/tool-runner.js';
import { type AnyTool, defineStreamingTool } from '../../src/tool/define-tool.js';
import type { StandardSchemaV1 } from '../../src/tool/standard-schema.js';

function recorder(tools: AnyTool[], vts = new VirtualTimeScheduler()) {
  const sent: LiveFunctionResponse[] = [];
  const events: ToolEvent[] = [];
  const runner = new ToolRunner({ tools, scheduler: vts, sink: { send: (r) => sent.push(...r) } });
  return { runner, sent, events, vts };
}

describe('scheduler regressions', () => {
  it('a call stopped by a tool-start subscriber never runs execute() and leaves no max-duration timer', () => {
    let executions = 0;
    const tool = defineStreamingTool({
      name: 'watch',
      description: 'Watches.',
      parameters: z.object({}),
      maxDurationMs: 1000,
      execute: () => {
        executions += 1;
        return NEVER;
      },
    });
    const { runner, sent, events, vts } = recorder([tool]);
    runner.events$.subscribe((e) => {
      events.push(e);
      if (e.type === 'tool-start') runner.stopCalls({ callId: e.callId });
    });
    runner.handleToolCall([{ id: 'a', name: 'watch', args: {} }]);
    expect(executions).toBe(0);
    expect(events.map((e) => e.type)).toEqual(['tool-call', 'tool-start', 'tool-end']);
    expect(sent).toHaveLength(1);
    expect(vts.actions).toHaveLength(0);
  });

  it('a schema whose asynchronous validation rejects answers INVALID_ARGUMENTS instead of leaving the call validating', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const base = defineStreamingTool({
        name: 'watch',
        description: 'Watches.',
        parameters: z.object({}),
        execute: () => NEVER,
      });
      const crashing: StandardSchemaV1<unknown, Record<string, unknown>> = {
        '~standard': {
          version: 1,
          vendor: 'test',
          validate: () => Promise.reject(new Error('lookup service down')),
        },
      };
      const { runner, sent, events } = recorder([{ ...base, parameters: crashing } as AnyTool]);
      runner.events$.subscribe((e) => events.push(e));
      runner.handleToolCall([{ id: 'a', name: 'watch', args: {} }]);
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(rejections).toEqual([]);
      expect(runner.activeCalls()).toEqual([]);
      expect(sent).toEqual([
        {
          id: 'a',
          name: 'watch',
          response: {
            error: {
              code: 'INVALID_ARGUMENTS',
              message: expect.stringContaining('lookup service down'),
              issues: [{ path: '', message: expect.stringContaining('the schema threw') }],
            },
          },
          willContinue: false,
        },
      ]);
      expect(events.at(-1)).toMatchObject({ type: 'tool-end', reason: 'failed' });
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  /** A queue tool: its first call never ends; later calls emit synchronously and complete. */
  function queueTool(interruption: 'keep' | 'cancel') {
    const executed: string[] = [];
    const tool = defineStreamingTool({
      name: 'feed',
      description: 'Feeds.',
      parameters: z.object({ endless: z.boolean() }),
      onDuplicate: 'queue',
      interruption,
      execute: ({ endless }, ctx) => {
        executed.push(ctx.callId);
        return endless ? NEVER : of('late result');
      },
    });
    return { tool, executed };
  }

  it('a queued call of an interruption:cancel tool is stopped by the interruption, never started', () => {
    const { tool, executed } = queueTool('cancel');
    const { runner, sent } = recorder([tool]);
    runner.handleToolCall([
      { id: 'running', name: 'feed', args: { endless: true } },
      { id: 'queued', name: 'feed', args: { endless: false } },
    ]);
    runner.handleInterruption();
    expect(executed).toEqual(['running']);
    expect(sent.filter((r) => r.id === 'queued')).toEqual([
      {
        id: 'queued',
        name: 'feed',
        response: { output: { status: 'stopped', reason: 'interruption', results: 0 } },
        willContinue: false,
        scheduling: 'SILENT',
      },
    ]);
    expect(runner.activeCalls()).toEqual([]);
  });

  it('a toolCallCancellation naming a running call and the call queued behind it never starts the queued one', () => {
    const { tool, executed } = queueTool('keep');
    const { runner, sent } = recorder([tool]);
    runner.handleToolCall([
      { id: 'running', name: 'feed', args: { endless: true } },
      { id: 'queued', name: 'feed', args: { endless: false } },
      { id: 'next', name: 'feed', args: { endless: true } },
    ]);
    runner.handleCancellation(['running', 'queued']);
    expect(executed).toEqual(['running', 'next']);
    expect(sent.filter((r) => r.id === 'queued' || r.id === 'running')).toEqual([]);
    expect(runner.activeCalls().map((c) => [c.callId, c.state])).toEqual([['next', 'running']]);
  });
});
