/**
 * Test support: a console server on a fake Live server, and a page's WebSocket that records what it
 * receives and waits for messages (events, not time).
 */
import type { NetworkInterfaceInfo } from 'node:os';
import { GoogleGenAI } from '@google/genai';
import { createLiveAgent } from '@livetools/core';
import { createFakeLiveServer, type FakeLiveServer } from '@livetools/core/testing';
import { createSimulatedSource, createStockTools } from '@livetools/tools-stock';
import WebSocket from 'ws';
import type { ConsoleAgent } from '../../src/agent.js';
import type { ServerMessage } from '../../src/web/protocol.js';
import { type ConsoleServer, startConsoleServer } from '../../src/web/server.js';
import { WAIT_MS, Waiters } from './waiters.js';

/** The API key the fake Live server accepts; no page may ever see it. */
export const apiKey = 'AIza-secret-key-that-must-stay-on-the-server';

/** A console agent on a fake Live server, with a key the page must never see. */
export async function fakeAgent(): Promise<{ agent: ConsoleAgent; live: FakeLiveServer }> {
  // its waits allow WAIT_MS, not the fake server's 2 s default: room for a loaded CI machine
  const live = await createFakeLiveServer({ apiKeys: [apiKey], timeoutMs: WAIT_MS });
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
export async function page(server: ConsoleServer, options: { origin?: string; token?: string } = {}) {
  const url = `ws://127.0.0.1:${server.port}/ws?token=${options.token ?? server.token}`;
  const ws = new WebSocket(url, options.origin === undefined ? {} : { origin: options.origin });
  const messages: ServerMessage[] = [];
  const raw: string[] = [];
  const arrivals = new Waiters<ServerMessage>();
  // every frame is kept in `raw`; one that is not JSON is counted, never thrown in the listener
  let unreadable = 0;
  ws.on('message', (data) => {
    const text = String(data);
    raw.push(text);
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
    } catch {
      unreadable += 1;
      return;
    }
    messages.push(message);
    arrivals.offer(message);
  });
  /** The first message of `type` (past or future) that passes `test`; fails after {@link WAIT_MS}, naming what came. */
  const next = async <T extends ServerMessage['type']>(
    type: T,
    test: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true,
  ): Promise<Extract<ServerMessage, { type: T }>> => {
    const matches = (m: ServerMessage) => m.type === type && test(m as Extract<ServerMessage, { type: T }>);
    const found =
      messages.find(matches) ??
      (await arrivals.wait(matches, WAIT_MS, () => `a '${type}' message (${came()})`));
    return found as Extract<ServerMessage, { type: T }>;
  };
  /** How many messages of each type the page got. */
  const came = () => {
    const counts = new Map<string, number>();
    for (const m of messages) counts.set(m.type, (counts.get(m.type) ?? 0) + 1);
    if (unreadable > 0) counts.set('not JSON', unreadable);
    return counts.size === 0
      ? 'the page got nothing'
      : `the page got ${[...counts].map(([t, n]) => `${n} ${t}`).join(', ')}`;
  };
  let settles = 0;
  /**
   * Resolves once every message the server sent before this call has arrived. The server answers
   * the page's messages in order, so this asks it to stop a call that does not exist and waits for
   * the `UNKNOWN_CALL` naming that id, which lands in `messages` after them. Only once the page got
   * `ready`, and within the server's message rate limit (a dropped request times out).
   */
  const settle = async (): Promise<void> => {
    const callId = `settle-${++settles}`;
    const answered = arrivals.wait(
      (m) => m.type === 'error' && m.code === 'UNKNOWN_CALL' && m.message.includes(` ${callId};`),
      WAIT_MS,
      () => `the UNKNOWN_CALL answer to stopping ${callId} (${came()})`,
    );
    ws.send(JSON.stringify({ type: 'stop-call', callId }));
    await answered;
  };
  return {
    ws,
    messages,
    raw,
    next,
    settle,
    send: (m: unknown) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)),
  };
}

/** The HTTP status a WebSocket upgrade was refused with. */
export function refusal(url: string, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    ws.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => undefined);
  });
}

/** What {@link startConsole} takes. */
export interface StartOptions {
  maxMessagesPerSecond?: number;
  maxVideoFps?: number;
  now?: () => number;
  host?: string;
  networkInterfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
}

/** Starts a console server on a fake agent; `cleanup` receives what closes both. */
export async function startConsole(
  cleanup: (() => Promise<void>)[],
  options: StartOptions = {},
): Promise<{ server: ConsoleServer; live: FakeLiveServer }> {
  const { agent, live } = await fakeAgent();
  const server = await startConsoleServer({
    agent,
    ...(options.host ? { host: options.host } : {}),
    ...(options.networkInterfaces ? { networkInterfaces: options.networkInterfaces } : {}),
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
