import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff-delay.js';
import { QuoteSourceError } from './quote-source-error.js';
import {
  type ConnectionFailure,
  createReconnectingWebSocket,
  type ReconnectingWebSocketOptions,
} from './reconnecting-web-socket.js';
import type { WebSocketLike } from './web-socket-like.js';

type Listener = (event: never) => void;

/** An in-memory socket: the test plays the server by calling open/receive/drop/refuse. */
class FakeSocket implements WebSocketLike {
  static readonly created: FakeSocket[] = [];
  static clock: () => number = () => 0;
  readyState = 0;
  readonly sent: string[] = [];
  readonly createdAt = FakeSocket.clock();
  private readonly listeners = new Map<string, Listener[]>();

  constructor(readonly url: string) {
    FakeSocket.created.push(this);
  }

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(): void {
    this.readyState = 3;
  }

  private emit(type: string, event: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) (listener as (event: unknown) => void)(event);
  }

  open(): void {
    this.readyState = 1;
    this.emit('open', {});
  }

  receive(text: string): void {
    this.emit('message', { data: text });
  }

  /** A message event carrying whatever `ws` may hand over: a Buffer, an ArrayBuffer, fragments... */
  receiveData(data: unknown): void {
    this.emit('message', { data });
  }

  /** A close event whose reason is bytes, as `ws` gives it. */
  closeWith(code: number, reason: unknown): void {
    this.readyState = 3;
    this.emit('close', { code, reason });
  }

  drop(code = 1006): void {
    this.readyState = 3;
    this.emit('close', { code, reason: '' });
  }

  refuse(status: number): void {
    this.emit('error', { message: `Unexpected server response: ${status}` });
    this.drop();
  }
}

function setup(overrides: Partial<ReconnectingWebSocketOptions> = {}) {
  FakeSocket.created.length = 0;
  const scheduler = new VirtualTimeScheduler();
  FakeSocket.clock = () => scheduler.now();
  const events: string[] = [];
  const failures: ConnectionFailure[] = [];
  let failure: QuoteSourceError | undefined;
  const socket = createReconnectingWebSocket({
    name: 'fake',
    url: () => 'ws://fake',
    WebSocket: FakeSocket,
    scheduler,
    random: () => 1,
    backoff: { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0.5 },
    staleAfterMs: Number.POSITIVE_INFINITY,
    onOpen: () => events.push(`open@${scheduler.now()}`),
    onMessage: (text) => events.push(`message ${text}`),
    onStatus: (status, reason) => events.push(`${status}@${scheduler.now()}${reason ? ` (${reason})` : ''}`),
    onFailure: (error) => {
      failure = error;
    },
    classifyFailure: (info) => {
      failures.push(info);
      return undefined;
    },
    ...overrides,
  });
  /** Runs every timer due up to virtual time `t`. */
  const advanceTo = (t: number): void => {
    scheduler.maxFrames = t;
    scheduler.flush();
  };
  const latest = (): FakeSocket => {
    const last = FakeSocket.created.at(-1);
    if (!last) throw new Error('no socket');
    return last;
  };
  return { socket, scheduler, events, failures, advanceTo, latest, failure: () => failure };
}

describe('backoffDelay', () => {
  it('grows exponentially, is capped, and is jittered within bounds', () => {
    expect([0, 1, 2, 3, 10].map((attempt) => backoffDelay(attempt, {}, () => 1))).toEqual([
      500, 1000, 2000, 4000, 30_000,
    ]);
    expect(backoffDelay(3, {}, () => 0)).toBe(2000);
    expect(backoffDelay(2, { initialDelayMs: 10, multiplier: 3, jitter: 0 }, () => 0.3)).toBe(90);
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelay(4, { initialDelayMs: 100, maxDelayMs: 1000 });
      expect(delay).toBeGreaterThanOrEqual(500);
      expect(delay).toBeLessThanOrEqual(1000);
    }
  });
});

describe('createReconnectingWebSocket (virtual time)', () => {
  it('retries with exponential backoff, resets it once data flows, and reports the health', () => {
    const { socket, events, latest, advanceTo } = setup();
    socket.start();
    latest().refuse(503); // t=0: attempt 1 fails
    advanceTo(99);
    expect(FakeSocket.created).toHaveLength(1);
    advanceTo(100);
    expect(FakeSocket.created).toHaveLength(2);
    latest().drop(); // t=100: attempt 2 fails, next in 200
    advanceTo(299);
    expect(FakeSocket.created).toHaveLength(2);
    advanceTo(300);
    latest().drop(); // t=300: next in 400
    advanceTo(700);
    expect(FakeSocket.created.map((s) => s.createdAt)).toEqual([0, 100, 300, 700]);

    latest().open();
    latest().receive('{"hello":1}');
    expect(socket.isOpen).toBe(true);
    expect(socket.send('x')).toBe(true);
    latest().drop(); // a healthy connection dropped: back to the first delay
    advanceTo(800);
    expect(FakeSocket.created.map((s) => s.createdAt)).toEqual([0, 100, 300, 700, 800]);
    expect(events).toEqual([
      'reconnecting@0 (connection refused (HTTP 503))',
      'open@700',
      'live@700',
      'message {"hello":1}',
      'reconnecting@700 (connection closed (1006))',
    ]);
    socket.stop();
  });

  it('reads binary frames and close reasons as text: Buffer slices, ArrayBuffers, DataViews, fragments', () => {
    const { socket, events, latest, failures } = setup();
    socket.start();
    latest().open();
    const pool = Buffer.from('xx{"a":1}{"b":"é"}yy');
    const frame = (data: unknown) => latest().receiveData(data);
    frame(pool.subarray(2, 9)); // a view into the middle of a bigger buffer
    frame(new TextEncoder().encode('{"c":2}').buffer);
    const bytes = new TextEncoder().encode('__{"d":3}');
    frame(new DataView(bytes.buffer, 2));
    frame([pool.subarray(9, 13), pool.subarray(13, 19)]);
    frame([pool.subarray(9, 16), pool.subarray(16, 19)]); // fragments split inside the two bytes of é
    frame(42); // not text: skipped
    latest().closeWith(1001, Buffer.from('going away'));
    expect(events.filter((e) => e.startsWith('message'))).toEqual([
      'message {"a":1}',
      'message {"c":2}',
      'message {"d":3}',
      'message {"b":"é"}',
      'message {"b":"é"}',
    ]);
    expect(failures.at(-1)).toMatchObject({ code: 1001, reason: 'going away' });
    socket.stop();
  });

  it('reports a silent connection as stale, then drops and replaces it', () => {
    const { socket, events, latest, advanceTo } = setup({ staleAfterMs: 1000, deadAfterMs: 3000 });
    socket.start();
    latest().open();
    latest().receive('1');
    advanceTo(999);
    expect(events).toEqual(['open@0', 'message 1']);
    advanceTo(1000);
    expect(events.at(-1)).toBe('stale@1000 (no data for 1 s)');
    latest().receive('2'); // data again: live
    expect(events.slice(-2)).toEqual(['live@1000', 'message 2']);
    advanceTo(4000);
    expect(events.slice(-2)).toEqual([
      'stale@2000 (no data for 1 s)',
      'reconnecting@4000 (connection closed: no data for 3 s)',
    ]);
    expect(FakeSocket.created[0]?.readyState).toBe(3);
    advanceTo(4100);
    expect(FakeSocket.created).toHaveLength(2);
    socket.stop();
  });

  it('stops at once on a failure classified as fatal', () => {
    const rejected = new QuoteSourceError('REJECTED_API_KEY', 'bad key');
    const { socket, latest, advanceTo, failure } = setup({
      classifyFailure: (info) => (info.httpStatus === 401 ? rejected : undefined),
    });
    socket.start();
    latest().refuse(401);
    advanceTo(60_000);
    expect(failure()).toBe(rejected);
    expect(FakeSocket.created).toHaveLength(1);
    expect(socket.isRunning).toBe(false);
  });

  it('counts early closes and consecutive failures, and gives up after maxConsecutiveFailures', () => {
    const { socket, latest, advanceTo, failures, failure } = setup({ maxConsecutiveFailures: 3 });
    socket.start();
    for (let attempt = 0; attempt < 3; attempt++) {
      latest().open();
      latest().drop(1000);
      advanceTo(1000 * (attempt + 1)); // well within the handshake timeout of the next attempt
    }
    expect(failures.map((f) => [f.opened, f.consecutiveFailures, f.consecutiveEarlyCloses])).toEqual([
      [true, 1, 1],
      [true, 2, 2],
      [true, 3, 3],
    ]);
    expect(failure()).toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringContaining('3 attempts'),
    });
    expect(FakeSocket.created).toHaveLength(3);
  });

  it('lets only a message it could read reset the backoff: a server that sends garbage and closes is given up on', () => {
    const { socket, latest, advanceTo, failures, failure } = setup({
      maxConsecutiveFailures: 3,
      onMessage: (text: string) => text !== 'garbage',
    });
    socket.start();
    for (let attempt = 0; attempt < 3; attempt++) {
      latest().open();
      latest().receive('garbage');
      latest().drop(1000);
      advanceTo(1000 * (attempt + 1));
    }
    expect(failures.map((f) => [f.receivedMessage, f.consecutiveFailures])).toEqual([
      [false, 1],
      [false, 2],
      [false, 3],
    ]);
    expect(failure()).toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringContaining('3 attempts'),
    });
  });

  it('abandons a connection whose upgrade gets no answer within handshakeTimeoutMs, backs off, retries, then gives up', () => {
    // regression: the watchdog only started on `open`, so a silent server left the feed reconnecting forever
    const { socket, events, advanceTo, failure } = setup({
      handshakeTimeoutMs: 1000,
      maxConsecutiveFailures: 3,
    });
    socket.start(); // t=0: attempt 1, never answered
    advanceTo(999);
    expect(FakeSocket.created).toHaveLength(1);
    advanceTo(1000); // timed out; retry in 100
    expect(FakeSocket.created[0]?.readyState).toBe(3);
    advanceTo(1100);
    expect(FakeSocket.created).toHaveLength(2);
    advanceTo(2100); // timed out; retry in 200
    advanceTo(2300);
    expect(FakeSocket.created.map((s) => s.createdAt)).toEqual([0, 1100, 2300]);
    advanceTo(60_000);
    expect(FakeSocket.created).toHaveLength(3);
    expect(FakeSocket.created.every((s) => s.readyState === 3)).toBe(true);
    expect(events).toEqual([
      'reconnecting@1000 (could not connect: no answer to the WebSocket upgrade within 1000 ms)',
    ]);
    expect(failure()).toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringContaining(
        '3 attempts (last: no answer to the WebSocket upgrade within 1000 ms)',
      ),
    });
    expect(socket.isRunning).toBe(false);
  });

  it('keeps a connection that opens before the handshake timeout', () => {
    const { socket, latest, advanceTo, failure } = setup({ handshakeTimeoutMs: 1000 });
    socket.start();
    advanceTo(999);
    latest().open();
    advanceTo(60_000);
    expect(FakeSocket.created).toHaveLength(1);
    expect(socket.isOpen).toBe(true);
    expect(failure()).toBeUndefined();
    socket.stop();
  });

  it('does not reconnect after stop()', () => {
    const { socket, latest, advanceTo } = setup();
    socket.start();
    latest().open();
    socket.stop();
    latest().drop();
    advanceTo(60_000);
    expect(FakeSocket.created).toHaveLength(1);
    expect(socket.send('x')).toBe(false);
  });
});
