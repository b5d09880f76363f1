import type { LiveAgent, LiveAgentSession, LiveEvent } from '@livetools/core';
import { createSimulatedSource, type QuoteSource, type QuoteUpdate } from '@livetools/tools-stock';
import { Subject, throwError } from 'rxjs';
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
async function stubbed(
  connect: () => Promise<LiveAgentSession>,
  source: QuoteSource = createSimulatedSource(),
) {
  const agent: ConsoleAgent = {
    agent: { connect, delivery: 'function-response' } as unknown as LiveAgent,
    mode: 'gemini',
    model: 'stub',
    audioOut: false,
    source,
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
      toolName: 't',
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

  it("streams a watch's quotes to its chart; a source that throws, fails or sends a bad price costs nothing else", async () => {
    const feeds = new Map<string, Subject<QuoteUpdate>>();
    const source: QuoteSource = {
      name: 'hostile',
      watch: (symbol) => {
        if (symbol === 'THROW') throw new Error('watch threw');
        if (symbol === 'FAIL') return throwError(() => new Error('feed failed'));
        const feed = new Subject<QuoteUpdate>();
        feeds.set(symbol, feed);
        return feed;
      },
      quote: () => Promise.reject(new Error('not used')),
    };
    const events = new Subject<LiveEvent>();
    const session = {
      events$: events,
      declarations: () => [],
      close: async () => {},
    } as unknown as LiveAgentSession;
    const server = await stubbed(async () => session, source);
    const p = await page(server);
    expect(await p.next('ready')).toMatchObject({ source: 'hostile', delivery: 'function-response' });
    const start = (callId: string, args: unknown) =>
      events.next({ type: 'tool-start', callId, toolName: 'monitor_stock_price', args, time: 0 } as never);
    start('t', { symbol: 'THROW' });
    start('f', { symbol: 'FAIL' });
    start('x', null);
    start('y', ['AAPL']);
    start('ok', { symbol: 'OK' });
    const quote = (price: number, time = 1_700_000_000_000) =>
      feeds.get('OK')?.next({
        type: 'quote',
        quote: { symbol: 'OK', price, time, source: 'hostile', marketOpen: true },
      });
    feeds.get('OK')?.next({ type: 'status', status: 'stale', symbol: 'OK', time: 0 } as QuoteUpdate);
    quote(Number.NaN);
    quote(10, Number.POSITIVE_INFINITY);
    quote(12);
    expect(await p.next('quote')).toEqual({
      type: 'quote',
      callId: 'ok',
      symbol: 'OK',
      price: 12,
      time: 1_700_000_000_000,
    });
    // the call ends: its stream is unsubscribed
    events.next({
      type: 'tool-end',
      callId: 'ok',
      toolName: 'monitor_stock_price',
      reason: 'completed',
      results: 1,
      time: 0,
    } as never);
    await p.next('tool-end');
    expect(feeds.get('OK')?.observed).toBe(false);
    events.next({ type: 'model-text', text: 'still here' } as never);
    expect(await p.next('transcript')).toMatchObject({ text: 'still here' });
    expect(p.messages.filter((m) => m.type === 'quote')).toHaveLength(1);
    expect(p.messages.filter((m) => m.type === 'error')).toEqual([]);
    p.ws.close();
  });
});
