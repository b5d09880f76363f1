import { describe, expect, it } from 'vitest';
import type { GenAILiveSession } from '../protocol/genai-like.js';
import { OutboundWriter } from './outbound-writer.js';
import type { OutboundMessage } from './response-outbox.js';
import { SessionMetricsRecorder } from './session-metrics.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function setup(options: { resumption?: boolean; fail?: (method: string, params: unknown) => boolean } = {}) {
  const wire: [string, unknown][] = [];
  const errors: Error[] = [];
  let connected = true;
  const at = (method: string) => (params: unknown) => {
    if (options.fail?.(method, params)) throw new Error(`cannot write ${method}`);
    wire.push([method, params]);
  };
  const target = {
    sendToolResponse: at('sendToolResponse'),
    sendClientContent: at('sendClientContent'),
    sendRealtimeInput: at('sendRealtimeInput'),
    close() {},
  } as GenAILiveSession;
  const recorder = new SessionMetricsRecorder();
  const writer = new OutboundWriter({
    target: () => (connected ? target : undefined),
    resumption: options.resumption ?? false,
    perCall: 1,
    maxUnacknowledged: 100,
    recorder,
    logger: silent,
    reportError: (error) => errors.push(error),
  });
  return {
    wire,
    errors,
    writer,
    recorder,
    disconnect: () => {
      connected = false;
    },
    reconnect: () => {
      connected = true;
      writer.flush();
    },
  };
}

/** A realtime text a delivery writes for call `callId`. */
const text = (callId: string, value: string, intermediate = true): OutboundMessage => ({
  method: 'sendRealtimeInput',
  params: { text: value },
  callId,
  intermediate,
  final: !intermediate,
});

describe('OutboundWriter with realtime text written by a delivery', () => {
  it('writes it through sendRealtimeInput, numbered like every client message', () => {
    const t = setup();
    t.writer.write(text('c1', 'a'));
    t.writer.write(text('c1', 'b', false));
    expect(t.wire).toEqual([
      ['sendRealtimeInput', { text: 'a' }],
      ['sendRealtimeInput', { text: 'b' }],
    ]);
    expect(t.writer.lastWritten).toBe(1);
  });

  it('holds it while there is no connection, behind earlier held messages, and keeps the newest intermediates per call', () => {
    const t = setup();
    t.disconnect();
    t.writer.write({
      method: 'sendToolResponse',
      params: { functionResponses: [{ id: 'c2' }] },
      callId: 'c2',
      intermediate: false,
      final: true,
    });
    t.writer.write(text('c1', 'old'));
    t.writer.write(text('c1', 'new')); // perCall 1: 'old' is dropped
    t.writer.write(text('c1', 'end', false));
    expect(t.wire).toEqual([]);
    t.reconnect();
    expect(t.wire.map(([m, p]) => [m, (p as { text?: string }).text])).toEqual([
      ['sendToolResponse', undefined],
      ['sendRealtimeInput', 'new'],
      ['sendRealtimeInput', 'end'],
    ]);
    expect(t.recorder.snapshot().dropped).toBe(1);
  });

  it('with resumption, keeps it until a handle covers it and replays what the resumed state lacks', () => {
    const t = setup({ resumption: true });
    t.writer.write(text('c1', 'a')); // 0
    t.writer.write(text('c1', 'b', false)); // 1
    t.writer.acknowledge(0);
    t.disconnect();
    t.writer.rebase(0);
    t.reconnect();
    expect(t.wire.map(([, p]) => (p as { text: string }).text)).toEqual(['a', 'b', 'b']);
    expect(t.writer.lastWritten).toBe(1);
  });

  it('a final realtime text that cannot be written is reported and gets no substitute function response (the call was answered already)', () => {
    const t = setup({ fail: (m) => m === 'sendRealtimeInput' });
    t.writer.write(text('c1', 'end', false));
    expect(t.errors.map((e) => (e as { code?: string }).code)).toEqual(['SEND_FAILED']);
    expect(t.wire).toEqual([]);
  });
});

describe('OutboundWriter: a function response that ends the call on the wire', () => {
  it('when the first answer of a streaming call (no willContinue, not the final result) cannot be written, an error response answers the call instead', () => {
    // A sync-only model waits for that answer: without it the model would wait for ever.
    const t = setup({ fail: (m, p) => m === 'sendToolResponse' && JSON.stringify(p).includes('unsendable') });
    t.writer.write({
      method: 'sendToolResponse',
      params: {
        functionResponses: [{ id: 'c1', name: 'watch', response: { output: { result: 'unsendable' } } }],
      },
      callId: 'c1',
      intermediate: false,
      final: false,
    });
    expect(t.errors).toHaveLength(1);
    expect(t.wire).toHaveLength(1);
    const [method, params] = t.wire[0]!;
    expect(method).toBe('sendToolResponse');
    const answer = (
      params as {
        functionResponses: { id: string; name: string; response: { error: { message: string } } }[];
      }
    ).functionResponses[0];
    expect(answer).toMatchObject({ id: 'c1', name: 'watch' });
    expect(answer?.response.error.message).toMatch(/could not be sent \(cannot write sendToolResponse\)/);
    expect(answer?.response.error.message).not.toMatch(/has ended/);
  });

  it('an intermediate function response (willContinue) that cannot be written gets no substitute: the call goes on', () => {
    const t = setup({ fail: (m) => m === 'sendToolResponse' });
    t.writer.write({
      method: 'sendToolResponse',
      params: { functionResponses: [{ id: 'c1', name: 'watch', willContinue: true }] },
      callId: 'c1',
      intermediate: true,
    });
    expect(t.errors).toHaveLength(1);
    expect(t.wire).toEqual([]);
  });
});
