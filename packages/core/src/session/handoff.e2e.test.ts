/**
 * Handoff end to end (both SDK majors against the fake Live server playing the model's profile):
 * a session that must reconnect while no resumable handle is held moves to a fresh Live session,
 * keeps its running calls, tells the model what still runs, and delivers their later results there
 * as text turns.
 */
import { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pushTool } from '../../test/support/push-tool.js';
import { EventLog } from '../../test/support/session-fixture.js';
import { sdks } from '../../test/support/session-sdks.js';
import type { GenAIClient } from '../protocol/genai-like.js';
import { createFakeLiveServer, type FakeLiveConnection, type LiveClientFrame } from '../testing/index.js';
import { defineStreamingTool } from '../tool/define-tool.js';
import { createLiveAgent, type LiveAgentOptions } from './create-live-agent.js';
import type { HandedOverEvent, LiveEvent } from './live-events.js';

/** The text of every `clientContent` turn a connection received, with its `turnComplete`. */
function textTurns(connection: FakeLiveConnection): { text: string; turnComplete: boolean | undefined }[] {
  return connection.clientContents.flatMap((c) =>
    (c.turns ?? []).flatMap((t) =>
      (t.parts ?? []).map((p) => ({ text: p.text ?? '', turnComplete: c.turnComplete })),
    ),
  );
}

const isTextTurn = (match: string) => (f: LiveClientFrame) =>
  (f.clientContent?.turns ?? []).some((t) => (t.parts ?? []).some((p) => p.text?.includes(match) === true));

/** The briefing the new session gets for one running `watch` call. */
function briefingFor(calls: { id: string; label: string }[]): string {
  return [
    '[session handed over] The connection of the earlier session ended and this session continues it. ' +
      'These function calls you made there are still running:',
    ...calls.map(
      ({ id, label }) =>
        `- watch (call_id ${id}) with arguments {"label":"${label}"}: its results will follow as messages starting with ` +
        `[tool result watch call_id=${id}]. To stop it, call stop_streaming with function_name "watch" (or call_id "${id}").`,
    ),
  ].join('\n');
}

async function open(
  makeAi: (baseUrl: string) => GenAIClient,
  options: Partial<LiveAgentOptions> = {},
  watch = pushTool('watch'),
  serverOptions: Parameters<typeof createFakeLiveServer>[0] = {},
) {
  const server = await createFakeLiveServer({ profile: 'auto', ...serverOptions });
  const agent = createLiveAgent({
    ai: makeAi(server.url),
    model: 'gemini-3.8-live',
    tools: [watch.tool],
    config: { sessionResumption: {} },
    reconnect: { initialDelayMs: 1 },
    ...options,
  });
  const session = await agent.connect();
  const first = await server.waitForConnection();
  const log = new EventLog(session);
  await log.waitFor((e) => e.type === 'connected', 'connected');
  /** Starts a `watch` call and waits until its first result reached the server: the call runs. */
  const startWatch = async (label: string) => {
    const id = first.callTool('watch', { label });
    await log.waitFor((e) => e.type === 'tool-start' && e.callId === id, `tool-start of ${id}`);
    watch.push(id, `${label}-0`);
    await first.waitForToolResponse(id);
    return id;
  };
  return {
    server,
    session,
    first,
    log,
    watch,
    startWatch,
    async [Symbol.asyncDispose]() {
      await session.close();
      await server.close();
    },
  };
}

const handedOver = (log: EventLog, since = 0) =>
  log.waitFor((e) => e.type === 'handed-over', 'handed-over', since) as Promise<HandedOverEvent & LiveEvent>;

describe.each(sdks)('handoff (%s)', (_name, makeAi) => {
  it('a goAway while no resumable handle is held hands the session over: the call keeps running, the new session is told, its later results arrive there as text turns', async () => {
    await using fx = await open(makeAi);
    const id = await fx.startWatch('AAPL');
    // The model profile makes handles not resumable while the call runs.
    expect(fx.first.sendResumptionUpdate('h-1')).toBe(false);
    await fx.log.waitFor((e) => e.type === 'resumption-update' && !e.resumable, 'the unresumable update');
    const next = fx.server.waitForConnection();
    fx.first.goAwayThenClose('0.5s'); // less than the 1 s margin: hand over at once
    const event = await handedOver(fx.log);
    const second = await next;
    expect(fx.log.events.find((e) => e.type === 'go-away')).toMatchObject({
      willResume: false,
      willHandOver: true,
    });
    expect(second.resumptionHandle).toBeUndefined();
    expect(event).toMatchObject({
      cause: 'go-away',
      continued: [{ callId: id, toolName: 'watch' }],
      ended: [],
    });
    const briefing = briefingFor([{ id, label: 'AAPL' }]);
    expect(event.briefing).toBe(briefing);
    await second.waitForFrame(isTextTurn('[session handed over]'));
    expect(fx.session.activeCalls().map((c) => c.callId)).toEqual([id]);

    fx.watch.push(id, 'AAPL-1');
    fx.watch.complete(id);
    await second.waitForFrame(isTextTurn('(final: this call has ended)'));
    expect(textTurns(second)).toEqual([
      { text: briefing, turnComplete: false },
      { text: `[tool result watch call_id=${id}] "AAPL-1"`, turnComplete: true },
      {
        text: `[tool result watch call_id=${id}] (final: this call has ended) {"status":"completed","results":2}`,
        turnComplete: false,
      },
    ]);
    // Nothing went to the new session on the old call id.
    expect(second.toolResponses()).toEqual([]);
    expect(fx.session.isOpen).toBe(true);
  });

  it('a second handoff briefs the next session again about the calls still running', async () => {
    await using fx = await open(makeAi);
    const id = await fx.startWatch('AAPL');
    let next = fx.server.waitForConnection();
    fx.first.goAway('0s');
    await handedOver(fx.log);
    const second = await next;
    await second.waitForFrame(isTextTurn('[session handed over]'));
    const since = fx.log.mark;
    next = fx.server.waitForConnection();
    second.goAway('0s');
    const event = await handedOver(fx.log, since);
    const third = await next;
    expect(event.continued).toEqual([{ callId: id, toolName: 'watch' }]);
    await third.waitForFrame(isTextTurn('[session handed over]'));
    fx.watch.push(id, 'AAPL-1');
    await third.waitForFrame(isTextTurn('"AAPL-1"'));
    expect(textTurns(third).map((t) => t.text)).toEqual([
      briefingFor([{ id, label: 'AAPL' }]),
      `[tool result watch call_id=${id}] "AAPL-1"`,
    ]);
    expect(textTurns(second).map((t) => t.text)).toEqual([briefingFor([{ id, label: 'AAPL' }])]);
  });

  it('a resumable handle arriving within timeLeft resumes the session instead', async () => {
    await using fx = await open(makeAi);
    const id = await fx.startWatch('AAPL');
    expect(fx.first.sendResumptionUpdate('h-1')).toBe(false);
    const next = fx.server.waitForConnection();
    fx.first.goAwayThenClose('30s');
    await fx.log.waitFor((e) => e.type === 'go-away', 'go-away');
    fx.watch.complete(id);
    await fx.first.waitForToolResponse(id, (r) => r.willContinue === false);
    // The call ended: the next update carries a handle, and the session resumes with it at once.
    expect(fx.first.sendResumptionUpdate('h-2')).toBe(true);
    await fx.log.waitFor((e) => e.type === 'connected' && e.resumed, 'the resumed connection');
    const second = await next;
    expect(second.resumptionHandle).toBe('h-2');
    expect(fx.log.events.filter((e) => e.type === 'handed-over')).toEqual([]);
    expect(fx.log.events.find((e) => e.type === 'reconnecting')).toMatchObject({ cause: 'go-away' });
    expect(textTurns(second)).toEqual([]);
  });

  it("onHandoff: 'end' stops that tool's call at the handoff; the others keep running and only they are named", async () => {
    let cameraSubscribed = 0;
    let cameraSignal: AbortSignal | undefined;
    const camera = defineStreamingTool({
      name: 'camera',
      description: 'Watches the camera until the session is handed over.',
      parameters: z.object({ label: z.string() }),
      onHandoff: 'end',
      execute: (_args, ctx) =>
        new Observable<string>(() => {
          cameraSubscribed += 1;
          cameraSignal = ctx.signal;
          return () => {
            cameraSubscribed -= 1;
          };
        }),
    });
    const watch = pushTool('watch');
    await using fx = await open(makeAi, { tools: [watch.tool, camera] }, watch);
    const [w, c] = fx.first.callTools([
      { name: 'watch', args: { label: 'w' } },
      { name: 'camera', args: { label: 'c' } },
    ]) as [string, string];
    await fx.log.waitFor((e) => e.type === 'tool-start' && e.callId === c, 'camera started');
    await fx.log.waitFor((e) => e.type === 'tool-start' && e.callId === w, 'watch started');
    expect(cameraSubscribed).toBe(1);
    const next = fx.server.waitForConnection();
    fx.first.goAway('0s');
    const event = await handedOver(fx.log);
    const second = await next;
    expect(event).toMatchObject({
      continued: [{ callId: w, toolName: 'watch' }],
      ended: [{ callId: c, toolName: 'camera' }],
      briefing: briefingFor([{ id: w, label: 'w' }]),
    });
    // Ended by the handoff, not by the application: the event, the metrics and the tool's signal say so.
    expect(await fx.log.ended(c)).toMatchObject({ reason: 'cancelled', cancelledBy: 'handoff' });
    expect(fx.session.metrics().calls.cancelledBy).toEqual({ handoff: 1 });
    expect(cameraSignal?.aborted).toBe(true);
    expect(cameraSignal?.reason).toMatchObject({
      code: 'CALL_CANCELLED',
      by: 'handoff',
      message: expect.stringMatching(/handed over to a new Live session/),
    });
    expect(cameraSubscribed).toBe(0);
    expect(fx.session.activeCalls().map((x) => x.callId)).toEqual([w]);
    await second.waitForFrame(isTextTurn('[session handed over]'));
    watch.push(w, 'w-1');
    await second.waitForFrame(isTextTurn('"w-1"'));
    expect(textTurns(second).map((t) => t.text)).toEqual([
      briefingFor([{ id: w, label: 'w' }]),
      `[tool result watch call_id=${w}] "w-1"`,
    ]);
    expect(second.toolResponses()).toEqual([]);
  });

  it('a dropped connection without a resumable handle hands over too, and results produced meanwhile follow the briefing in order', async () => {
    // Holds the setup of the second connection until the test releases it.
    let held: ((c: FakeLiveConnection) => void) | undefined;
    const setupArrived = new Promise<FakeLiveConnection>((resolve) => {
      held = resolve;
    });
    let connections = 0;
    const onSetup = (_setup: unknown, connection: FakeLiveConnection) => {
      if (++connections < 2) return undefined;
      held?.(connection);
      return 'ignore' as const;
    };
    await using fx = await open(makeAi, {}, pushTool('watch'), { onSetup });
    const id = await fx.startWatch('AAPL');
    void fx.first.drop();
    const second = await setupArrived;
    fx.watch.push(id, 'AAPL-1'); // while the session has no connection
    second.acceptSetup();
    const event = await handedOver(fx.log);
    expect(event).toMatchObject({ cause: 'connection-lost', continued: [{ callId: id, toolName: 'watch' }] });
    await second.waitForFrame(isTextTurn('"AAPL-1"'));
    expect(textTurns(second).map((t) => t.text)).toEqual([
      briefingFor([{ id, label: 'AAPL' }]),
      `[tool result watch call_id=${id}] "AAPL-1"`,
    ]);
    // A new call in the new session goes through the normal delivery, on its own id.
    const fresh = second.callTool('watch', { label: 'new' });
    await fx.log.waitFor((e) => e.type === 'tool-start' && e.callId === fresh, 'the new call');
    fx.watch.push(fresh, 'new-0');
    expect((await second.waitForToolResponse(fresh)).output).toBe('new-0');
  });

  it('a goAway whose timeLeft is beyond what a timer can wait still waits for a handle (no timer overflow)', async () => {
    await using fx = await open(makeAi);
    const id = await fx.startWatch('AAPL');
    fx.first.goAway('99999999999s');
    await fx.log.waitFor((e) => e.type === 'go-away', 'go-away');
    fx.watch.complete(id);
    await fx.first.waitForToolResponse(id, (r) => r.willContinue === false);
    await fx.log.ended(id);
    expect(fx.first.sendResumptionUpdate('h-2')).toBe(true);
    await fx.log.waitFor((e) => e.type === 'connected' && e.resumed, 'the resumed connection');
    expect(fx.log.events.filter((e) => e.type === 'handed-over')).toEqual([]);
  });

  it('without a handle by timeLeft minus marginMs after a goAway, the session hands over', async () => {
    await using fx = await open(makeAi, { handoff: { marginMs: 950 } });
    const id = await fx.startWatch('AAPL');
    const since = fx.log.mark;
    fx.first.goAwayThenClose('1s'); // the wait ends 50 ms in, long before the server closes
    await fx.log.waitFor((e) => e.type === 'go-away', 'go-away', since);
    expect(fx.log.events.slice(since).map((e) => e.type)).toEqual(['go-away']);
    const event = await handedOver(fx.log, since);
    expect(event).toMatchObject({ cause: 'go-away', continued: [{ callId: id, toolName: 'watch' }] });
    expect(fx.first.closeInfo?.code).not.toBe(1011); // closed by the client, not by the server's timer
  });

  it('on a model that takes clientContent only as initial history, the briefing and the later results go as realtime text', async () => {
    await using fx = await open(makeAi, { model: 'gemini-3.1-flash-live-preview' });
    const id = await fx.startWatch('AAPL');
    const next = fx.server.waitForConnection();
    fx.first.goAway('0s');
    await handedOver(fx.log);
    const second = await next;
    await second.waitForFrame((f) => f.realtimeInput?.text?.startsWith('[session handed over]') === true);
    fx.watch.push(id, 'AAPL-1');
    await second.waitForFrame((f) => f.realtimeInput?.text?.includes('"AAPL-1"') === true);
    expect(second.realtimeInputs.map((r) => r.text)).toEqual([
      briefingFor([{ id, label: 'AAPL' }]),
      `[tool result watch call_id=${id}] "AAPL-1"`,
    ]);
    expect(second.clientContents).toEqual([]);
    expect(second.toolResponses()).toEqual([]);
    expect(second.profileViolations).toEqual([]);
  });

  it('without sessionResumption a drop ends the session as before (handoff is off unless enabled)', async () => {
    await using fx = await open(makeAi, { config: {} });
    await fx.startWatch('AAPL');
    void fx.first.drop();
    const closed = await fx.log.waitFor((e) => e.type === 'closed', 'closed');
    expect(closed).toMatchObject({ by: 'connection-lost' });
    expect(fx.log.events.filter((e) => e.type === 'handed-over')).toEqual([]);
  });
});
