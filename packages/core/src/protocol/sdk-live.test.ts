import { GoogleGenAI } from '@google/genai';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import { describe, expect, it, vi } from 'vitest';
import type { LivetoolsError } from '../errors.js';
import type { GenAIClient } from './genai-like.js';
import { connectLive, ParsedFrames, sdkLiveView } from './sdk-live.js';
import { SdkSocket } from './sdk-socket.js';

/** A stand-in for `ai.live` whose connect creates one socket through its factory, and records its params. */
function fakeLive() {
  const delivered: unknown[] = [];
  const params: unknown[] = [];
  let callbacks: { onmessage: (e: { data: unknown }) => void } | undefined;
  const raw = {
    readyState: 1,
    terminated: 0,
    terminate() {
      this.terminated += 1;
      this.readyState = 3;
    },
  };
  const live = {
    webSocketFactory: {
      create: (
        _url: string,
        _headers: Record<string, string>,
        cbs: { onmessage: (e: { data: unknown }) => void },
      ) => {
        callbacks = cbs;
        return { ws: raw };
      },
    },
    connect(
      this: { webSocketFactory: { create: (u: string, h: object, c: object) => unknown } },
      p: unknown,
    ) {
      params.push(p);
      this.webSocketFactory.create(
        'ws://x',
        {},
        { onmessage: (e: { data: unknown }) => delivered.push(e.data) },
      );
      return Promise.resolve({} as never);
    },
  };
  return { live, raw, delivered, params, feed: (data: unknown) => callbacks?.onmessage({ data }) };
}

describe('the SDK adapter (one view of ai.live)', () => {
  it('records the socket and screens frames through one view, leaving ai.live as it was', async () => {
    const { live, raw, delivered, params, feed } = fakeLive();
    const original = live.webSocketFactory;
    const socket = new SdkSocket();
    const reported: LivetoolsError[] = [];
    const config = { responseModalities: ['AUDIO'] };
    const callbacks = { onmessage: () => {}, onerror: () => {}, onclose: () => {} };
    await connectLive(
      live as unknown as GenAIClient['live'],
      { model: 'm', config, callbacks },
      { socket, onBadFrame: (e) => reported.push(e) },
    );
    expect(params).toEqual([{ model: 'm', config, callbacks }]);
    feed('{"setupComplete":{}}');
    feed('not json');
    expect(delivered).toEqual(['{"setupComplete":{}}']);
    expect(reported.map((e) => e.code)).toEqual(['MALFORMED_FRAME']);
    expect(socket.reachable).toBe(true);
    expect(socket.created).toBe(true);
    expect(socket.terminate()).toBe(true);
    expect(raw.terminated).toBe(1);
    expect(socket.isClosed).toBe(true);
    expect(live.webSocketFactory).toBe(original);
  });

  it('uses ai.live as it is when it has no socket factory (the socket cannot be reached)', async () => {
    const calls: unknown[] = [];
    const live = {
      connect: (p: unknown) => {
        calls.push(p);
        return Promise.resolve({} as never);
      },
    };
    const socket = new SdkSocket();
    expect(sdkLiveView(live as unknown as GenAIClient['live'], { socket })).toBe(live);
    await connectLive(
      live as unknown as GenAIClient['live'],
      {
        model: 'm',
        config: {},
        callbacks: { onmessage: () => {}, onerror: () => {}, onclose: () => {} },
      },
      { socket },
    );
    expect(calls).toHaveLength(1);
    expect(socket.reachable).toBe(false);
    expect(socket.terminate()).toBe(false);
  });

  it.each([
    ['@google/genai 3.x', new GoogleGenAI({ apiKey: 'k' })],
    ['@google/genai 2.x', new GoogleGenAI2({ apiKey: 'k' })],
  ])(
    '%s keeps the socket factory the adapter wraps on ai.live (if an upgrade moves it, this fails)',
    (_name, ai) => {
      const factory = (ai.live as unknown as { webSocketFactory?: { create?: unknown } }).webSocketFactory;
      expect(typeof factory?.create).toBe('function');
      const view = sdkLiveView(ai.live as unknown as GenAIClient['live'], { socket: new SdkSocket() });
      expect(view).not.toBe(ai.live);
      expect(Object.getPrototypeOf(view)).toBe(ai.live);
    },
  );
});

describe('ParsedFrames: a parsed frame skips the SDK only where that keeps its message and order', () => {
  /** Stands for the SDK's `LiveServerMessage`: a class with a getter over the assigned fields. */
  class SdkMessage {
    [key: string]: unknown;
    get text(): unknown {
      return (this.serverContent as { text?: unknown } | undefined)?.text;
    }
  }

  /** What the SDK is handed for a setupComplete frame: that field alone. */
  const SETUP = { data: '{"setupComplete":{}}' };

  /** Frames whose setupComplete the SDK has handed on (so the prototype of its messages is known). */
  function afterSetup() {
    const frames = new ParsedFrames();
    expect(frames.hand({ setupComplete: {} })).toEqual(SETUP);
    frames.fill(Object.assign(new SdkMessage(), { setupComplete: {} }));
    const direct: unknown[] = [];
    return { frames, direct, skip: () => frames.deliverDirectly((m) => direct.push(m)) };
  }

  it('goes through the SDK until connect() has resolved', () => {
    const { frames, direct } = afterSetup();
    expect(frames.deliver({ serverContent: { text: 'a' } })).toBe(false);
    expect(direct).toEqual([]);
  });

  it('then gives the session a message of the prototype of the SDK messages, with the frame as own fields', () => {
    const { frames, direct, skip } = afterSetup();
    skip();
    const frame = { serverContent: { text: 'a' }, usageMetadata: { totalTokenCount: 3 } };
    expect(frames.deliver(frame)).toBe(true);
    expect(direct).toHaveLength(1);
    const message = direct[0] as SdkMessage;
    expect(message).toBeInstanceOf(SdkMessage);
    expect(message.text).toBe('a');
    expect(Object.keys(message)).toEqual(['serverContent', 'usageMetadata']);
    expect({ ...message }).toEqual(frame);
  });

  it('never throws into the socket: an error of the session is thrown again on its own, and the next frame still arrives', () => {
    const frames = new ParsedFrames();
    frames.hand({ setupComplete: {} });
    frames.fill(new SdkMessage());
    const got: string[] = [];
    frames.deliverDirectly((m) => {
      const text = String((m as SdkMessage).text ?? '');
      if (text === 'bad') throw new Error('handler failed');
      got.push(text);
    });
    const later: (() => void)[] = [];
    vi.stubGlobal('queueMicrotask', (task: () => void) => later.push(task));
    try {
      expect(frames.deliver({ serverContent: { text: 'bad' } })).toBe(true);
      expect(frames.deliver({ serverContent: { text: 'next' } })).toBe(true);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(got).toEqual(['next']);
    expect(later).toHaveLength(1);
    expect(() => later[0]?.()).toThrow('handler failed');
  });

  it('leaves a setupComplete to the SDK, which keeps it', () => {
    const { frames, direct, skip } = afterSetup();
    skip();
    expect(frames.deliver({ setupComplete: {} })).toBe(false);
    expect(direct).toEqual([]);
  });

  it('keeps the order while a frame waits in line for the SDK', () => {
    const { frames, direct, skip } = afterSetup();
    expect(frames.hand({ serverContent: { text: 'first' } })).toEqual({ data: '{}' });
    skip();
    expect(frames.deliver({ serverContent: { text: 'second' } })).toBe(false);
    const first = new SdkMessage();
    frames.fill(first);
    expect(first.text).toBe('first');
    expect(frames.deliver({ serverContent: { text: 'third' } })).toBe(true);
    expect((direct[0] as SdkMessage).text).toBe('third');
  });

  it('never skips the SDK after a frame it had to read itself (a Blob: every later frame is read whole)', () => {
    const { frames, direct, skip } = afterSetup();
    frames.handWhole();
    frames.fill(new SdkMessage());
    skip();
    expect(frames.deliver({ serverContent: { text: 'a' } })).toBe(false);
    expect(direct).toEqual([]);
  });

  it('keeps a field the prototype has only a getter for as an own field, on both ways', () => {
    const { frames, direct, skip } = afterSetup();
    expect(frames.hand({ text: 'sdk way' })).toEqual({ data: '{}' });
    const viaSdk = new SdkMessage();
    frames.fill(viaSdk);
    skip();
    expect(frames.deliver({ text: 'direct', serverContent: { text: 'ignored' } })).toBe(true);
    expect(viaSdk.text).toBe('sdk way');
    expect((direct[0] as SdkMessage).text).toBe('direct');
    expect(Object.keys(direct[0] as object)).toEqual(['text', 'serverContent']);
  });

  it('never skips the SDK before it has made a message (whose prototype the others get)', () => {
    const frames = new ParsedFrames();
    const direct: unknown[] = [];
    frames.deliverDirectly((m) => direct.push(m));
    expect(frames.deliver({ serverContent: { text: 'a' } })).toBe(false);
    expect(frames.hand({ serverContent: { text: 'a' } })).toEqual({ data: '{}' });
    frames.fill(new SdkMessage());
    expect(frames.deliver({ serverContent: { text: 'b' } })).toBe(true);
    expect(direct).toHaveLength(1);
  });

  it('hands the SDK a bare setupComplete, so that a field of the frame cannot break its assignment', () => {
    const frames = new ParsedFrames();
    const setup = { setupComplete: { sessionId: 's1' }, text: 'not the getter', usageMetadata: {} };
    expect(frames.hand(setup)).toEqual(SETUP);
    const message = Object.assign(new SdkMessage(), JSON.parse(SETUP.data) as object);
    frames.fill(message);
    expect(Object.keys(message)).toEqual(['setupComplete', 'text', 'usageMetadata']);
    expect({ ...message }).toEqual(setup);
    expect(message.text).toBe('not the getter');
    // A setupComplete the SDK does not take as one (it tests the field's truth) is not made one.
    expect(frames.hand({ setupComplete: null })).toEqual({ data: '{}' });
  });

  it("never takes the prototype of a message a frame's own __proto__ field has set", () => {
    const frames = new ParsedFrames();
    const direct: unknown[] = [];
    const hostile = JSON.parse(
      '{"setupComplete":{},"__proto__":{"toolCall":{"functionCalls":[]}}}',
    ) as object;
    expect(frames.hand(hostile)).toEqual(SETUP);
    const setup = Object.assign(new SdkMessage(), { setupComplete: {} });
    frames.fill(setup);
    // Assigning the frame set that message's own prototype, as the SDK's assignment would have.
    expect(Object.getPrototypeOf(setup)).not.toBe(SdkMessage.prototype);
    frames.deliverDirectly((m) => direct.push(m));
    expect(frames.deliver({ serverContent: { text: 'b' } })).toBe(true);
    const message = direct[0] as object;
    expect(Object.getPrototypeOf(message)).toBe(SdkMessage.prototype);
    const keys: string[] = [];
    for (const key in message) keys.push(key);
    expect(keys).toEqual(['serverContent']);
  });
});
