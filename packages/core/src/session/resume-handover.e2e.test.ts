/**
 * Resuming with a handle issued before some calls (both SDK majors against the fake Live server):
 * the resumed state never made those calls, so they are handed over like in a handoff (briefing,
 * later results as text, `onHandoff`), while the calls the handle covers go on with function
 * responses. Nothing answers a call id the resumed session does not know.
 */
import { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pushTool } from '../../test/support/push-tool.js';
import {
  EventLog,
  openResumableSession,
  ping,
  type SessionFixture,
  wireBarrier,
} from '../../test/support/session-fixture.js';
import { sdks } from '../../test/support/session-sdks.js';
import type { GenAIClient } from '../protocol/genai-like.js';
import { createFakeLiveServer, type FakeLiveConnection, type LiveClientFrame } from '../testing/index.js';
import { defineStreamingTool } from '../tool/define-tool.js';
import { createLiveAgent } from './create-live-agent.js';
import { handoffBriefing } from './handoff-relay.js';
import type { HandedOverEvent, LiveEvent } from './live-events.js';

/** The text of every `clientContent` turn a connection received. */
const textTurns = (connection: FakeLiveConnection): string[] =>
  connection.clientContents.flatMap((c) =>
    (c.turns ?? []).flatMap((t) => (t.parts ?? []).map((p) => p.text ?? '')),
  );

const isTextTurn = (match: string) => (f: LiveClientFrame) =>
  (f.clientContent?.turns ?? []).some((t) => (t.parts ?? []).some((p) => p.text?.includes(match) === true));

/** A streaming tool that runs until the handoff ends it; `subscribed` counts its live subscriptions. */
function cameraTool() {
  const state = { subscribed: 0 };
  const tool = defineStreamingTool({
    name: 'camera',
    description: 'Watches the camera.',
    parameters: z.object({}),
    onHandoff: 'end',
    execute: () =>
      new Observable<string>(() => {
        state.subscribed += 1;
        return () => {
          state.subscribed -= 1;
        };
      }),
  });
  return { tool, state };
}

/**
 * A session on a fake server without a model profile (handles come whenever asked), whose second
 * connection's setup waits until the test accepts it: results can be produced while disconnected.
 */
async function open(makeAi: (baseUrl: string) => GenAIClient) {
  let held: ((c: FakeLiveConnection) => void) | undefined;
  const secondSetup = new Promise<FakeLiveConnection>((resolve) => {
    held = resolve;
  });
  let connections = 0;
  const server = await createFakeLiveServer({
    onSetup: (_setup, connection) => {
      if (++connections < 2) return undefined;
      held?.(connection);
      return 'ignore' as const;
    },
  });
  const watch = pushTool('watch');
  const camera = cameraTool();
  const agent = createLiveAgent({
    ai: makeAi(server.url),
    model: 'gemini-3.8-live',
    tools: [watch.tool, camera.tool],
    config: { sessionResumption: {} },
    reconnect: { initialDelayMs: 1 },
  });
  const session = await agent.connect();
  const first = await server.waitForConnection();
  const log = new EventLog(session);
  await log.waitFor((e) => e.type === 'connected', 'connected');
  return {
    server,
    session,
    first,
    secondSetup,
    log,
    watch,
    camera,
    async [Symbol.asyncDispose]() {
      await session.close();
      await server.close();
    },
  };
}

/**
 * Stores handle-1, then starts a `watch` call after it (its first result reached the server), then
 * sends a goAway and waits for the resumption to start: the call is one the handle does not cover.
 */
async function watchAfterHandleThenGoAway(
  fx: SessionFixture,
  watch: ReturnType<typeof pushTool>,
): Promise<{ id: string; since: number }> {
  fx.first.sendResumptionUpdate('handle-1');
  await fx.log.waitFor((e) => e.type === 'resumption-update' && e.hasHandle, 'handle-1');
  const id = fx.first.callTool('watch', { label: 'w' }); // after handle-1
  await fx.log.waitFor((e) => e.type === 'tool-start' && e.callId === id, 'watch starts');
  watch.push(id, 'w-0');
  await fx.first.waitForToolResponse(id);
  const since = fx.log.mark;
  fx.first.goAway('1s');
  await fx.log.waitFor((e) => e.type === 'reconnecting', 'reconnecting', since);
  return { id, since };
}

describe.each(sdks)('resuming with a handle issued before some calls (%s)', (_name, makeAi) => {
  it('the calls made after the handle are handed over: briefed, their results (those produced while disconnected first) as text, onHandoff applied; the covered call goes on with function responses', async () => {
    await using fx = await open(makeAi);
    const covered = fx.first.callTool('watch', { label: 'a' });
    await fx.log.waitFor((e) => e.type === 'tool-start' && e.callId === covered, 'covered starts');
    fx.watch.push(covered, 'a-0');
    await fx.first.waitForToolResponse(covered);
    fx.first.sendResumptionUpdate('h-1');
    await fx.log.waitFor((e) => e.type === 'resumption-update' && e.hasHandle, 'h-1');
    const later = fx.first.callTool('watch', { label: 'b' });
    const cam = fx.first.callTool('camera');
    await fx.log.waitFor((e) => e.type === 'tool-start' && e.callId === cam, 'camera starts');
    fx.watch.push(later, 'b-0');
    await fx.first.waitForToolResponse(later);
    expect(fx.camera.state.subscribed).toBe(1);

    void fx.first.drop();
    const second = await fx.secondSetup;
    // Produced while the session has no connection.
    fx.watch.push(covered, 'a-1');
    fx.watch.push(later, 'b-1');
    second.acceptSetup();
    const event = (await fx.log.waitFor(
      (e) => e.type === 'handed-over',
      'the partial handoff',
    )) as HandedOverEvent & LiveEvent;
    const briefing = handoffBriefing(
      [{ callId: later, toolName: 'watch', args: { label: 'b' }, streaming: true }],
      'resumed',
    );
    expect(
      briefing.startsWith(
        '[session resumed] The connection ended and this session resumed from an earlier point.',
      ),
    ).toBe(true);
    expect(event).toMatchObject({
      cause: 'connection-lost',
      resumed: true,
      continued: [{ callId: later, toolName: 'watch' }],
      ended: [{ callId: cam, toolName: 'camera' }],
      forgotten: [],
      briefing,
    });
    expect(second.resumptionHandle).toBe('h-1');
    expect(await fx.log.ended(cam)).toMatchObject({ reason: 'cancelled', cancelledBy: 'handoff' });
    expect(fx.camera.state.subscribed).toBe(0);

    await second.waitForFrame(isTextTurn('"b-1"'));
    await second.waitForToolResponse(covered, (r) => r.output === 'a-1');
    fx.watch.push(later, 'b-2');
    fx.watch.complete(later);
    await second.waitForFrame(isTextTurn('(final: this call has ended)'));
    expect(textTurns(second)).toEqual([
      briefing,
      `[tool result watch call_id=${later}] "b-1"`,
      `[tool result watch call_id=${later}] "b-2"`,
      `[tool result watch call_id=${later}] (final: this call has ended) {"status":"completed","results":3}`,
    ]);
    // The covered call: its results after the handle as function responses, on its own id.
    expect(second.sessionToolResponses(covered).map((r) => r.output)).toEqual(['a-0', 'a-1']);
    expect(second.toolResponses(later)).toEqual([]);
    expect(second.toolResponses(cam)).toEqual([]);
    expect(second.unknownCallResponses).toEqual([]);
    expect(fx.session.activeCalls().map((c) => c.callId)).toEqual([covered]);
    expect(fx.session.metrics()).toMatchObject({ reconnections: 1, handoffs: 1 });
  });

  it('results parked while resuming go as function responses when the handle the resumption took covers their call (a handle of the connection being left)', async () => {
    const watch = pushTool('watch');
    await using fx = await openResumableSession({ makeAi, tools: [watch.tool], holdResumed: true });
    const { id, since } = await watchAfterHandleThenGoAway(fx, watch);
    const failing = await fx.gate.next(); // under way with handle-1
    expect(failing.resumptionHandle).toBe('handle-1');
    fx.first.sendResumptionUpdate('handle-2'); // on the connection being left: covers the call
    await fx.log.waitFor((e) => e.type === 'resumption-update' && e.hasHandle, 'handle-2', since);
    watch.push(id, 'w-1'); // while reconnecting: parked
    await failing.drop();
    const next = await fx.gate.next();
    expect(next.resumptionHandle).toBe('handle-2');
    fx.gate.release(next);
    await next.waitForToolResponse(id, (r) => r.output === 'w-1');
    expect(next.sessionToolResponses(id).map((r) => r.output)).toEqual(['w-0', 'w-1']);
    expect(next.unknownCallResponses).toEqual([]);
    expect(next.clientContents).toEqual([]);
    expect(fx.log.events.filter((e) => e.type === 'handed-over')).toEqual([]);
  });

  it('results parked while resuming are not sent for a call the server cancelled meanwhile', async () => {
    const watch = pushTool('watch');
    await using fx = await openResumableSession({ makeAi, tools: [watch.tool, ping], holdResumed: true });
    const { id, since } = await watchAfterHandleThenGoAway(fx, watch);
    const next = await fx.gate.next();
    watch.push(id, 'w-1'); // while reconnecting: parked
    fx.first.cancelToolCalls(id); // on the connection being left
    await fx.log.ended(id, since);
    fx.gate.release(next);
    await fx.log.waitFor((e) => e.type === 'connected' && e.resumed, 'the resumption', since);
    await wireBarrier(next);
    expect(next.frames.filter((f) => JSON.stringify(f).includes('w-1'))).toEqual([]);
    expect(next.unknownCallResponses).toEqual([]);
    expect(fx.log.events.find((e) => e.type === 'handed-over')).toMatchObject({
      resumed: true,
      continued: [],
      forgotten: [{ callId: id, toolName: 'watch' }],
    });
  });

  it('a handle that covers every call resumes as before: no briefing, no handed-over event', async () => {
    await using fx = await open(makeAi);
    const id = fx.first.callTool('watch', { label: 'a' });
    await fx.log.waitFor((e) => e.type === 'tool-start' && e.callId === id, 'watch starts');
    fx.watch.push(id, 'a-0');
    await fx.first.waitForToolResponse(id);
    fx.first.sendResumptionUpdate('h-1');
    await fx.log.waitFor((e) => e.type === 'resumption-update' && e.hasHandle, 'h-1');
    void fx.first.drop();
    const second = await fx.secondSetup;
    fx.watch.push(id, 'a-1');
    second.acceptSetup();
    await second.waitForToolResponse(id, (r) => r.output === 'a-1');
    expect(fx.log.events.filter((e) => e.type === 'handed-over')).toEqual([]);
    expect(second.clientContents).toEqual([]);
    expect(fx.session.metrics().handoffs).toBe(0);
  });
});
