import { describe, expect, it } from 'vitest';
import type { LiveFunctionResponse } from '../protocol/function-calls.js';
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

/** A text turn a client-content delivery writes for call `callId`. */
const turn = (callId: string, value: string, intermediate = true): OutboundMessage => ({
  method: 'sendClientContent',
  params: { turns: [{ role: 'user', parts: [{ text: value }] }], turnComplete: true },
  callId,
  intermediate,
  final: !intermediate,
});

/** The function response that ends call `callId` on the wire. */
const answer = (callId: string, value = 'ok'): OutboundMessage => ({
  method: 'sendToolResponse',
  params: { functionResponses: [{ id: callId, name: 'lookup', response: { output: value } }] },
  callId,
  intermediate: false,
  final: true,
});

/** What went out, one short label a message: the method's initial and the text or call answered. */
function labels(wire: readonly [string, unknown][]): string[] {
  return wire.map(([method, params]) => {
    const p = params as {
      text?: string;
      turns?: { parts: { text: string }[] }[];
      functionResponses?: { id: string }[];
    };
    if (method === 'sendToolResponse') return `answer ${p.functionResponses?.[0]?.id}`;
    if (method === 'sendRealtimeInput') return `text ${p.text}`;
    return `turn ${p.turns?.[0]?.parts[0]?.text}`;
  });
}

describe('OutboundWriter while a BLOCKING call that new input cancels runs', () => {
  it('holds every text result (client content and realtime text) in order and writes it right after the call is answered; function responses go at once', () => {
    const t = setup();
    t.writer.blockingCalls(['b1']);
    t.writer.write(turn('s1', 'when-idle'));
    t.writer.write(text('s2', 'interrupt'));
    t.writer.write({ ...turn('s4', 'silent'), params: { turns: [], turnComplete: false } });
    t.writer.write(answer('s3')); // another call's function response: not new input
    t.writer.write(turn('s1', 'final', false));
    expect(labels(t.wire)).toEqual(['answer s3']);
    expect(t.writer.heldForBlockingCount).toBe(4);
    t.writer.write(answer('b1'));
    expect(labels(t.wire)).toEqual([
      'answer s3',
      'answer b1',
      'turn when-idle',
      'text interrupt',
      'turn undefined',
      'turn final',
    ]);
    expect(t.writer.heldForBlockingCount).toBe(0);
    t.writer.write(turn('s1', 'later'));
    expect(labels(t.wire).at(-1)).toBe('turn later');
  });

  it("does not hold the user's own turns", () => {
    const t = setup();
    t.writer.blockingCalls(['b1']);
    t.writer.write(turn('s1', 'result'));
    t.writer.write({ ...turn('s1', 'user'), callId: undefined, intermediate: false, final: false });
    expect(labels(t.wire)).toEqual(['turn user']);
  });

  it("an intermediate function response of the blocking call does not end the hold; the call's final does", () => {
    const t = setup();
    t.writer.blockingCalls(['b1']);
    t.writer.write(turn('s1', 'r'));
    t.writer.write({ ...answer('b1'), intermediate: true, final: false });
    expect(labels(t.wire)).toEqual(['answer b1']);
    t.writer.write(answer('b1'));
    expect(labels(t.wire)).toEqual(['answer b1', 'answer b1', 'turn r']);
  });

  it('holds until every BLOCKING call is answered', () => {
    const t = setup();
    t.writer.blockingCalls(['b1', 'b2']);
    t.writer.write(turn('s1', 'r'));
    t.writer.write(answer('b2'));
    expect(labels(t.wire)).toEqual(['answer b2']);
    t.writer.write(answer('b1'));
    expect(labels(t.wire)).toEqual(['answer b2', 'answer b1', 'turn r']);
  });

  it('a cancelled BLOCKING call ends the hold; a cancelled streaming call loses its held texts only', () => {
    const t = setup();
    t.writer.blockingCalls(['b1']);
    t.writer.write(turn('s1', 'one'));
    t.writer.write(turn('s2', 'two'));
    t.writer.discard(['s2']);
    expect(t.wire).toEqual([]);
    t.writer.discard(['b1']);
    expect(labels(t.wire)).toEqual(['turn one']);
  });

  it('a call the runner neither answered nor keeps holds nothing', () => {
    const t = setup();
    t.writer.blockingCalls(['b1', 'b2']);
    t.writer.write(turn('s1', 'r'));
    t.writer.blockingSettled(['b1', 'b2'], (id) => id === 'b2');
    expect(t.wire).toEqual([]);
    t.writer.blockingSettled(['b2'], () => false);
    expect(labels(t.wire)).toEqual(['turn r']);
  });

  it('a final that cannot be written ends the hold once its substitute error response is written, and even when that fails too', () => {
    const once = setup({
      fail: (m, p) => m === 'sendToolResponse' && JSON.stringify(p).includes('"output"'),
    });
    once.writer.blockingCalls(['b1']);
    once.writer.write(turn('s1', 'r'));
    once.writer.write(answer('b1'));
    expect(labels(once.wire)).toEqual(['answer b1', 'turn r']); // the substitute, then the held turn
    expect(once.errors).toHaveLength(1);

    const twice = setup({ fail: (m) => m === 'sendToolResponse' });
    twice.writer.blockingCalls(['b1']);
    twice.writer.write(turn('s1', 'r'));
    twice.writer.write(answer('b1'));
    expect(labels(twice.wire)).toEqual(['turn r']);
    expect(twice.errors).toHaveLength(2);
  });

  it('while disconnected: the held answer goes first on the next connection, then the held texts, in order', () => {
    const t = setup();
    t.writer.blockingCalls(['b1']);
    t.disconnect();
    t.writer.write(turn('s1', 'a'));
    t.writer.write(answer('b1')); // held: not written, so the hold goes on
    t.writer.write(turn('s2', 'b'));
    t.writer.write(answer('s9'));
    expect(t.wire).toEqual([]);
    t.reconnect();
    expect(labels(t.wire)).toEqual(['answer b1', 'answer s9', 'turn a', 'turn b']);
  });

  it('texts held while disconnected wait for a BLOCKING call that arrives before they are flushed', () => {
    const t = setup();
    t.disconnect();
    t.writer.write(turn('s1', 'a'));
    t.writer.write(answer('s2'));
    t.writer.blockingCalls(['b1']); // an early message of the resumed connection, before the flush
    t.reconnect();
    expect(labels(t.wire)).toEqual(['answer s2']);
    t.writer.write(answer('b1'));
    expect(labels(t.wire)).toEqual(['answer s2', 'answer b1', 'turn a']);
  });

  it('a resumption ends the hold: the held texts go behind the replayed messages, in order', () => {
    const t = setup({ resumption: true });
    t.writer.write(answer('s0')); // 0, not covered by the handle
    t.writer.blockingCalls(['b1']);
    t.writer.write(turn('s1', 'a'));
    t.writer.write(turn('s1', 'b', false));
    t.disconnect();
    t.writer.rebase(-1);
    t.reconnect();
    expect(labels(t.wire)).toEqual(['answer s0', 'answer s0', 'turn a', 'turn b']);
    t.writer.write(turn('s1', 'c'));
    expect(labels(t.wire).at(-1)).toBe('turn c');
  });

  it('a handoff (clear) drops the held texts with the rest of the old session, and holds nothing after', () => {
    const t = setup();
    t.writer.blockingCalls(['b1']);
    t.writer.write(turn('s1', 'a'));
    t.writer.clear();
    t.writer.rebase(-1);
    expect(t.writer.heldForBlockingCount).toBe(0);
    t.writer.write(turn('s1', 'b'));
    expect(labels(t.wire)).toEqual(['turn b']);
  });

  it("keeps the newest intermediate results per call (the writer's per-call bound, counted) and every final", () => {
    const t = setup(); // perCall 1
    t.writer.blockingCalls(['b1']);
    t.writer.write(turn('s1', 'old'));
    t.writer.write(turn('s1', 'new'));
    t.writer.write(turn('s1', 'end', false));
    t.writer.write(answer('b1'));
    expect(labels(t.wire)).toEqual(['answer b1', 'turn new', 'turn end']);
    expect(t.recorder.snapshot().dropped).toBe(1);
  });
});

/** `message` carrying result `value` of call `callId`, produced `seq`-th. */
function withSource(message: OutboundMessage, value: string, seq: number): OutboundMessage {
  const callId = message.callId ?? '';
  return {
    ...message,
    source: { response: { id: callId, name: 'watch', response: { output: value } }, seq },
  };
}

/** A result's output (`undefined` for an error). */
const output = (r: LiveFunctionResponse): unknown => ('output' in r.response ? r.response.output : undefined);

/** A user turn. */
const userTurn = (value: string): OutboundMessage => ({
  method: 'sendClientContent',
  params: { turns: [{ role: 'user', parts: [{ text: value }] }], turnComplete: true },
  callId: undefined,
  intermediate: false,
});

describe('OutboundWriter at a handoff', () => {
  it('unwritten() gives the results held while disconnected, for a BLOCKING call or for idle, once each, in the order produced, leaving them held', () => {
    const t = setup({ resumption: true });
    t.writer.write(withSource(answer('s0'), 'written', 0)); // written: not among them
    t.writer.blockingCalls(['b1']);
    t.writer.write(withSource(turn('s1', 'blocked'), 'blocked', 2));
    t.writer.modelTurnActive = true;
    const idleSource = { response: { id: 's2', name: 'watch', response: { output: 'idle' } }, seq: 1 };
    t.writer.whenIdle('s2', () => t.writer.write(turn('s2', 'idle')), idleSource);
    t.disconnect();
    const twice = withSource(answer('s3'), 'twice', 3);
    t.writer.write(twice);
    t.writer.write({ ...twice, method: 'sendClientContent' }); // one result, two messages
    t.writer.write(userTurn('hello')); // no result: not among them
    expect(t.writer.unwritten().map((r) => output(r))).toEqual(['idle', 'blocked', 'twice']);
    expect(t.writer.unwritten(new Set(['s1', 's3'])).map((r) => output(r))).toEqual(['blocked', 'twice']);
    // Still held: unwritten() takes nothing (the text of s3 is new input: it waits for b1 too).
    expect(t.writer.heldForBlockingCount).toBe(2);
    expect(t.writer.isWaiting('s2')).toBe(true);
  });

  it('unwritten() leaves out the replays of a resumption (written once already)', () => {
    const t = setup({ resumption: true });
    t.writer.write(withSource(answer('s0'), 'replayed', 0));
    t.disconnect();
    t.writer.write(withSource(turn('s0', 'new'), 'new', 1));
    t.writer.rebase(-1);
    expect(t.writer.unwritten().map((r) => output(r))).toEqual(['new']);
  });

  it("writeFirst() puts a message ahead of the user's held turns, behind the replays, and writes at once when nothing is held", () => {
    const t = setup({ resumption: true });
    t.writer.write(answer('s0')); // 0, replayed after the rebase
    t.disconnect();
    t.writer.write(userTurn('u1'));
    t.writer.write(userTurn('u2'));
    t.writer.rebase(-1);
    t.writer.writeFirst(userTurn('briefing'));
    expect(labels(t.wire)).toEqual(['answer s0']);
    t.reconnect();
    expect(labels(t.wire)).toEqual(['answer s0', 'answer s0', 'turn briefing', 'turn u1', 'turn u2']);
    t.writer.writeFirst(userTurn('now'));
    expect(labels(t.wire).at(-1)).toBe('turn now');
  });
});

describe('OutboundWriter: a function response written at once (writeToolResponse)', () => {
  const params = (id: string, willContinue?: boolean) => ({
    functionResponses: [
      willContinue === undefined
        ? { id, name: 'watch', response: { output: id } }
        : { id, name: 'watch', response: { output: id }, willContinue },
    ],
  });

  it('directTarget() gives the connection only while a message written now would go out at once', () => {
    const t = setup();
    expect(t.writer.directTarget()).toBeDefined();
    t.disconnect();
    expect(t.writer.directTarget()).toBeUndefined();
    t.writer.write({ method: 'sendToolResponse', params: params('c1'), callId: 'c1', intermediate: false });
    t.reconnect();
    expect(t.writer.directTarget()).toBeDefined();
    // held messages wait for the next flush: nothing may overtake them
    t.disconnect();
    t.writer.write({ method: 'sendToolResponse', params: params('c2'), callId: 'c2', intermediate: false });
    t.reconnect();
    // a BLOCKING call's hold keeps text results only: a function response still goes at once
    t.writer.blockingCalls(['c3']);
    expect(t.writer.directTarget()).toBeDefined();
  });

  it("ends a BLOCKING call's hold when it answers the call: the texts held for it follow at once, in order", () => {
    const t = setup();
    t.writer.blockingCalls(['c3']);
    t.writer.write(text('c8', 'first'));
    t.writer.write(text('c9', 'second'));
    expect(t.writer.heldForBlockingCount).toBe(2);
    const session = t.writer.directTarget()!;
    // an intermediate answer does not end the call on the wire
    t.writer.writeToolResponse(session, params('c3', true), 'c3', true, false);
    expect(t.writer.heldForBlockingCount).toBe(2);
    t.writer.writeToolResponse(session, params('c3', false), 'c3', false, true);
    expect(t.writer.heldForBlockingCount).toBe(0);
    expect(t.wire.map(([m, p]) => `${m} ${JSON.stringify(p)}`)).toEqual([
      `sendToolResponse ${JSON.stringify(params('c3', true))}`,
      `sendToolResponse ${JSON.stringify(params('c3', false))}`,
      'sendRealtimeInput {"text":"first"}',
      'sendRealtimeInput {"text":"second"}',
    ]);
  });

  it('writes, numbers and counts it like write(), and with resumption keeps it for a replay', () => {
    const t = setup({ resumption: true });
    const session = t.writer.directTarget()!;
    t.writer.writeToolResponse(session, params('c1', true), 'c1', true, false);
    t.writer.writeToolResponse(session, params('c1', false), 'c1', false, true);
    expect(t.wire.map(([m]) => m)).toEqual(['sendToolResponse', 'sendToolResponse']);
    expect(t.writer.lastWritten).toBe(1);
    expect(t.recorder.snapshot().messagesSent).toBe(2);
    // a resumption whose handle covers nothing written: both go again, in order
    t.writer.rebase(-1);
    t.writer.flush();
    expect(t.wire.slice(2).map(([, p]) => p)).toEqual([params('c1', true), params('c1', false)]);
  });

  it('a final that cannot be written is reported and replaced by an error response; an intermediate is only reported', () => {
    const t = setup({
      fail: (m, p) => m === 'sendToolResponse' && JSON.stringify(p).includes('"output":"bad'),
    });
    const session = t.writer.directTarget()!;
    t.writer.writeToolResponse(session, params('bad1', true), 'bad1', true, false);
    expect(t.errors).toHaveLength(1);
    expect(t.wire).toHaveLength(0);
    t.writer.writeToolResponse(session, params('bad2'), 'bad2', false, true);
    expect(t.errors).toHaveLength(2);
    expect(t.wire).toHaveLength(1);
    expect(JSON.stringify(t.wire[0]![1])).toMatch(/"id":"bad2".*could not be sent .*this call has ended/);
  });
});
