/**
 * Hostile console clients: whatever a client sends, request line, headers or WebSocket messages,
 * gets a clear answer (an HTTP status, a typed `error` reply or a WebSocket close code), the server
 * lives, and a legitimate page is still served afterwards. Each attack class is counted: tried,
 * answered clearly, lost (no answer, or a dropped connection); lost must be 0.
 */
import { connect } from 'node:net';
import type { FakeLiveServer } from '@livetools/core/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { ServerMessage } from '../src/web/protocol.js';
import type { ConsoleServer } from '../src/web/server.js';
import { page, type StartOptions, startConsole } from './support/console-fixture.js';
import { get, rawRequest, upgrade } from './support/raw-http.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** Per attack class: tried, answered clearly, lost. */
const tally = new Map<string, { tried: number; answered: number; lost: number }>();
function count(attack: string, answered: boolean): void {
  const row = tally.get(attack) ?? { tried: 0, answered: 0, lost: 0 };
  row.tried++;
  if (answered) row.answered++;
  else row.lost++;
  tally.set(attack, row);
}
afterAll(() => {
  const rows = [...tally].map(([attack, r]) => `| ${attack} | ${r.tried} | ${r.answered} | ${r.lost} |`);
  console.log(['| input class | tried | answered clearly | lost |', '|---|---|---|---|', ...rows].join('\n'));
});

let clock = 1_000_000;
const start = (options: StartOptions = {}) => startConsole(cleanup, { now: () => clock, ...options });

/** The server still serves a legitimate page: the file, the WebSocket, and text reaching the model. */
async function stillServes(server: ConsoleServer, live: FakeLiveServer, text: string): Promise<void> {
  expect((await fetch(server.url)).status).toBe(200);
  clock += 1000; // fresh message budgets
  const p = await page(server, { origin: `http://127.0.0.1:${server.port}` });
  await p.next('ready');
  const conn = latest(live);
  p.send({ type: 'text', text });
  await conn.waitForFrame((f) => f.clientContent?.turns?.[0]?.parts?.[0]?.text === text);
  p.ws.close();
}

/** The Live connection of the page that got `ready` last (earlier pages' connections are not taken). */
function latest(live: FakeLiveServer) {
  const conn = live.connections.at(-1);
  if (conn === undefined) throw new Error('no Live connection');
  return conn;
}

/**
 * Sends each message on one page and counts the typed `error` replies with `code`: every bad
 * message gets exactly one, in order. A final `stop-call` for an unknown id is the marker: its
 * UNKNOWN_CALL reply comes after every earlier reply, so a missing one is counted as lost, not awaited.
 */
async function attackMessages(
  server: ConsoleServer,
  attack: string,
  messages: readonly (string | Buffer)[],
  code: Extract<ServerMessage, { type: 'error' }>['code'],
): Promise<void> {
  clock += 1000;
  const p = await page(server);
  await p.next('ready');
  for (const m of messages) p.ws.send(m, { binary: Buffer.isBuffer(m) });
  p.send({ type: 'stop-call', callId: 'marker' });
  await p.next('error', (e) => e.code === 'UNKNOWN_CALL' && e.message.includes('marker'));
  const replies = p.messages.filter((m) => m.type === 'error' && !m.message.includes('marker'));
  messages.forEach((_, i) => {
    const reply = replies[i];
    count(attack, reply?.type === 'error' && reply.code === code && reply.message.length > 0);
  });
  expect(replies).toHaveLength(messages.length);
  p.ws.close();
}

/** Sends one raw request, counts it under `attack`, and expects an answer with one of `statuses`. */
async function expectAnswer(
  port: number,
  attack: string,
  request: string | Buffer,
  statuses: readonly number[],
  label: string,
): Promise<void> {
  const { status } = await rawRequest(port, request);
  count(attack, status !== undefined && statuses.includes(status));
  expect(statuses, label).toContain(status);
}

/** Sends one message that the server must answer by closing the socket with `code`. */
async function attackClose(
  server: ConsoleServer,
  attack: string,
  send: (ws: WebSocket) => void,
  code: number,
) {
  clock += 1000;
  const p = await page(server);
  await p.next('ready');
  const closed = new Promise<number>((resolve) => p.ws.once('close', (c) => resolve(c)));
  send(p.ws);
  const got = await closed;
  count(attack, got === code);
  expect(got).toBe(code);
}

describe('hostile console clients', () => {
  it('bad request targets get 400, 404, 414 or 431, files and upgrades, before and after the token', async () => {
    const { server, live } = await start();
    const { port, token } = server;
    const host = { Host: `127.0.0.1:${port}` };
    const targets = [
      '//[',
      'http://[',
      'http://[/ws',
      '/%',
      '/%zz',
      '/index.html%',
      '/%E0%A4%A',
      '/%C0%AF',
      '/%00',
      '/%0d%0aSet-Cookie:%20x=1',
      `/${'a'.repeat(3000)}`,
      `/${'a'.repeat(20_000)}`,
      '/a\x01b',
      '/a\x7fb',
      '/caf\xe9',
      `http://127.0.0.1:${port}/`,
      `http://evil.example/ws?token=${token}`,
      `ws://127.0.0.1:${port}/ws?token=${token}`,
      '*',
      `127.0.0.1:${port}`,
      '//',
      '/..',
      '/../../../etc/passwd',
      '/..%2f..%2fpackage.json',
      '/%2e%2e/%2e%2e/package.json',
      '/index.html#x',
      `//[?token=${token}`,
      `/ws?token=${token}%`,
      `/ws?token=%zz${token}`,
      `/ws/../ws?token=${token}x`,
    ];
    for (const target of targets) {
      for (const request of [get(target, host), upgrade(target, host)]) {
        const label = JSON.stringify(target.slice(0, 60));
        const bytes = Buffer.from(request, 'latin1');
        await expectAnswer(port, 'bad request targets', bytes, [400, 404, 414, 431], label);
      }
    }
    await stillServes(server, live, 'after the bad targets');
  });

  it('a foreign, missing or malformed Host gets 421 or 400, files and upgrades', async () => {
    const { server, live } = await start();
    const { port, token } = server;
    const hostHeaders: (string | undefined)[] = [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1.evil.example:${port}`,
      `localhost:${port + 1}`,
      `127.0.0.1:${port}.evil.example`,
      `127.0.0.2:${port}`,
      `[::1`,
      '',
      undefined,
    ];
    for (const hostHeader of hostHeaders) {
      const headers: Record<string, string> = hostHeader === undefined ? {} : { Host: hostHeader };
      for (const request of [
        get('/', headers),
        upgrade(`/ws?token=${token}`, headers),
        upgrade(`/ws?token=${token}`, { ...headers, Origin: `http://${hostHeader}` }),
        // HTTP/1.0 may omit Host: still refused
        get('/', headers).replace('HTTP/1.1', 'HTTP/1.0'),
      ]) {
        const label = `${hostHeader}: ${request.split('\r\n')[0]}`;
        await expectAnswer(port, 'foreign or missing Host', request, [400, 421], label);
      }
    }
    await stillServes(server, live, 'after the foreign hosts');
  });

  it('a foreign Origin gets 403 and a missing or wrong token 401', async () => {
    const { server, live } = await start();
    const { port, token } = server;
    const host = { Host: `127.0.0.1:${port}` };
    const origins = [
      'http://evil.example',
      'null',
      `http://127.0.0.1:${port + 1}`,
      `https://127.0.0.1:${port}`,
      `http://127.0.0.1:${port}.evil.example`,
      `http://localhost.evil.example:${port}`,
      `http://127.0.0.1:${port}/`,
      '',
      'http://[',
    ];
    for (const origin of origins) {
      const request = upgrade(`/ws?token=${token}`, { ...host, Origin: origin });
      await expectAnswer(port, 'foreign Origin', request, [403], origin);
    }
    const tokens = [
      '/ws',
      '/ws?token=',
      '/ws?token=wrong',
      `/ws?token=${token.slice(1)}`,
      `/ws?token=${token}x`,
      `/ws?token=${token.toLowerCase() === token ? token.toUpperCase() : token.toLowerCase()}`,
      `/ws?token=wrong&token=${token}`,
      `/ws?Token=${token}`,
      `/ws?token=${'t'.repeat(1500)}`,
      `/ws?token=${encodeURIComponent(`${token}\u0000`)}`,
    ];
    for (const target of tokens) {
      await expectAnswer(port, 'missing or wrong token', upgrade(target, host), [401], target);
    }
    await stillServes(server, live, 'after the foreign origins');
  });

  it('other methods and protocols get 400 or 405: CONNECT, PRI, unknown methods, a body on a GET', async () => {
    const { server, live } = await start();
    const { port, token } = server;
    const host = `Host: 127.0.0.1:${port}\r\n`;
    const requests = [
      `CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n`,
      `CONNECT 127.0.0.1:${port} HTTP/1.1\r\n${host}\r\n`,
      'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
      `BREW / HTTP/1.1\r\n${host}\r\n`,
      `OPTIONS * HTTP/1.1\r\n${host}\r\n`,
      `TRACE / HTTP/1.1\r\n${host}\r\n`,
      `DELETE /index.html HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
      `POST /ws?token=${token} HTTP/1.1\r\n${host}Content-Length: 2\r\nConnection: close\r\n\r\n{}`,
      `GET / HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n`,
      `GET / HTTP/1.1\r\n${host}Bad Header: x\r\n\r\n`,
      'garbage\r\n\r\n',
    ];
    for (const request of requests) {
      const label = JSON.stringify(request.split('\r\n')[0]);
      await expectAnswer(port, 'other methods and protocols', request, [400, 405], label);
    }
    await stillServes(server, live, 'after the other methods');
  });

  it('parallel requests and resets mid-request leave the server serving', async () => {
    const { server, live } = await start();
    const { port, token } = server;
    const host = { Host: `127.0.0.1:${port}` };
    const requests = Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0 ? upgrade(`//[${i}`, host) : get(`/%zz${i}`, host),
    );
    const answers = await Promise.all(requests.map((r) => rawRequest(port, r)));
    const expected = requests.map((_, i) => (i % 2 === 0 ? 404 : 400));
    for (const [i, { status }] of answers.entries()) {
      count('request flood (200 parallel)', status === expected[i]);
    }
    expect(answers.map((a) => a.status)).toEqual(expected);

    // clients that reset the connection right after sending: nothing to answer, the server must live
    const resets = Array.from({ length: 100 }, (_, i) => {
      const target = i % 3 === 0 ? '/ws?token=wrong' : i % 3 === 1 ? `/ws?token=${token}` : '//[';
      return new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () =>
          socket.write(upgrade(target, host), () => {
            socket.resetAndDestroy();
            resolve();
          }),
        );
        socket.on('error', () => resolve());
      });
    });
    await Promise.all(resets);
    await stillServes(server, live, 'after the resets');
    // no answer is due to a client that left; counted as answered once the server is seen serving
    for (let i = 0; i < resets.length; i++) count('resets right after the request', true);
  });

  it('a message flood gets one RATE_LIMITED notice a second; what passed reaches the model', async () => {
    const { server, live } = await start({ maxMessagesPerSecond: 50 });
    clock += 1000;
    const p = await page(server);
    await p.next('ready');
    const conn = latest(live);
    const flood = 2000;
    for (let i = 0; i < flood; i++) p.send({ type: 'audio-end' });
    const notice = await p.next('error', (e) => e.code === 'RATE_LIMITED');
    expect(notice.message).toBe(
      'Too many messages: the page may send 50 a second; the extra ones were dropped.',
    );
    clock += 1000;
    p.send({ type: 'text', text: 'after the flood' });
    await conn.waitForFrame((f) => f.clientContent?.turns?.[0]?.parts?.[0]?.text === 'after the flood');
    const forwarded = conn.realtimeInputs.filter((r) => r.audioStreamEnd).length;
    expect(forwarded).toBe(50);
    // the first 50 were forwarded; the others are what the notice reports as dropped (one notice a second)
    for (let i = 0; i < flood; i++) count('message flood (2000 in a burst)', true);
    await p.settle(); // a second notice for the same second would be here by now
    expect(p.messages.filter((m) => m.type === 'error' && m.code === 'RATE_LIMITED')).toHaveLength(1);
    p.ws.close();
    await stillServes(server, live, 'after the flood');
  });

  it('oversized, binary, non-JSON and wrongly typed messages get a typed error; the session keeps running', async () => {
    const { server, live } = await start();
    await attackMessages(
      server,
      'oversized messages',
      [
        JSON.stringify({ type: 'text', text: 'x'.repeat(1_000_001) }),
        JSON.stringify({ type: 'audio', data: 'A'.repeat(5_000_000) }),
        'x'.repeat(2_000_000),
        JSON.stringify({ type: 'text', text: 'y'.repeat(4001) }),
      ],
      'TOO_LARGE',
    );
    await attackMessages(
      server,
      'binary messages',
      [
        Buffer.alloc(0),
        Buffer.from([1, 2, 3]),
        Buffer.from(JSON.stringify({ type: 'audio-end' })),
        Buffer.alloc(100_000),
      ],
      'BAD_MESSAGE',
    );
    await attackMessages(
      server,
      'invalid JSON',
      [
        'not json',
        '{',
        '',
        'null',
        '[]',
        '"text"',
        '1e400',
        'true',
        '{"type":"text","text":"cut off',
        '\u0000',
        '\ud800',
        '['.repeat(100_000),
        `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`,
        '{"type":"text","text":"a"}{"type":"text","text":"b"}',
      ],
      'BAD_MESSAGE',
    );
    await attackMessages(
      server,
      'wrong types',
      [
        { type: 'text', text: 5 },
        { type: 'text', text: '   ' },
        { type: 'text' },
        { type: 'video', data: 'AAAA', mimeType: 'image/gif' },
        { type: 'video', data: 'not base64!', mimeType: 'image/jpeg' },
        { type: 'audio', data: '' },
        { type: 'audio', data: 123 },
        { type: 'audio', data: ['AAAA'] },
        { type: 'stop-call', callId: 'x'.repeat(500) },
        { type: 'stop-call', callId: { toString: 'x' } },
        { type: ['text'] },
        { type: 'launch-rockets' },
        { type: '__proto__' },
        { type: 'constructor' },
        {},
        { type: null },
      ].map((m) => JSON.stringify(m)),
      'BAD_MESSAGE',
    );
    await attackMessages(server, 'wrong types', ['{"__proto__":{"type":"text","text":"hi"}}'], 'BAD_MESSAGE');
    await attackClose(
      server,
      'messages beyond the hard limit (close 1009)',
      (ws) => ws.send(Buffer.alloc(9 * 1024 * 1024, 0x61), { binary: false }),
      1009,
    );
    await attackClose(
      server,
      'invalid UTF-8 text frames (close 1007)',
      (ws) => ws.send(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), { binary: false }),
      1007,
    );
    await stillServes(server, live, 'after the bad messages');
  });
});
