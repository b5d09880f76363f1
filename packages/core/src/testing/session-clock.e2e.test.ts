/**
 * What the session's `scheduler` option does to server messages, as docs/guide/testing.md says:
 * the first connection's `connected` event and every server message that arrives before the
 * scheduler runs its first action are held until it does; after that, messages are handled as
 * they arrive, and tools' timers run on that scheduler.
 */
import { GoogleGenAI } from '@google/genai';
import { filter, firstValueFrom, interval, map, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLiveAgent } from '../session/create-live-agent.js';
import { defineStreamingTool, defineTool } from '../tool/define-tool.js';
import { createFakeLiveServer, createVirtualClock, FakeLiveWaitError } from './index.js';

const ping = defineTool({
  name: 'ping',
  description: 'Answers pong.',
  parameters: z.object({}),
  execute: () => 'pong',
});

const countdown = defineStreamingTool({
  name: 'countdown',
  description: 'Counts down from n, one number a second.',
  parameters: z.object({ n: z.number().int().min(1) }),
  execute: ({ n }, ctx) =>
    interval(1000, ctx.scheduler).pipe(
      take(n),
      map((i) => ({ remaining: n - i - 1 })),
    ),
});

describe('a session on a virtual clock', () => {
  it('holds server messages until the clock first runs, then runs tool timers in virtual time', async () => {
    await using server = await createFakeLiveServer();
    const clock = createVirtualClock();
    const agent = createLiveAgent({
      ai: new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: server.url } }),
      model: 'gemini-3.8-live',
      tools: [countdown, ping],
      scheduler: clock,
    });
    await using session = await agent.connect();
    const types: string[] = [];
    session.events$.subscribe((e) => types.push(e.type));
    const connection = await server.waitForConnection();

    const pingId = connection.callTool('ping');
    const held = await connection
      .waitForToolResponse(pingId, undefined, { timeoutMs: 200 })
      .catch((e: unknown) => e);
    expect(FakeLiveWaitError.isInstance(held)).toBe(true);
    expect(types).toEqual([]);

    await clock.advanceBy(0);
    expect(types.slice(0, 2)).toEqual(['connected', 'tool-call']);
    expect((await connection.waitForToolResponse(pingId)).output).toBe('pong');

    // From now on messages are handled as they arrive; the tool's timer waits for the clock.
    const started = firstValueFrom(session.events$.pipe(filter((e) => e.type === 'tool-start')));
    const id = connection.callTool('countdown', { n: 2 });
    expect(await started).toMatchObject({ callId: id, time: 0 });
    await clock.advanceBy(1000);
    const first = await connection.waitForToolResponse(id);
    expect(first).toMatchObject({ output: { remaining: 1 }, willContinue: true });
  });
});
