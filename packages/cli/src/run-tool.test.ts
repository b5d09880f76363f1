import { defineStreamingTool, defineTool, withScheduling } from '@livetools/core';
import { createTestScheduler } from '@livetools/core/testing';
import { interval, map, NEVER, take, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type RunOutcome, type RunResponse, type RunToolOptions, runTool } from './run-tool.js';

const countdown = defineStreamingTool({
  name: 'countdown',
  description: 'Counts down.',
  parameters: z.object({ n: z.number().int().min(1) }),
  execute: ({ n }, ctx) =>
    interval(5, ctx.scheduler).pipe(
      take(n),
      map((i) => (i === n - 1 ? withScheduling({ left: 0 }, 'INTERRUPT') : { left: n - i - 1 })),
    ),
});
const forever = defineStreamingTool({
  name: 'forever',
  description: 'Never ends.',
  parameters: z.object({}),
  execute: () => NEVER,
});

function collect() {
  const responses: RunResponse[] = [];
  return { responses, onResponse: (r: RunResponse) => responses.push(r) };
}

/** Runs a call on a `TestScheduler`: every timer and `elapsedMs` is in virtual milliseconds. */
function runVirtually(options: Omit<RunToolOptions, 'scheduler'>): Promise<RunOutcome> {
  const scheduler = createTestScheduler(expect);
  const outcome = runTool({ ...options, scheduler });
  scheduler.flush();
  return outcome;
}

describe('runTool', () => {
  it('runs a streaming call to completion, numbering results and marking the final response', async () => {
    const { responses, onResponse } = collect();
    const outcome = await runVirtually({ tool: countdown, args: { n: 3 }, onResponse });
    expect(outcome).toEqual({ reason: 'completed', results: 3, refused: 0, elapsedMs: 15 });
    expect(responses.map((r) => [r.kind, r.sequence, r.response.scheduling, r.response.response])).toEqual([
      ['result', 1, 'WHEN_IDLE', { output: { left: 2 } }],
      ['result', 2, 'WHEN_IDLE', { output: { left: 1 } }],
      ['result', 3, 'INTERRUPT', { output: { left: 0 } }],
      ['final', undefined, 'SILENT', { output: { status: 'completed', results: 3 } }],
    ]);
    // countdown emits every 5 ms and completes with its third result: each response is timed from the call
    expect(responses.map((r) => r.elapsedMs)).toEqual([5, 10, 15, 15]);
  });

  it('stops at durationMs exactly, on the scheduler it is given', async () => {
    const { responses, onResponse } = collect();
    const outcome = await runVirtually({ tool: forever, args: {}, durationMs: 30, onResponse });
    expect(outcome).toEqual({ reason: 'duration', results: 0, refused: 0, elapsedMs: 30 });
    expect(responses.map((r) => [r.kind, r.elapsedMs])).toEqual([['final', 30]]);
  });

  it('stops after durationMs with a final response from the application', async () => {
    const { responses, onResponse } = collect();
    const outcome = await runTool({ tool: forever, args: {}, durationMs: 30, onResponse });
    expect(outcome.reason).toBe('duration');
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(25);
    expect(responses.map((r) => r.response.response)).toEqual([
      { output: { status: 'stopped', reason: 'application', results: 0 } },
    ]);
  });

  it('stops when the signal aborts, even a one-shot call that never answers', async () => {
    const controller = new AbortController();
    const pending = runTool({ tool: forever, args: {}, signal: controller.signal });
    controller.abort();
    expect(await pending).toMatchObject({ reason: 'interrupted', results: 0 });
    const hang = defineTool({
      name: 'hang',
      description: 'Hangs.',
      parameters: z.object({}),
      execute: () => new Promise(() => {}),
    });
    const aborted = AbortSignal.abort();
    expect(await runTool({ tool: hang, args: {}, signal: aborted })).toMatchObject({ reason: 'interrupted' });
  });

  it('reports invalid arguments and failures', async () => {
    const { responses, onResponse } = collect();
    const invalid = await runTool({ tool: countdown, args: { n: 0 }, onResponse });
    expect(invalid.reason).toBe('invalid-arguments');
    expect(invalid.error?.code).toBe('INVALID_ARGUMENTS');
    expect(responses.map((r) => r.kind)).toEqual(['error']);
    const broken = defineStreamingTool({
      name: 'broken',
      description: 'Fails.',
      parameters: z.object({}),
      execute: () => throwError(() => new Error('feed down')),
    });
    const failed = await runTool({ tool: broken, args: {} });
    expect(failed).toMatchObject({ reason: 'failed', error: { message: 'broken failed: feed down' } });
  });
});
