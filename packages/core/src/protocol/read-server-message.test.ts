import { describe, expect, it } from 'vitest';
import { durationToMs, readServerMessage } from './read-server-message.js';

const kinds = (message: unknown) => readServerMessage(message).map((a) => a.kind);

describe('readServerMessage', () => {
  it('reads serverContent and voiceActivity into one content action, parts left to the content reader', () => {
    const serverContent = { modelTurn: { parts: [null] }, turnComplete: true };
    const voiceActivity = { voiceActivityType: 'ACTIVITY_START' };
    expect(readServerMessage({ serverContent, voiceActivity })).toEqual([
      { kind: 'content', message: { serverContent, voiceActivity } },
    ]);
  });

  it('reads tool calls as sent (each call is checked by the runner)', () => {
    const calls = [{ id: 'c1', name: 'watch', args: {} }, null];
    const message = { toolCall: { functionCalls: calls } };
    expect(readServerMessage(message)).toEqual([{ kind: 'tool-calls', calls, message }]);
    expect(readServerMessage({ toolCall: { functionCalls: [] } })).toEqual([]);
    // A single value that is not an object: one call, which the runner logs as unanswerable.
    const single = { toolCall: { functionCalls: 'x' } };
    expect(readServerMessage(single)).toEqual([{ kind: 'tool-calls', calls: ['x'], message: single }]);
  });

  it('reads a key alone as it reads it beside others', () => {
    const calls = [{ id: 'c1', name: 'watch', args: {} }];
    const alone = [
      { toolCall: { functionCalls: calls } },
      { toolCall: { functionCalls: [] } },
      { toolCall: { functionCalls: 'x' } },
      { toolCall: { functionCalls: { id: 'c1' } } },
      { toolCall: { functionCalls: null } },
      { toolCall: {} },
      { toolCall: null },
      { toolCall: 'x' },
      { serverContent: { turnComplete: true } },
      { serverContent: null },
      { voiceActivity: { voiceActivityType: 'ACTIVITY_END' } },
    ];
    for (const message of alone) {
      // beside a usage report, which reads last: the same actions, then the usage
      const beside = { ...message, usageMetadata: { totalTokenCount: 1 } };
      const withMessage = (actions: ReturnType<typeof readServerMessage>, m: object) =>
        actions.map((a) => ('message' in a ? { ...a, message: m } : a));
      expect(withMessage(readServerMessage(message), beside)).toEqual(
        readServerMessage(beside).filter((a) => a.kind !== 'usage'),
      );
    }
  });

  it('reads cancellations, keeping the string ids of a list with a bad one', () => {
    expect(readServerMessage({ toolCallCancellation: { ids: ['a', 'b'] } })).toEqual([
      { kind: 'cancellation', ids: ['a', 'b'] },
    ]);
    expect(readServerMessage({ toolCallCancellation: { ids: ['a', 7] } })).toEqual([
      { kind: 'cancellation', ids: ['a'] },
      { kind: 'malformed', field: 'toolCallCancellation.ids[]', got: 'a value of type number' },
    ]);
  });

  it('reads a resumption update, usage and goAway with its time left', () => {
    expect(
      readServerMessage({
        sessionResumptionUpdate: { newHandle: 'h', resumable: true },
        usageMetadata: { totalTokenCount: 3 },
        goAway: { timeLeft: '2.5s' },
      }),
    ).toEqual([
      { kind: 'resumption-update', update: { newHandle: 'h', resumable: true } },
      { kind: 'usage', usage: { totalTokenCount: 3 } },
      { kind: 'go-away', timeLeft: '2.5s', timeLeftMs: 2500 },
    ]);
  });

  it('keeps the order content, calls, cancellation, resumption, usage, goAway whatever the key order', () => {
    expect(
      kinds({
        goAway: {},
        usageMetadata: {},
        sessionResumptionUpdate: {},
        toolCallCancellation: { ids: ['x'] },
        toolCall: { functionCalls: [{ id: 'y' }] },
        serverContent: {},
      }),
    ).toEqual(['content', 'tool-calls', 'cancellation', 'resumption-update', 'usage', 'go-away']);
  });

  it.each([
    [
      'functionCalls that is not an array',
      { toolCall: { functionCalls: { length: 1 } } },
      'toolCall.functionCalls',
    ],
    ['a toolCall that is a string', { toolCall: 'x' }, 'toolCall'],
    [
      'cancellation ids that are not an array',
      { toolCallCancellation: { ids: { length: 2 } } },
      'toolCallCancellation.ids',
    ],
    ['a cancellation that is a number', { toolCallCancellation: 3 }, 'toolCallCancellation'],
  ])('reports %s as malformed and still reads the other keys', (_what, bad, field) => {
    const actions = readServerMessage({
      ...bad,
      serverContent: { turnComplete: true },
      sessionResumptionUpdate: { newHandle: 'h' },
      usageMetadata: { n: 1 },
      goAway: { timeLeft: '1s' },
    });
    expect(actions.filter((a) => a.kind === 'malformed')).toEqual([
      { kind: 'malformed', field, got: expect.any(String) },
    ]);
    expect(actions.map((a) => a.kind).filter((k) => k !== 'malformed')).toEqual([
      'content',
      'resumption-update',
      'usage',
      'go-away',
    ]);
  });

  it('leaves out odd values without an error: a resumption update or usage that is not an object, a timeLeft that is not a string', () => {
    expect(
      readServerMessage({ sessionResumptionUpdate: 'h', usageMetadata: 5, goAway: { timeLeft: 5 } }),
    ).toEqual([
      { kind: 'ignored', field: 'sessionResumptionUpdate', got: 'the string "h"' },
      { kind: 'ignored', field: 'usageMetadata', got: 'a value of type number' },
      { kind: 'ignored', field: 'goAway.timeLeft', got: 'a value of type number' },
      { kind: 'go-away', timeLeft: undefined, timeLeftMs: undefined },
    ]);
  });

  it('reads a goAway without timeLeft, and one whose timeLeft it cannot parse', () => {
    expect(readServerMessage({ goAway: {} })).toEqual([
      { kind: 'go-away', timeLeft: undefined, timeLeftMs: undefined },
    ]);
    expect(readServerMessage({ goAway: { timeLeft: 'soon' } })).toEqual([
      { kind: 'go-away', timeLeft: 'soon', timeLeftMs: undefined },
    ]);
  });

  it.each([null, 7, 'text', [1, 2]])(
    'reports a message that is not an object (%j) without throwing',
    (message) => {
      expect(readServerMessage(message)).toEqual([
        { kind: 'malformed', field: 'message', got: expect.any(String) },
      ]);
    },
  );

  it('reads nothing from a message of an unknown kind (setupComplete, a newer key)', () => {
    expect(readServerMessage({ setupComplete: {}, brandNewKind: { a: 1 } })).toEqual([]);
  });

  it("reads the keys assigned to an instance of a class with accessors of its own, as the SDK's messages are", () => {
    class Message {
      get functionCalls(): unknown {
        return 'not read';
      }
    }
    const call = { id: 'c1', name: 'watch', args: {} };
    const message = Object.assign(new Message(), { toolCall: { functionCalls: [call] }, goAway: {} });
    expect(readServerMessage(message).map((a) => a.kind)).toEqual(['tool-calls', 'go-away']);
  });
});

describe('durationToMs', () => {
  it.each([
    ['50s', 50_000],
    ['0.25s', 250],
    [' 3s ', 3000],
  ])('reads %j', (text, ms) => {
    expect(durationToMs(text)).toBe(ms);
  });

  it.each(['', '5', '5m', '-1s', 'NaNs', undefined, 5])('refuses %j', (value) => {
    expect(durationToMs(value)).toBeUndefined();
  });
});
