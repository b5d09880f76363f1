import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Closed, Connection } from '../public/connection.js';

/**
 * The page's connection module in Node, with a WebSocket and a fetch the test drives: what the page
 * concludes when an attempt fails, and when it tries again.
 */

type Listener = (event: unknown) => void;

/** A WebSocket whose opening and closing the test decides. */
class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static made: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  readonly #listeners = new Map<string, Listener[]>();

  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }

  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  open(): void {
    this.readyState = FakeSocket.OPEN;
    for (const listener of this.#listeners.get('open') ?? []) listener({});
  }

  /** Closes as a browser reports a failed or broken connection: code 1006, no reason. */
  fail(): void {
    this.readyState = FakeSocket.CLOSED;
    for (const listener of this.#listeners.get('close') ?? []) listener({ code: 1006, reason: '' });
  }
}

/** The answers of the page's `HEAD` requests, in order: a status, or undefined for a server that is down. */
let heads: (number | undefined)[];

function connect() {
  const closes: Closed[] = [];
  const retries: number[] = [];
  let opens = 0;
  const connection = new Connection('secret', {
    onOpen: () => opens++,
    onMessage: () => undefined,
    onClose: (closed) => closes.push(closed),
    onRetry: (attempt) => retries.push(attempt),
  });
  return { connection, closes, retries, opens: () => opens };
}

beforeEach(() => {
  FakeSocket.made = [];
  heads = [];
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('location', { protocol: 'http:', host: '127.0.0.1:4000', pathname: '/' });
  vi.stubGlobal('fetch', async () => {
    if (heads.length === 0) throw new Error('the test did not expect another HEAD request');
    const status = heads.shift();
    if (status === undefined) throw new TypeError('Failed to fetch');
    return { status };
  });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the console page connection', () => {
  it('tries again at once when the server is back by the time it checks, instead of calling the token refused', async () => {
    const { closes, retries, opens } = connect();
    expect(FakeSocket.made[0]!.url).toBe('ws://127.0.0.1:4000/ws?token=secret');
    // the server is down: the attempt fails, the page cannot load either, a retry is scheduled
    heads.push(undefined);
    FakeSocket.made[0]!.fail();
    await vi.advanceTimersByTimeAsync(0);
    expect(closes).toEqual([expect.objectContaining({ accessRefused: false, opened: false, attempt: 1 })]);
    const delay = closes[0]!.retryInMs!;
    await vi.advanceTimersByTimeAsync(delay);
    expect(FakeSocket.made).toHaveLength(2);
    // that attempt fails too, but the server starts before the page asks whether it answers
    heads.push(200);
    FakeSocket.made[1]!.fail();
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSocket.made).toHaveLength(3);
    expect(retries).toEqual([2, 3]);
    expect(closes).toHaveLength(1);
    FakeSocket.made[2]!.open();
    expect(opens()).toBe(1);
    expect(heads).toEqual([]);
  });

  it('calls the token refused when the server answers after two failed attempts in a row, and stops trying', async () => {
    const { closes, retries } = connect();
    heads.push(200, 200);
    FakeSocket.made[0]!.fail();
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSocket.made).toHaveLength(2);
    expect(closes).toEqual([]);
    FakeSocket.made[1]!.fail();
    await vi.advanceTimersByTimeAsync(0);
    expect(closes).toEqual([
      expect.objectContaining({ accessRefused: true, opened: false, retryInMs: undefined, attempt: 2 }),
    ]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.made).toHaveLength(2);
    expect(retries).toEqual([2]);
  });

  it('after a connection that opened, one answered failure is again not enough to call the token refused', async () => {
    const { closes } = connect();
    heads.push(200);
    FakeSocket.made[0]!.fail();
    await vi.advanceTimersByTimeAsync(0);
    FakeSocket.made[1]!.open();
    // the connection breaks, the server restarts meanwhile: one more attempt at once, which opens
    FakeSocket.made[1]!.fail();
    await vi.advanceTimersByTimeAsync(0);
    expect(closes).toEqual([expect.objectContaining({ accessRefused: false, opened: true, attempt: 0 })]);
    await vi.advanceTimersByTimeAsync(closes[0]!.retryInMs!);
    heads.push(200);
    FakeSocket.made[2]!.fail();
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSocket.made).toHaveLength(4);
    expect(closes).toHaveLength(1);
  });
});
