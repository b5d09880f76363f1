import { GoogleGenAI } from '@google/genai';
import { createLiveAgent } from '@livetools/core';
import { createFakeLiveServer, type FakeLiveServer } from '@livetools/core/testing';
import { createSimulatedSource, createStockTools } from '@livetools/tools-stock';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ConsoleAgent } from '../src/agent.js';
import type { ServerMessage } from '../src/web/protocol.js';
import { type ConsoleServer, startConsoleServer } from '../src/web/server.js';

const apiKey = 'AIza-secret-key-that-must-stay-on-the-server';

/** A console agent on a fake Live server, with a key the page must never see. */
async function fakeAgent(): Promise<{ agent: ConsoleAgent; live: FakeLiveServer }> {
  const live = await createFakeLiveServer({ apiKeys: [apiKey] });
  const source = createSimulatedSource();
  const agent = createLiveAgent({
    ai: new GoogleGenAI({ apiKey, httpOptions: { baseUrl: live.url } }),
    model: 'gemini-live-test',
    tools: createStockTools({ source }),
  });
  return {
    live,
    agent: {
      agent,
      mode: 'gemini',
      model: 'gemini-live-test',
      audioOut: true,
      source,
      examples: [],
      close: () => live.close(),
    },
  };
}

/** A page's WebSocket: the messages it got, and a way to wait for one. */
async function page(server: ConsoleServer, options: { origin?: string; token?: string } = {}) {
  const url = `ws://127.0.0.1:${server.port}/ws?token=${options.token ?? server.token}`;
  const ws = new WebSocket(url, options.origin === undefined ? {} : { origin: options.origin });
  const messages: ServerMessage[] = [];
  const raw: string[] = [];
  const waiters: { test: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  ws.on('message', (data) => {
    raw.push(String(data));
    const message = JSON.parse(String(data)) as ServerMessage;
    messages.push(message);
    for (const w of [...waiters]) {
      if (w.test(message)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(message);
      }
    }
  });
  const next = <T extends ServerMessage['type']>(
    type: T,
    test: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true,
  ) =>
    new Promise<Extract<ServerMessage, { type: T }>>((resolve) => {
      const found = messages.find((m) => m.type === type && test(m as Extract<ServerMessage, { type: T }>));
      if (found) return resolve(found as Extract<ServerMessage, { type: T }>);
      waiters.push({
        test: (m) => m.type === type && test(m as Extract<ServerMessage, { type: T }>),
        resolve: (m) => resolve(m as Extract<ServerMessage, { type: T }>),
      });
    });
  return {
    ws,
    messages,
    raw,
    next,
    send: (m: unknown) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)),
  };
}

/** The HTTP status a WebSocket upgrade was refused with. */
function refusal(url: string, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    ws.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => undefined);
  });
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function start(
  options: { maxMessagesPerSecond?: number; maxVideoFps?: number; now?: () => number } = {},
) {
  const { agent, live } = await fakeAgent();
  const server = await startConsoleServer({
    agent,
    ...(options.maxMessagesPerSecond ? { maxMessagesPerSecond: options.maxMessagesPerSecond } : {}),
    ...(options.maxVideoFps ? { limits: { maxVideoFps: options.maxVideoFps } } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  cleanup.push(
    () => agent.close(),
    () => server.close(),
  );
  return { server, live };
}

describe('the console server', () => {
  it('binds to 127.0.0.1 with a random token in the URL, and serves the page with a strict CSP', async () => {
    const { server } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{22}$/);
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await response.text();
    expect(html).toContain('<script type="module" src="app.js"></script>');
    expect(html).not.toContain(apiKey);
    for (const path of ['/../package.json', '/..%2fpackage.json', '/%2e%2e/src/agent.ts', '/server.ts']) {
      expect((await fetch(`http://127.0.0.1:${server.port}${path}`)).status).toBe(404);
    }
  });

  it('refuses a WebSocket with a wrong or missing token, another path, or a foreign Origin', async () => {
    const { server } = await start();
    const base = `ws://127.0.0.1:${server.port}`;
    expect(await refusal(`${base}/ws?token=wrong`)).toBe(401);
    expect(await refusal(`${base}/ws`)).toBe(401);
    expect(await refusal(`${base}/other?token=${server.token}`)).toBe(404);
    expect(await refusal(`${base}/ws?token=${server.token}`, 'http://evil.example')).toBe(403);
    expect(await refusal(`${base}/ws?token=${server.token}`, `http://127.0.0.1:${server.port + 1}`)).toBe(
      403,
    );
    expect(server.sessions).toBe(0);
    const ok = await page(server, { origin: `http://localhost:${server.port}` });
    await ok.next('ready');
    ok.ws.close();
  });

  it('answers bad messages with a clear error and keeps the session running', async () => {
    const { server, live } = await start();
    const p = await page(server, { origin: `http://127.0.0.1:${server.port}` });
    const ready = await p.next('ready');
    expect(ready).toMatchObject({
      mode: 'gemini',
      tools: ['monitor_stock_price', 'get_stock_price', 'stop_streaming'],
    });
    const conn = await live.waitForConnection();

    p.send('not json');
    expect((await p.next('error')).message).toBe('A message was not valid JSON.');
    p.send({ type: 'launch-rockets' });
    expect(await p.next('error', (e) => e.message.includes('type'))).toMatchObject({ code: 'BAD_MESSAGE' });
    p.send({ type: 'video', data: 'not base64!', mimeType: 'image/jpeg' });
    expect(await p.next('error', (e) => e.message.includes('base64'))).toMatchObject({ code: 'BAD_MESSAGE' });
    p.send({ type: 'text', text: 'x'.repeat(1_100_000) });
    expect(await p.next('error', (e) => e.code === 'TOO_LARGE')).toMatchObject({
      message: expect.stringMatching(/^A message of \d+ bytes was refused: the limit is 1000000\.$/),
    });
    p.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await p.next('error', (e) => e.message.startsWith('Binary'))).toMatchObject({
      code: 'BAD_MESSAGE',
    });
    p.send({ type: 'stop-call', callId: 'no-such-call' });
    expect(await p.next('error', (e) => e.code === 'UNKNOWN_CALL')).toMatchObject({
      message: 'No running call has the id no-such-call; it may have ended already.',
    });

    // still working: text reaches the model, a tool call runs and the stop button stops it
    p.send({ type: 'text', text: 'hello' });
    await conn.waitForFrame((f) => f.clientContent?.turns?.[0]?.parts?.[0]?.text === 'hello');
    const id = conn.callTool('monitor_stock_price', { symbol: 'AAPL' });
    await p.next('tool-result', (m) => m.callId === id);
    p.send({ type: 'stop-call', callId: id });
    expect(await p.next('tool-end', (m) => m.callId === id)).toMatchObject({
      reason: 'cancelled',
      cancelledBy: 'application',
    });
    expect(p.raw.join('\n')).not.toContain(apiKey);
    p.ws.close();
  });

  it('limits the camera frame rate and the message rate, with one notice per second', async () => {
    let clock = 1_000_000; // frozen unless moved: the limits see a burst however slow the machine
    const { server, live } = await start({ maxVideoFps: 2, maxMessagesPerSecond: 50, now: () => clock });
    const p = await page(server);
    await p.next('ready');
    const conn = await live.waitForConnection();
    const frame = Buffer.from([0xff, 0xd8, 0xff, 0xd9]).toString('base64');
    for (let i = 0; i < 10; i++) p.send({ type: 'video', data: frame, mimeType: 'image/jpeg' });
    expect(await p.next('error', (e) => e.code === 'RATE_LIMITED')).toMatchObject({
      message: 'Camera frames above 2 per second are dropped; lower the frame rate.',
    });
    p.send({ type: 'text', text: 'after the frames' });
    await conn.waitForFrame((f) => f.clientContent !== undefined);
    expect(conn.realtimeInputs.filter((r) => r.video)).toHaveLength(2);
    expect(p.messages.filter((m) => m.type === 'error')).toHaveLength(1);

    clock += 1000; // a second later: the budgets are full again
    p.send({ type: 'video', data: frame, mimeType: 'image/jpeg' });
    for (let i = 0; i < 200; i++) p.send({ type: 'audio-end' });
    expect(await p.next('error', (e) => e.message.startsWith('Too many messages'))).toMatchObject({
      message: 'Too many messages: the page may send 50 a second; the extra ones were dropped.',
    });
    clock += 1000;
    p.send({ type: 'text', text: 'after the flood' });
    await conn.waitForFrame((f) => f.clientContent?.turns?.[0]?.parts?.[0]?.text === 'after the flood');
    expect(conn.realtimeInputs.filter((r) => r.video)).toHaveLength(3);
    expect(conn.realtimeInputs.filter((r) => r.audioStreamEnd)).toHaveLength(49); // 50 a second, one was the frame
    p.ws.close();
  });

  it('closes the live session when the page goes away', async () => {
    const { server, live } = await start();
    const p = await page(server);
    await p.next('ready');
    const conn = await live.waitForConnection();
    expect(server.sessions).toBe(1);
    p.ws.close();
    const closed = await conn.waitForClose();
    expect(closed.code).toBe(1005); // the SDK's close() sends a close frame without a code
  });
});
