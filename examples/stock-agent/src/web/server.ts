/**
 * The web console's local server: serves the page and bridges one WebSocket per page to one live
 * session. Bound to 127.0.0.1 by default; the WebSocket needs the random token printed in the URL
 * and an Origin of this server; the API key stays here.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { LiveAgentSession, LiveEvent } from '@livetools/core';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { ConsoleAgent } from '../agent.js';
import {
  type ClientMessage,
  type ConsoleLimits,
  clientMessage,
  type Json,
  type ServerMessage,
} from './protocol.js';

/** Options of {@link startConsoleServer}. */
export interface ConsoleServerOptions {
  readonly agent: ConsoleAgent;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
  /** Default: 128 random bits. */
  readonly token?: string;
  /** Where the page's files are. Default: `public/` of this example. */
  readonly publicDir?: string;
  readonly limits?: Partial<ConsoleLimits>;
  /** Messages per second a page may send (audio chunks included) before they are refused. Default 100. */
  readonly maxMessagesPerSecond?: number;
  /** The clock of the rate limits (tests freeze it). Default `Date.now`. */
  readonly now?: () => number;
}

/** A running console server. */
export interface ConsoleServer {
  /** The page's address, token included: what a person opens. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Pages connected now. */
  readonly sessions: number;
  /** Closes every session and the server. */
  close(): Promise<void>;
}

const defaultLimits: ConsoleLimits = { maxMessageBytes: 1_000_000, maxVideoFps: 10, maxTextLength: 4000 };
/** Messages beyond this size close the socket (ws's own limit); up to it they get a TOO_LARGE reply. */
const hardMaxPayload = 8 * 1024 * 1024;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; connect-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function sameToken(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
}

function sampleRate(mimeType: string): number {
  const rate = /rate=(\d+)/.exec(mimeType)?.[1];
  return rate ? Number(rate) : 24_000;
}

/** Turns a session event into what the page needs, or nothing. */
function toPage(event: LiveEvent, audioOut: boolean): ServerMessage | undefined {
  switch (event.type) {
    case 'model-text':
      // with audio out, text parts are the model's thinking: the transcription is what it says
      return audioOut
        ? undefined
        : { type: 'transcript', role: 'model', source: 'model-text', text: event.text };
    case 'output-transcription':
      return audioOut
        ? { type: 'transcript', role: 'model', source: 'output-transcription', text: event.text }
        : undefined;
    case 'input-transcription':
      return { type: 'transcript', role: 'user', source: 'input-transcription', text: event.text };
    case 'model-audio':
      return { type: 'audio', data: event.data, sampleRate: sampleRate(event.mimeType) };
    case 'turn-complete':
      return { type: 'turn-complete' };
    case 'interrupted':
      return { type: 'interrupted' };
    case 'tool-start':
      return {
        type: 'tool-start',
        callId: event.callId,
        name: event.name,
        args: (event.args ?? null) as Json,
        time: event.time,
      };
    case 'tool-result':
      return {
        type: 'tool-result',
        callId: event.callId,
        name: event.name,
        output: (event.output ?? null) as Json,
        ...(event.scheduling ? { scheduling: event.scheduling } : {}),
        sequence: event.sequence,
        time: event.time,
      };
    case 'tool-end':
      return {
        type: 'tool-end',
        callId: event.callId,
        name: event.name,
        reason: event.reason,
        ...(event.cancelledBy ? { cancelledBy: event.cancelledBy } : {}),
        ...(event.error ? { error: event.error.message } : {}),
        results: event.results,
        time: event.time,
      };
    case 'connected':
      return event.resumed
        ? {
            type: 'session',
            state: 'resumed',
            detail: 'The connection to the model is back; running tools kept going.',
          }
        : undefined;
    case 'reconnecting':
      return {
        type: 'session',
        state: 'reconnecting',
        detail: 'The connection to the model dropped; resuming.',
      };
    case 'closed':
      return { type: 'session', state: 'closed', detail: 'The live session ended.' };
    case 'error':
      return { type: 'error', code: 'SESSION_ERROR', message: event.error.message };
    default:
      return undefined;
  }
}

/** A token bucket: `rate` per second, bursts up to `rate`. */
function rateLimiter(rate: number, now: () => number) {
  let tokens = rate;
  let last = now();
  return () => {
    const t = now();
    tokens = Math.min(rate, tokens + ((t - last) / 1000) * rate);
    last = t;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

/** Bridges one page to one live session. */
class PageBridge {
  readonly #socket: WebSocket;
  readonly #agent: ConsoleAgent;
  readonly #limits: ConsoleLimits;
  readonly #allowMessage: () => boolean;
  readonly #allowFrame: () => boolean;
  readonly #maxMessagesPerSecond: number;
  #session: LiveAgentSession | undefined;
  #closed = false;
  /** Last time a refusal of each kind was reported, so a flood gets one notice a second. */
  readonly #noticed = new Map<string, number>();

  readonly #now: () => number;

  constructor(
    socket: WebSocket,
    agent: ConsoleAgent,
    limits: ConsoleLimits,
    maxMessagesPerSecond: number,
    now: () => number,
  ) {
    this.#now = now;
    this.#socket = socket;
    this.#agent = agent;
    this.#limits = limits;
    this.#maxMessagesPerSecond = maxMessagesPerSecond;
    this.#allowMessage = rateLimiter(maxMessagesPerSecond, now);
    this.#allowFrame = rateLimiter(limits.maxVideoFps, now);
    socket.on('message', (data, isBinary) => this.#receive(data, isBinary));
    socket.on('close', () => void this.close());
    socket.on('error', () => void this.close());
  }

  async start(): Promise<void> {
    let session: LiveAgentSession;
    try {
      session = await this.#agent.agent.connect();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#send({
        type: 'error',
        code: 'SESSION_ERROR',
        message: `Could not connect to the model: ${message}`,
      });
      this.#socket.close(1011, 'could not connect to the model');
      return;
    }
    if (this.#closed) {
      await session.close();
      return;
    }
    this.#session = session;
    session.events$.subscribe((event) => {
      const message = toPage(event, this.#agent.audioOut);
      if (message) this.#send(message);
      if (event.type === 'closed' && this.#socket.readyState === WebSocket.OPEN)
        this.#socket.close(1000, 'session ended');
    });
    this.#send({
      type: 'ready',
      mode: this.#agent.mode,
      model: this.#agent.model,
      tools: session.declarations().map((d) => d.name),
      examples: this.#agent.examples,
      audioOut: this.#agent.audioOut,
      limits: this.#limits,
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.close(1001, 'server closing');
    await this.#session?.close();
  }

  #send(message: ServerMessage): void {
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  /** Sends an error; with `throttleKey`, at most one a second for that key, so a flood gets one notice. */
  #refuse(
    code: Extract<ServerMessage, { type: 'error' }>['code'],
    message: string,
    throttleKey?: string,
  ): void {
    if (throttleKey !== undefined) {
      const last = this.#noticed.get(throttleKey) ?? 0;
      if (this.#now() - last < 1000) return;
      this.#noticed.set(throttleKey, this.#now());
    }
    this.#send({ type: 'error', code, message });
  }

  #receive(data: RawData, isBinary: boolean): void {
    const bytes = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
    if (!this.#allowMessage()) {
      this.#refuse(
        'RATE_LIMITED',
        `Too many messages: the page may send ${this.#maxMessagesPerSecond} a second; the extra ones were dropped.`,
        'messages',
      );
      return;
    }
    if (bytes > this.#limits.maxMessageBytes) {
      this.#refuse(
        'TOO_LARGE',
        `A message of ${bytes} bytes was refused: the limit is ${this.#limits.maxMessageBytes}.`,
      );
      return;
    }
    if (isBinary) {
      this.#refuse('BAD_MESSAGE', 'Binary messages are not accepted: send JSON text messages.');
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString());
    } catch {
      this.#refuse('BAD_MESSAGE', 'A message was not valid JSON.');
      return;
    }
    const result = clientMessage.safeParse(parsed);
    if (!result.success) {
      const issues = result.error.issues
        .map((i) => `${i.path.join('.') || 'message'}: ${i.message}`)
        .join('; ');
      this.#refuse('BAD_MESSAGE', `A message was refused (${issues}).`);
      return;
    }
    this.#handle(result.data);
  }

  #handle(message: ClientMessage): void {
    const session = this.#session;
    if (!session) {
      this.#refuse('BAD_MESSAGE', 'The session is not ready yet: wait for the ready message.');
      return;
    }
    try {
      switch (message.type) {
        case 'text':
          if (message.text.length > this.#limits.maxTextLength) {
            this.#refuse(
              'TOO_LARGE',
              `Text longer than ${this.#limits.maxTextLength} characters was refused.`,
            );
            return;
          }
          this.#send({ type: 'transcript', role: 'user', source: 'typed', text: message.text });
          session.sendText(message.text);
          return;
        case 'audio':
          session.sendAudio(message.data);
          return;
        case 'audio-end':
          session.sendAudioStreamEnd();
          return;
        case 'video':
          if (!this.#allowFrame()) {
            this.#refuse(
              'RATE_LIMITED',
              `Camera frames above ${this.#limits.maxVideoFps} per second are dropped; lower the frame rate.`,
              'frames',
            );
            return;
          }
          session.sendVideoFrame(message.data, message.mimeType);
          return;
        case 'stop-call':
          if (session.stopTool({ callId: message.callId }).length === 0) {
            this.#refuse(
              'UNKNOWN_CALL',
              `No running call has the id ${message.callId}; it may have ended already.`,
            );
          }
          return;
      }
    } catch (error) {
      this.#refuse('SESSION_ERROR', error instanceof Error ? error.message : String(error));
    }
  }
}

async function serveFile(
  publicDir: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD', ...securityHeaders }).end();
    return;
  }
  const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
  const relative = normalize(path === '/' ? '/index.html' : path).replace(/^([/\\])+/, '');
  const file = join(publicDir, relative);
  const type = contentTypes[extname(file)];
  if (!file.startsWith(publicDir + sep) || type === undefined) {
    response.writeHead(404, { 'content-type': 'text/plain', ...securityHeaders }).end('Not found.');
    return;
  }
  try {
    const body = await readFile(file);
    response.writeHead(200, { 'content-type': type, ...securityHeaders });
    response.end(request.method === 'HEAD' ? undefined : body);
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain', ...securityHeaders }).end('Not found.');
  }
}

/** Starts the console server. */
export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(16).toString('base64url');
  const publicDir = normalize(options.publicDir ?? fileURLToPath(new URL('../../public', import.meta.url)));
  const limits: ConsoleLimits = { ...defaultLimits, ...options.limits };
  const bridges = new Set<PageBridge>();
  const http = createServer((request, response) => {
    serveFile(publicDir, request, response).catch(() => response.destroy());
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: hardMaxPayload });
  let origins = new Set<string>();

  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws') return refuseUpgrade(socket, 404, 'Not found');
    if (!sameToken(url.searchParams.get('token'), token)) {
      return refuseUpgrade(socket, 401, 'Wrong or missing token: open the URL printed by npm start');
    }
    // Browsers always send Origin; only this server's own page may connect.
    const given = request.headers.origin;
    if (given !== undefined && !origins.has(given)) return refuseUpgrade(socket, 403, 'Origin not allowed');
    wss.handleUpgrade(request, socket, head, (ws) => {
      const bridge = new PageBridge(
        ws,
        options.agent,
        limits,
        options.maxMessagesPerSecond ?? 100,
        options.now ?? Date.now,
      );
      bridges.add(bridge);
      ws.on('close', () => bridges.delete(bridge));
      void bridge.start();
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const { port } = http.address() as AddressInfo;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  const origin = `http://${hostInUrl}:${port}`;
  const loopback = ['127.0.0.1', 'localhost', '[::1]'];
  origins = new Set(loopback.includes(hostInUrl) ? loopback.map((h) => `http://${h}:${port}`) : [origin]);
  return {
    url: `${origin}/?token=${token}`,
    port,
    token,
    get sessions() {
      return bridges.size;
    },
    close: async () => {
      await Promise.all([...bridges].map((b) => b.close()));
      wss.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}
