import { describe, expect, it } from 'vitest';
import type { LiveFunctionResponse } from '../protocol/function-calls.js';
import type { GenAILiveSession } from '../protocol/genai-like.js';
import { HandoffRelay, handoffBriefing } from './handoff-relay.js';

function relay(perCall = 2) {
  const texts: string[] = [];
  const dropped: string[] = [];
  const channel: GenAILiveSession = {
    sendClientContent: (params) => {
      for (const t of params.turns ?? []) for (const p of t.parts) texts.push(p.text ?? '');
    },
    sendRealtimeInput: () => {},
    sendToolResponse: () => {},
    close: () => {},
  };
  const context = {
    whenIdle: (_id: string, send: () => void) => send(),
    inOrder: (_id: string, send: () => void) => send(),
    release: () => {},
  };
  const r = new HandoffRelay(
    undefined,
    {
      route: () => ({ channel, context }),
      context,
      dropped: (id) => dropped.push(id),
      failed: (_id, error) => {
        throw error;
      },
    },
    perCall,
  );
  return { r, texts, dropped };
}

const result = (id: string, output: unknown, willContinue?: boolean): LiveFunctionResponse => ({
  id,
  name: 'watch',
  response: { output },
  ...(willContinue === undefined ? {} : { willContinue }),
});

describe('HandoffRelay parking while a resumption is under way', () => {
  it('holds the results of the calls picked only, keeps the newest perCall intermediate ones and every final, counts the drops, and hands them back in order', () => {
    const { r, texts, dropped } = relay(2);
    r.park((id) => id === 'b');
    expect(r.owns('a')).toBe(false);
    expect(r.owns('b')).toBe(true);
    for (let i = 0; i < 4; i++) r.deliver(result('b', i, true));
    r.deliver(result('b', 'done', false));
    expect(texts).toEqual([]);
    expect(dropped).toEqual(['b', 'b']);
    expect(r.unpark().map((x) => x.response)).toEqual([{ output: 2 }, { output: 3 }, { output: 'done' }]);
    expect(r.owns('b')).toBe(false); // parking stopped
    expect(r.unpark()).toEqual([]);
  });

  it('drops the parked results of a call the server cancelled, and only those', () => {
    const { r } = relay();
    r.park(() => true);
    r.deliver(result('a', 1, true));
    r.deliver(result('b', 1, true));
    r.deliver(result('a', 2, true));
    r.discardParked(['a']);
    expect(r.unpark().map((x) => x.id)).toEqual(['b']);
  });

  it('drops the parked results of every call one cancellation names', () => {
    const { r } = relay();
    r.park(() => true);
    r.deliver(result('a', 1, true));
    r.deliver(result('b', 1, true));
    r.deliver(result('c', 1, true));
    r.discardParked(['c', 'a', 'unknown']);
    expect(r.unpark().map((x) => x.id)).toEqual(['b']);
  });

  it('results of a call the relay already carries are not parked: they go as text', () => {
    const { r, texts } = relay();
    r.adopt([{ callId: 'a', toolName: 'watch', args: {}, streaming: true }], []);
    r.briefed(() => {});
    r.park(() => true);
    r.deliver(result('a', 'x', true));
    expect(texts).toEqual(['[tool result watch call_id=a] "x"']);
    expect(r.unpark()).toEqual([]);
  });
});

describe('handoffBriefing', () => {
  it('opens with what happened: a handoff to a fresh session, or a resumption from before the calls', () => {
    const calls = [{ callId: 'c1', toolName: 'watch', args: { s: 'A' }, streaming: true }];
    const line =
      '- watch (call_id c1) with arguments {"s":"A"}: its results will follow as messages starting with [tool result watch call_id=c1]. To stop it, call stop_streaming with function_name "watch" (or call_id "c1").';
    expect(handoffBriefing(calls)).toBe(
      '[session handed over] The connection of the earlier session ended and this session continues it. These function calls you made there are still running:\n' +
        line,
    );
    expect(handoffBriefing(calls, 'resumed')).toBe(
      '[session resumed] The connection ended and this session resumed from an earlier point. These function calls you made after that point are still running:\n' +
        line,
    );
  });
});
