import type { NetworkInterfaceInfo } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { apiKey, page, refusal, type StartOptions, startConsole } from './support/console-fixture.js';
import { get, rawRequest, upgrade } from './support/raw-http.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

const start = (options: StartOptions = {}) => startConsole(cleanup, options);

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

  it('tells the page the model, the delivery and the quote source, and streams the quotes of a watch to its chart', async () => {
    const { server, live } = await start();
    const p = await page(server);
    expect(await p.next('ready')).toMatchObject({
      model: 'gemini-live-test',
      delivery: 'function-response',
      source: 'simulated',
    });
    const conn = await live.waitForConnection();
    const id = conn.callTool('monitor_stock_price', { symbol: 'aapl' });
    // every quote of the watched symbol, not only the reported moves, for the chart
    const first = await p.next('quote', (m) => m.callId === id);
    expect(first).toMatchObject({ symbol: 'AAPL', price: expect.any(Number), time: expect.any(Number) });
    await p.next('quote', (m) => m.callId === id && m !== first);
    conn.callTool('stop_streaming', { call_id: id });
    await p.next('tool-end', (m) => m.callId === id);
    const quotesAtEnd = p.messages.filter((m) => m.type === 'quote').length;
    await p.settle(); // a quote sent after the end would be here by now
    expect(p.messages.filter((m) => m.type === 'quote')).toHaveLength(quotesAtEnd);
    p.ws.close();
  });

  it('answers a second watch of a symbol with the running call, and tells the page which', async () => {
    const { server, live } = await start();
    const p = await page(server);
    await p.next('ready');
    const conn = await live.waitForConnection();
    const first = conn.callTool('monitor_stock_price', { symbol: 'MSFT' });
    await p.next('tool-result', (m) => m.callId === first);
    const second = conn.callTool('monitor_stock_price', { symbol: 'msft', alertAbove: 1000 });
    expect(await p.next('tool-end', (m) => m.callId === second)).toMatchObject({
      reason: 'failed',
      errorCode: 'DUPLICATE_CALL',
      runningCallId: first,
      error: expect.stringContaining(`MSFT is already watched by call ${first}`),
    });
    const response = await conn.waitForToolResponse(second);
    expect(response.output).toBeUndefined();
    expect(JSON.stringify(response)).toContain('DUPLICATE_CALL');
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
    await p.settle(); // a second notice for the same burst would be here by now
    expect(p.messages.flatMap((m) => (m.type === 'error' ? [m.code] : []))).toEqual([
      'RATE_LIMITED',
      'UNKNOWN_CALL', // the answer settle() waits for
    ]);

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

  it('answers a malformed request target with 400 or 404, before and after the token check, and lives', async () => {
    const { server } = await start();
    const host = { Host: `127.0.0.1:${server.port}` };
    // what any web page can do: new WebSocket('ws://127.0.0.1:8787//[')
    expect(await refusal(`ws://127.0.0.1:${server.port}//[`)).toBe(404);
    for (const target of ['//[', 'http://[', `//[?token=${server.token}`, `/ws?token=${server.token}%`]) {
      expect((await rawRequest(server.port, upgrade(target, host))).status).toBeOneOf([400, 404]);
      expect((await rawRequest(server.port, get(target, host))).status).toBeOneOf([400, 404]);
    }
    const p = await page(server);
    await p.next('ready');
    p.ws.close();
  });

  it('answers only as the hosts it is reachable as: a foreign Host gets 421, files and upgrade alike', async () => {
    const { server } = await start();
    const { port, token } = server;
    const status = async (host: string, request = get) =>
      (await rawRequest(port, request(`/ws?token=${token}`, { Host: host }))).status;
    const file = async (host: string) => (await rawRequest(port, get('/', { Host: host }))).status;

    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1:${port + 1}`,
      `localhost.evil:${port}`,
    ]) {
      expect(await file(host)).toBe(421);
      expect(await status(host, upgrade)).toBe(421);
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      expect(await file(host)).toBe(200);
      expect(await status(host, upgrade)).toBe(101);
    }
  });

  it('with host 0.0.0.0, accepts pages opened at 127.0.0.1 and at every address it listens on', async () => {
    const lan = { address: '192.0.2.7', family: 'IPv4', internal: false } as NetworkInterfaceInfo;
    const loopback = { address: '127.0.0.1', family: 'IPv4', internal: true } as NetworkInterfaceInfo;
    const { server } = await start({
      host: '0.0.0.0',
      networkInterfaces: () => ({ lo: [loopback], eth0: [lan] }),
    });
    const { port, token } = server;
    const local = { Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port}` };
    expect((await rawRequest(port, upgrade(`/ws?token=${token}`, local))).status).toBe(101);
    const fromLan = { Host: `192.0.2.7:${port}`, Origin: `http://192.0.2.7:${port}` };
    expect((await rawRequest(port, upgrade(`/ws?token=${token}`, fromLan))).status).toBe(101);
    expect((await rawRequest(port, get('/', { Host: `192.0.2.7:${port}` }))).status).toBe(200);
    expect((await rawRequest(port, get('/', { Host: `192.0.2.8:${port}` }))).status).toBe(421);
    const foreign = { Host: `192.0.2.7:${port}`, Origin: `http://192.0.2.8:${port}` };
    expect((await rawRequest(port, upgrade(`/ws?token=${token}`, foreign))).status).toBe(403);

    expect(server.url).toBe(`http://127.0.0.1:${port}/?token=${token}`);
    expect(server.urls).toEqual([server.url, `http://192.0.2.7:${port}/?token=${token}`]);
    const p = await page(server, { origin: `http://127.0.0.1:${port}` });
    await p.next('ready');
    p.ws.close();
  });

  it('answers malformed percent-encoding with 400, not a dropped connection', async () => {
    const { server } = await start();
    for (const target of ['/%', '/%zz', '/index.html%', '/%E0%A4%A', '/%00']) {
      const answer = await rawRequest(server.port, get(target, { Host: `127.0.0.1:${server.port}` }));
      expect(answer.status, target).toBe(400);
    }
  });
});
