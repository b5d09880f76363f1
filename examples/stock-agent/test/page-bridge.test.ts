import type { LiveAgent, LiveAgentSession, LiveEvent } from '@livetools/core';
import { createSimulatedSource } from '@livetools/tools-stock';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConsoleAgent } from '../src/agent.js';
import { startConsoleServer } from '../src/web/server.js';
import { page } from './support/console-fixture.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** A console agent whose session is a stub the test drives: its events are what the test emits. */
async function stubbed(connect: () => Promise<LiveAgentSession>) {
  const agent: ConsoleAgent = {
    agent: { connect } as unknown as LiveAgent,
    mode: 'gemini',
    model: 'stub',
    audioOut: false,
    source: createSimulatedSource(),
    examples: [],
    close: async () => {},
  };
  const server = await startConsoleServer({ agent });
  cleanup.push(() => server.close());
  return server;
}

describe('the page bridge', () => {
  it('tells the page about a session event JSON cannot carry, and keeps the page', async () => {
    const events = new Subject<LiveEvent>();
    const session = {
      events$: events,
      declarations: () => [],
      close: async () => {},
    } as unknown as LiveAgentSession;
    const server = await stubbed(async () => session);
    const p = await page(server);
    await p.next('ready');

    events.next({
      type: 'tool-result',
      callId: 'c1',
      name: 't',
      output: { n: 1n },
      sequence: 1,
      time: 0,
    } as never);
    expect(await p.next('error')).toEqual({
      type: 'error',
      code: 'SESSION_ERROR',
      message: 'A tool-result message could not be shown: Do not know how to serialize a BigInt',
    });
    events.next({ type: 'model-text', text: 'still here' } as never);
    expect(await p.next('transcript')).toMatchObject({ text: 'still here' });
    p.ws.close();
  });

  it('reports a connect failure whatever was thrown, and closes the page with 1011', async () => {
    const server = await stubbed(() => Promise.reject(Object.assign(Object.create(null), { code: 1 })));
    const p = await page(server);
    const closed = new Promise<number>((resolve) => p.ws.once('close', (code) => resolve(code)));
    expect(await p.next('error')).toMatchObject({
      code: 'SESSION_ERROR',
      message: 'Could not connect to the model: an error that cannot be described',
    });
    expect(await closed).toBe(1011);
    expect((await fetch(server.url)).status).toBe(200);
  });
});
