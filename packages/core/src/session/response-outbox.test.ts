import { describe, expect, it } from 'vitest';
import { type OutboundMessage, ResponseOutbox } from './response-outbox.js';

const result = (id: string, output: unknown): OutboundMessage => ({
  method: 'sendToolResponse',
  params: { functionResponses: [{ id, name: 't', response: { output }, willContinue: true }] },
  callId: id,
  intermediate: true,
});
const final = (id: string): OutboundMessage => ({
  method: 'sendToolResponse',
  params: { functionResponses: [{ id, name: 't', response: { output: 'done' }, willContinue: false }] },
  callId: id,
  intermediate: false,
});
const turn = (text: string): OutboundMessage => ({
  method: 'sendClientContent',
  params: { turns: [{ role: 'user', parts: [{ text }] }], turnComplete: true },
  callId: undefined,
  intermediate: false,
});
const label = (m: OutboundMessage) => {
  if (m.callId === undefined) return 'turn';
  const [r] = (m.params as { functionResponses: { id: string; response: { output: unknown } }[] })
    .functionResponses;
  return `${r!.id}:${String(r!.response.output)}`;
};

describe('ResponseOutbox (client messages held while disconnected, or not yet acknowledged)', () => {
  it('keeps the newest intermediate results per call up to the bound, every final, in the original order', () => {
    const drops: string[] = [];
    const outbox = new ResponseOutbox(2, (id) => drops.push(id));
    for (const m of [
      result('a', 1),
      result('b', 1),
      result('a', 2),
      turn('hi'),
      result('a', 3),
      final('b'),
      result('a', 4),
      final('a'),
    ]) {
      outbox.push(m);
    }
    expect(outbox.size).toBe(6);
    expect(outbox.dropped).toBe(2);
    expect(drops).toEqual(['a', 'a']);
    expect(outbox.drain().map(label)).toEqual(['b:1', 'turn', 'a:3', 'b:done', 'a:4', 'a:done']);
    expect(outbox.size).toBe(0);
    expect(outbox.drain()).toEqual([]);
  });

  it('never drops a final response or a user turn, however many there are', () => {
    const outbox = new ResponseOutbox(1);
    for (let i = 0; i < 100; i++) outbox.push(final(`c${i}`));
    for (let i = 0; i < 100; i++) outbox.push(turn(`t${i}`));
    expect(outbox.drain()).toHaveLength(200);
    expect(outbox.dropped).toBe(0);
  });

  it('forgets acknowledged messages and returns the unacknowledged ones in order, once', () => {
    const outbox = new ResponseOutbox(8);
    for (let i = 0; i < 6; i++) outbox.push(result('a', i), 10 + i);
    outbox.acknowledge(12);
    expect(outbox.size).toBe(3);
    expect(outbox.takeAfter(13).map(label)).toEqual(['a:4', 'a:5']);
    expect(outbox.size).toBe(0);
    expect(outbox.takeAfter(-1)).toEqual([]);
  });

  it('discards the messages of cancelled calls, and puts replays in front of what was held meanwhile', () => {
    const outbox = new ResponseOutbox(2);
    outbox.push(result('a', 1));
    outbox.push(turn('held'));
    outbox.push(result('b', 1));
    outbox.discard(['b']);
    outbox.prepend([result('a', 0), final('c')]);
    expect(outbox.drain().map(label)).toEqual(['a:0', 'c:done', 'a:1', 'turn']);
    outbox.prepend([result('a', 0), result('a', 1)]);
    outbox.push(result('a', 2));
    expect(outbox.dropped).toBe(1);
    expect(outbox.drain().map(label)).toEqual(['a:1', 'a:2']);
  });

  it('stays proportional to what it holds when many results are dropped', () => {
    const outbox = new ResponseOutbox(1);
    for (let i = 0; i < 10_000; i++) outbox.push(result('a', i));
    expect(outbox.size).toBe(1);
    expect(outbox.dropped).toBe(9_999);
    expect(outbox.drain().map(label)).toEqual(['a:9999']);
  });
});

describe('ResponseOutbox total bound (issue 13 item 11)', () => {
  it('unacked grows without bound: keeps at most maxSize messages, dropping the oldest, each drop reported', () => {
    const overflowed: (string | undefined)[] = [];
    const outbox = new ResponseOutbox(8, () => {}, { maxSize: 3, onOverflow: (id) => overflowed.push(id) });
    for (let i = 0; i < 10_000; i++) outbox.push(final(`c${i}`), i);
    expect(outbox.size).toBe(3);
    expect(overflowed).toHaveLength(9_997);
    expect(overflowed.slice(0, 2)).toEqual(['c0', 'c1']);
    expect(outbox.takeAfter(-1).map(label)).toEqual(['c9997:done', 'c9998:done', 'c9999:done']);
  });
});
