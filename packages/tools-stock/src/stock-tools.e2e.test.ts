import { GoogleGenAI as GoogleGenAI3 } from '@google/genai';
import { createLiveAgent, type GenAIClient } from '@livetools/core';
import { createFakeLiveServer } from '@livetools/core/testing';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import { describe, expect, it } from 'vitest';
import { pushedSource } from '../test/support/pushed-source.js';
import { createStockTools } from './stock-tools.js';

const sdks: [string, (baseUrl: string) => GenAIClient][] = [
  ['@google/genai 3.x', (baseUrl) => new GoogleGenAI3({ apiKey: 'k', httpOptions: { baseUrl } })],
  ['@google/genai 2.x', (baseUrl) => new GoogleGenAI2({ apiKey: 'k', httpOptions: { baseUrl } })],
];

describe.each(sdks)('monitor_stock_price end to end over %s', (_name, makeAi) => {
  it('streams reports with the right scheduling, is stopped by stop_streaming, and closes the shared upstream', async () => {
    const feed = pushedSource();
    const quote = (price: number) => feed.quote('AAPL', price, Date.now());

    await using server = await createFakeLiveServer();
    const agent = createLiveAgent({
      ai: makeAi(server.url),
      model: 'gemini-live-test',
      tools: createStockTools({ source: feed.source }),
    });
    const connected = server.waitForConnection();
    const session = await agent.connect();
    const conn = await connected;
    try {
      expect(conn.declarations.map((d) => d.name)).toEqual([
        'monitor_stock_price',
        'get_stock_price',
        'stop_streaming',
      ]);
      const id = conn.callTool('monitor_stock_price', {
        symbol: 'AAPL',
        thresholdPercent: 1,
        alertBelow: 95,
      });
      // the call is started when the server's frame is handled; quotes flow once it subscribed
      await new Promise<void>((resolve) => {
        const check = session.events$.subscribe((e) => {
          if (e.type === 'tool-start' && e.callId === id) {
            check.unsubscribe();
            resolve();
          }
        });
      });
      expect(feed.upstreams.active).toBe(1);
      quote(100);
      quote(100.4); // below the threshold: no report
      quote(101.2);
      quote(94.9);
      await conn.waitForToolResponse(id, (r) => (r.output as { kind?: string })?.kind === 'alert');
      expect(
        conn
          .toolResponses(id)
          .map((r) => [
            (r.output as { kind: string }).kind,
            (r.output as { price: number }).price,
            r.scheduling,
            r.willContinue,
          ]),
      ).toEqual([
        ['initial', 100, 'WHEN_IDLE', true],
        ['move', 101.2, 'WHEN_IDLE', true],
        ['alert', 94.9, 'INTERRUPT', true],
      ]);
      const stop = conn.callTool('stop_streaming', { function_name: 'monitor_stock_price' });
      const answer = await conn.waitForToolResponse(stop);
      expect(answer.output).toEqual({
        stopped: [{ call_id: id, function_name: 'monitor_stock_price', results: 3 }],
      });
      expect(conn.toolResponses(id).at(-1)).toMatchObject({
        willContinue: false,
        output: { status: 'stopped', reason: 'model' },
      });
      expect(feed.upstreams.active).toBe(0);
    } finally {
      await session.close();
    }
  });
});
