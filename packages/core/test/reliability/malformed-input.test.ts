/**
 * Bad input from the server, through the real `@google/genai` client: malformed frames, calls with
 * missing or mistyped fields, huge and hostile arguments, invented function names. Each one gets a
 * clear error (a function response with a code, a session `error` event or a logged error), and
 * the session keeps working: a later valid call still streams.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineStreamingTool } from '../../src/tool/define-tool.js';
import { recordingLogger } from '../support/profiled-session.js';
import { pushTool } from '../support/push-tool.js';
import {
  clientBarrier,
  openSession,
  ping,
  type SessionFixture,
  trackUnhandledRejections,
} from '../support/session-fixture.js';

/** Errors that escaped as unhandled rejections while a test ran. */
const escaped = trackUnhandledRejections();

const strict = defineStreamingTool({
  name: 'strict_watch',
  description: 'Accepts only its own keys, and a short label.',
  parameters: z.strictObject({ label: z.string().max(100) }),
  execute: () => [],
});

async function open() {
  const watch = pushTool('watch');
  const { logger, lines } = recordingLogger();
  const fx = await openSession({ serverProfile: 'model', tools: [watch.tool, strict, ping], logger });
  return { fx, watch, lines };
}

/** The session still works: a fresh call streams a result and completes. */
async function stillWorks(fx: SessionFixture, watch: ReturnType<typeof pushTool>): Promise<void> {
  const id = fx.first.callTool('watch', { label: 'after' });
  await clientBarrier(fx.first, fx.log);
  watch.push(id, 'still streaming');
  watch.complete(id);
  await fx.first.waitForToolResponse(id, (r) => r.willContinue === false);
  expect(fx.first.toolResponses(id).map((r) => r.output)).toEqual([
    'still streaming',
    { status: 'completed', results: 1 },
  ]);
  expect(fx.session.isOpen).toBe(true);
  expect(escaped).toEqual([]);
}

/** Sends a raw frame and waits until the client has handled it (a ping behind it came back). */
async function sendRaw(fx: SessionFixture, frame: object | string): Promise<void> {
  fx.first.sendRaw(frame);
  await clientBarrier(fx.first, fx.log);
}

describe('malformed frames from the server', () => {
  it('ignores a message of an unknown kind, publishes it on messages$, and goes on', async () => {
    const { fx, watch } = await open();
    await using _ = fx;
    const seen: unknown[] = [];
    fx.session.messages$.subscribe((m) => seen.push(m));
    await sendRaw(fx, { brandNewMessageKind: { anything: [1, 2, 3] } });
    expect(seen.some((m) => 'brandNewMessageKind' in (m as object))).toBe(true);
    await stillWorks(fx, watch);
  });

  it.each([
    ['a call that is null', null, /not an object cannot be answered/],
    ['a call that is a number', 7, /not an object cannot be answered/],
    ['a call without an id', { name: 'watch', args: { label: 'x' } }, /without an id cannot be answered/],
    [
      'a call whose id is not a string',
      { id: ['x'], name: 'watch', args: { label: 'x' } },
      /id is not a string cannot be answered/,
    ],
  ])('logs %s (it cannot be answered) and goes on', async (_what, call, message) => {
    const { fx, watch, lines } = await open();
    await using _ = fx;
    await sendRaw(fx, { toolCall: { functionCalls: [call] } });
    expect(lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      expect.stringMatching(message),
    ]);
    expect(fx.log.events.filter((e) => e.type === 'error')).toEqual([]);
    await stillWorks(fx, watch);
  });

  it.each([
    ['functionCalls that is not an array', { toolCall: { functionCalls: { length: 1 } } }],
    ['cancellation ids that are not an array', { toolCallCancellation: { ids: { length: 2 } } }],
    ['a model turn whose parts are not an array', { serverContent: { modelTurn: { parts: { length: 1 } } } }],
    ['a model turn with a null part', { serverContent: { modelTurn: { parts: [null] } } }],
  ])('reports %s as an error event and goes on', async (_what, frame) => {
    const { fx, watch } = await open();
    await using _ = fx;
    await sendRaw(fx, frame);
    const errors = fx.log.events.filter((e) => e.type === 'error');
    expect(errors).toHaveLength(1);
    expect((errors[0] as { error: Error }).error.message).toMatch(/malformed server message/i);
    await stillWorks(fx, watch);
  });

  it('handles the toolCall of a message whose serverContent is malformed', async () => {
    const { fx, watch } = await open();
    await using _ = fx;
    await sendRaw(fx, {
      serverContent: { modelTurn: { parts: [null] } },
      toolCall: { functionCalls: [{ id: 'beside-bad-content', name: 'watch', args: { label: 'ok' } }] },
    });
    expect(fx.log.events.filter((e) => e.type === 'error')).toHaveLength(1);
    expect(watch.started('beside-bad-content')).toBe(true);
    await stillWorks(fx, watch);
  });

  it('handles the valid calls of a toolCall whose other entries are malformed', async () => {
    const { fx, watch } = await open();
    await using _ = fx;
    await sendRaw(fx, {
      toolCall: { functionCalls: [null, { id: 'good-1', name: 'watch', args: { label: 'ok' } }] },
    });
    expect(watch.started('good-1')).toBe(true);
    await stillWorks(fx, watch);
  });

  it('answers a call without a name with UNKNOWN_TOOL', async () => {
    const { fx, watch } = await open();
    await using _ = fx;
    await sendRaw(fx, { toolCall: { functionCalls: [{ id: 'nameless', args: {} }] } });
    const answer = await fx.first.waitForToolResponse('nameless');
    expect(answer).toMatchObject({ willContinue: false, error: { code: 'UNKNOWN_TOOL' } });
    expect((answer.error as { message: string }).message).toMatch(
      /no tool named ""\. Available tools: watch, strict_watch, ping/,
    );
    await stillWorks(fx, watch);
  });

  it.each([
    ['a string', 'not an object'],
    ['an array', [1, 2]],
    ['a number', 42],
    ['the wrong field types', { label: 42 }],
  ])('answers arguments that are %s with INVALID_ARGUMENTS', async (_what, args) => {
    const { fx, watch } = await open();
    await using _ = fx;
    await sendRaw(fx, { toolCall: { functionCalls: [{ id: 'bad-args', name: 'watch', args }] } });
    const answer = await fx.first.waitForToolResponse('bad-args');
    expect(answer).toMatchObject({ willContinue: false, error: { code: 'INVALID_ARGUMENTS' } });
    expect((answer.error as { message: string }).message).toMatch(
      /^Invalid arguments for watch: .+Call it again/,
    );
    expect(watch.started('bad-args')).toBe(false);
    await stillWorks(fx, watch);
  });

  it('answers a function name the model invented with UNKNOWN_TOOL and the list of tools', async () => {
    const { fx, watch } = await open();
    await using _ = fx;
    for (const name of ['get_weather', 'WATCH', 'watch ', 'stop_streaming_all', 42]) {
      await sendRaw(fx, { toolCall: { functionCalls: [{ id: `invented-${name}`, name, args: {} }] } });
      const answer = await fx.first.waitForToolResponse(`invented-${name}`);
      expect(answer).toMatchObject({ willContinue: false, error: { code: 'UNKNOWN_TOOL' } });
      expect((answer.error as { message: string }).message).toBe(
        `There is no tool named "${name}". Available tools: watch, strict_watch, ping, stop_streaming.`,
      );
    }
    await stillWorks(fx, watch);
  });

  it('accepts a 5 MB argument where the schema allows it, and refuses it briefly where it does not', async () => {
    const { fx, watch } = await open();
    await using _ = fx;
    const huge = 'x'.repeat(5 * 1024 * 1024);
    const [big, tooBig] = fx.first.callTools([
      { name: 'watch', args: { label: huge } },
      { name: 'strict_watch', args: { label: huge } },
    ]) as [string, string];
    await clientBarrier(fx.first, fx.log);
    expect(watch.started(big)).toBe(true);
    const refusal = await fx.first.waitForToolResponse(tooBig);
    expect(refusal).toMatchObject({
      willContinue: false,
      error: { code: 'INVALID_ARGUMENTS', issues: [{ path: 'label' }] },
    });
    expect(JSON.stringify(refusal.raw).length).toBeLessThan(1000); // the argument is not echoed back
    await stillWorks(fx, watch);
  });

  it('does not let __proto__, constructor or prototype keys pollute Object.prototype, and validates them', async () => {
    const { fx, watch } = await open();
    await using _ = fx;
    const hostile =
      '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"},"label":"x"}';
    fx.first.sendRaw(
      `{"toolCall":{"functionCalls":[{"id":"p-loose","name":"watch","args":${hostile}},{"id":"p-strict","name":"strict_watch","args":${hostile}}]}}`,
    );
    fx.first.sendRaw(`{"__proto__":{"polluted":"yes"},"toolCallCancellation":{"ids":["nothing"]}}`);
    await clientBarrier(fx.first, fx.log);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    // The loose schema strips unknown keys: the tool sees only its own argument.
    const start = fx.log.events.find((e) => e.type === 'tool-start' && e.callId === 'p-loose');
    expect(start).toMatchObject({ args: { label: 'x' } });
    expect(Object.keys((start as { args: object }).args)).toEqual(['label']);
    expect(Object.getPrototypeOf((start as { args: object }).args)).toBe(Object.prototype);
    // The strict schema refuses them by name.
    const refusal = await fx.first.waitForToolResponse('p-strict');
    expect(refusal).toMatchObject({ willContinue: false, error: { code: 'INVALID_ARGUMENTS' } });
    expect((refusal.error as { message: string }).message).toMatch(
      /constructor.*prototype|prototype.*constructor/,
    );
    await stillWorks(fx, watch);
  });

  it('keeps the last valid resumption handle when an update carries a handle of the wrong type', async () => {
    const watch = pushTool('watch');
    await using fx = await openSession({
      serverProfile: 'model',
      tools: [watch.tool, ping],
      config: { sessionResumption: {} },
      reconnect: { initialDelayMs: 1 },
    });
    fx.first.sendResumptionUpdate('good-handle');
    await sendRaw(fx, { sessionResumptionUpdate: { newHandle: 12345, resumable: true } });
    await sendRaw(fx, { sessionResumptionUpdate: { newHandle: { nested: true }, resumable: true } });
    const since = fx.log.mark;
    await fx.first.drop();
    const resumed = await fx.gate.next();
    expect(resumed.resumptionHandle).toBe('good-handle');
    fx.gate.release(resumed);
    await fx.log.waitFor((e) => e.type === 'connected' && e.resumed, 'the resumed connection', since);
    expect(escaped).toEqual([]);
  });

  it('a frame that is not JSON is reported as a MALFORMED_FRAME error event (no unhandled rejection), and the session goes on', async () => {
    const { fx, watch } = await open();
    await using _ = fx;
    await sendRaw(fx, '{this is not json');
    const errors = fx.log.events.filter((e) => e.type === 'error');
    expect(errors.map((e) => (e as { error: { code?: string } }).error.code)).toEqual(['MALFORMED_FRAME']);
    await stillWorks(fx, watch);
  });
});
