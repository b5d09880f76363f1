/**
 * One page's bridge to one live session: the page's messages, checked and rate-limited, go to the
 * session; the session's events, turned into what the page shows, go to the page.
 */
import type { LiveAgentSession, LiveEvent } from '@livetools/core';
import { type RawData, WebSocket } from 'ws';
import type { ConsoleAgent } from '../agent.js';
import { ChartQuotes } from './chart-quotes.js';
import { describeThrown } from './describe-thrown.js';
import {
  type ClientMessage,
  type ConsoleLimits,
  clientMessage,
  type Json,
  type ServerMessage,
} from './protocol.js';

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
        name: event.toolName,
        args: (event.args ?? null) as Json,
        time: event.time,
      };
    case 'tool-result':
      return {
        type: 'tool-result',
        callId: event.callId,
        name: event.toolName,
        output: (event.output ?? null) as Json,
        ...(event.scheduling ? { scheduling: event.scheduling } : {}),
        sequence: event.sequence,
        time: event.time,
      };
    case 'tool-end':
      return {
        type: 'tool-end',
        callId: event.callId,
        name: event.toolName,
        reason: event.reason,
        ...(event.cancelledBy ? { cancelledBy: event.cancelledBy } : {}),
        ...(event.error ? { error: event.error.message, errorCode: event.error.code } : {}),
        ...runningCallOf(event.error),
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

/** The running call named by a refused duplicate watch (`DuplicateWatchError.runningCallId`), if any. */
function runningCallOf(error: unknown): { runningCallId?: string } {
  try {
    const id = typeof error === 'object' && error !== null ? Reflect.get(error, 'runningCallId') : undefined;
    return typeof id === 'string' ? { runningCallId: id } : {};
  } catch {
    return {};
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
export class PageBridge {
  readonly #socket: WebSocket;
  readonly #agent: ConsoleAgent;
  readonly #limits: ConsoleLimits;
  readonly #allowMessage: () => boolean;
  readonly #allowFrame: () => boolean;
  readonly #maxMessagesPerSecond: number;
  #session: LiveAgentSession | undefined;
  #closed = false;
  readonly #quotes: ChartQuotes;
  /** Last time a refusal of each kind was reported, so a flood gets one notice a second. */
  readonly #noticed = new Map<string, number>();

  readonly #now: () => number;

  /** Listens to the page's socket; {@link PageBridge.start} connects the session. */
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
    this.#quotes = new ChartQuotes(agent.source, (message) => this.#send(message));
    socket.on('message', (data, isBinary) => this.#receive(data, isBinary));
    socket.on('close', () => void this.close());
    socket.on('error', () => void this.close());
  }

  /** Connects the live session and sends `ready`; a failure is reported to the page, which is closed (1011). */
  async start(): Promise<void> {
    let session: LiveAgentSession;
    try {
      session = await this.#agent.agent.connect();
    } catch (error) {
      const message = describeThrown(error);
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
      if (message?.type === 'tool-start') this.#quotes.start(message.callId, message.name, message.args);
      if (message?.type === 'tool-end') this.#quotes.end(message.callId);
      if (event.type === 'closed' && this.#socket.readyState === WebSocket.OPEN)
        this.#socket.close(1000, 'session ended');
    });
    this.#send({
      type: 'ready',
      mode: this.#agent.mode,
      model: this.#agent.model,
      delivery: this.#agent.agent.delivery,
      source: this.#agent.source.name,
      tools: session.declarations().map((d) => d.name),
      examples: this.#agent.examples,
      audioOut: this.#agent.audioOut,
      limits: this.#limits,
    });
  }

  /** Closes the page's socket and the live session; once only. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#quotes.close();
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.close(1001, 'server closing');
    await this.#session?.close();
  }

  #send(message: ServerMessage): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (error) {
      // a value JSON cannot carry (a BigInt in a tool's output): the page hears that, not nothing
      text = JSON.stringify({
        type: 'error',
        code: 'SESSION_ERROR',
        message: `A ${message.type} message could not be shown: ${describeThrown(error)}`,
      } satisfies ServerMessage);
    }
    this.#socket.send(text);
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
          if (session.stopCalls({ callId: message.callId }).length === 0) {
            this.#refuse(
              'UNKNOWN_CALL',
              `No running call has the id ${message.callId}; it may have ended already.`,
            );
          }
          return;
      }
    } catch (error) {
      this.#refuse('SESSION_ERROR', describeThrown(error));
    }
  }
}
