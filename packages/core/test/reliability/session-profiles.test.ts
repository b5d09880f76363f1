/**
 * The session suite over the profile matrix: every live model family the fake server plays
 * (`profile: 'auto'`), on its platform, with both SDK majors. One body per behaviour asserts what
 * `profileExpectations` says the profile should show, so no profile is skipped: where a profile
 * refuses something (a streaming tool on a sync-only model), the test asserts the refusal.
 */
import { filter, firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { resolveModelProfile } from '../../src/profiles/resolve-model-profile.js';
import { createLiveAgent, type LiveAgentOptions } from '../../src/session/create-live-agent.js';
import type { HandedOverEvent } from '../../src/session/live-events.js';
import {
  createFakeLiveServer,
  type FakeLiveConnection,
  type LiveClientFrame,
} from '../../src/testing/index.js';
import { withScheduling } from '../../src/tool/scheduling.js';
import {
  type MatrixSdk,
  PROFILE_SDK_ROWS,
  type ProfileExpectations,
  profileExpectations,
} from '../support/profile-matrix.js';
import { connectFixture, recordingLogger } from '../support/profiled-session.js';
import { pushTool } from '../support/push-tool.js';
import { thrownBy } from '../support/session-errors.js';
import { ping, slowLookup, wireBarrier } from '../support/session-fixture.js';

/**
 * Session bugs the matrix exposes that are not fixed here (the session and delivery files belong
 * to other helpers; each was reported to the lead). The test that shows one stays in the suite
 * and runs on every other row; on the rows a bug applies to it is excluded in plain sight
 * (`it.skipIf`, listed as skipped), never silently.
 */
const KNOWN_SESSION_BUGS: readonly {
  readonly id: string;
  readonly applies: (e: ProfileExpectations) => boolean;
}[] = [];

/** The known session bug that keeps a test from passing on a row, if any. */
const knownSessionBug = (expected: ProfileExpectations): string | undefined =>
  KNOWN_SESSION_BUGS.find((bug) => bug.applies(expected))?.id;

type Options = Omit<LiveAgentOptions, 'ai' | 'model'>;

/** A session of the profile's model over `sdk` against a fake server playing that profile. */
async function open(expected: ProfileExpectations, sdk: MatrixSdk, options: Options) {
  const server = await createFakeLiveServer({ profile: 'auto' });
  const makeAi = expected.vertex ? sdk.vertexAi : sdk.geminiApi;
  const agent = createLiveAgent({
    ai: makeAi(server.url),
    model: expected.model,
    logger: recordingLogger().logger,
    ...options,
  });
  return connectFixture(agent, server);
}

/** The declared `behavior` of each function, by name. */
const declared = (conn: FakeLiveConnection): Record<string, unknown> =>
  Object.fromEntries(conn.declarations.map((d) => [d.name, d.behavior]));

describe.each(PROFILE_SDK_ROWS)('session on %s', (_label, profile, sdk) => {
  const expected = profileExpectations(profile);
  const makeAi = expected.vertex ? sdk.vertexAi : sdk.geminiApi;

  it('resolves the profile from the model name and declares each tool as the model runs it; the server accepts the setup', async () => {
    const lookup = slowLookup();
    const watch = pushTool('watch');
    await using t = await open(expected, sdk, { tools: [watch.tool, lookup.tool] });
    expect(resolveModelProfile(expected.model, { vertexai: expected.vertex }).profile).toEqual(profile);
    expect([t.agent.profile.id, t.agent.profile.platform]).toEqual([profile.id, profile.platform]);
    expect(t.conn.profile).toEqual(profile);
    expect(t.agent.delivery).toBe(expected.streamingDelivery);
    const behaviors = declared(t.conn);
    expect(behaviors).toEqual({
      watch: expected.streaming,
      lookup: expected.oneShot,
      stop_streaming: expected.oneShot,
    });
    for (const name of ['watch', 'lookup', 'stop_streaming']) {
      expect(t.conn.behaviorOf(name)).toBe(behaviors[name]);
    }
    expect(t.conn.profileViolations).toEqual([]);
    expect(t.conn.state).toBe('open');
  });

  it('a one-shot call: the model holds its output back until the answer where it runs the call BLOCKING', async () => {
    const lookup = slowLookup();
    await using t = await open(expected, sdk, { tools: [lookup.tool] });
    const id = t.conn.callTool('lookup');
    await t.log.waitFor((e) => e.type === 'tool-start' && e.callId === id, 'the lookup starts');
    t.conn.sendModelText('One moment.');
    expect(t.conn.heldFrames).toHaveLength(expected.waitsForOneShot ? 1 : 0);
    if (!expected.waitsForOneShot) await t.log.waitFor((e) => e.type === 'model-text', 'model text');
    lookup.answer('found');
    const response = await t.conn.waitForToolResponse(id);
    expect([response.output, response.willContinue]).toEqual(['found', undefined]);
    await t.log.waitFor((e) => e.type === 'model-text', 'model text');
    const order = t.log.events.flatMap((e) =>
      e.type === 'model-text' ? ['text'] : e.type === 'tool-end' ? ['end'] : [],
    );
    expect(order).toEqual(expected.waitsForOneShot ? ['end', 'text'] : ['text', 'end']);
    expect(t.conn.heldFrames).toEqual([]);
    expect(t.conn.profileViolations).toEqual([]);
  });

  it("a streaming tool's results reach the model the way the profile takes them; a delivery it cannot take is refused", async () => {
    const watch = pushTool('watch');
    const refused = (delivery: 'function-response' | 'client-content') =>
      thrownBy(() =>
        createLiveAgent({
          ai: makeAi('http://127.0.0.1:9'),
          model: expected.model,
          tools: [watch.tool],
          delivery,
        }),
      ).code;
    if (!expected.functionResponseDelivery) expect(refused('function-response')).toBe('UNSUPPORTED_DELIVERY');
    if (!expected.clientContentDelivery) expect(refused('client-content')).toBe('UNSUPPORTED_DELIVERY');
    await using t = await open(expected, sdk, { tools: [watch.tool, ping] });
    const id = t.conn.callTool('watch', { label: 'a' });
    // Not a round trip through ping: a sync-only model holds that call back until watch is answered.
    await t.log.waitFor((e) => e.type === 'tool-start' && e.callId === id, 'watch starts');
    watch.push(id, 1);
    watch.push(id, withScheduling(2, 'INTERRUPT'));
    watch.complete(id);
    await t.log.ended(id);
    if (expected.streamingDelivery === 'function-response') {
      await t.conn.waitForToolResponse(id, (r) => r.willContinue === false);
      const scheduling = (s: string) => (expected.sendsScheduling ? s : undefined);
      expect(t.conn.toolResponses(id).map((r) => [r.output, r.willContinue, r.scheduling])).toEqual([
        [1, true, scheduling('WHEN_IDLE')],
        [2, true, scheduling('INTERRUPT')],
        [{ status: 'completed', results: 2 }, false, scheduling('SILENT')],
      ]);
    } else {
      const texts = (f: LiveClientFrame): string =>
        expected.streamingDelivery === 'client-content'
          ? JSON.stringify(f.clientContent ?? '')
          : (f.realtimeInput?.text ?? '');
      const final = await t.conn.waitForFrame((f) => texts(f).includes('final: this call has ended'));
      expect(texts(final)).toContain(`call_id=${id}`);
      expect(t.conn.toolResponses(id).map((r) => r.willContinue)).toEqual([undefined]);
      const later = t.conn.frames.filter((f) => texts(f).includes(`call_id=${id}`));
      expect(later).toHaveLength(2); // the INTERRUPT result and the final
      expect(t.conn.clientContents.length > 0).toBe(expected.streamingDelivery === 'client-content');
    }
    expect(t.conn.runningCalls.has(id)).toBe(false);
    expect(t.conn.profileViolations).toEqual([]);
    expect(t.conn.state).toBe('open');
  });

  it('new user input while a one-shot call runs: the server cancels it where the model cancels BLOCKING calls; elsewhere it ends with its answer', async () => {
    const lookup = slowLookup();
    await using t = await open(expected, sdk, { tools: [lookup.tool] });
    const id = t.conn.callTool('lookup');
    await t.log.waitFor((e) => e.type === 'tool-start' && e.callId === id, 'the lookup starts');
    t.session.sendText('Actually, never mind.');
    await t.conn.waitForFrame((f) => f.clientContent !== undefined || f.realtimeInput?.text !== undefined);
    expect(t.conn.frames.some((f) => f.realtimeInput?.text !== undefined)).toBe(expected.textAsRealtime);
    if (expected.newInputCancelsOneShot) {
      expect(t.conn.sentFrames.at(-1)).toEqual({ toolCallCancellation: { ids: [id] } });
      await t.log.ended(id);
      lookup.answer('too late');
      await wireBarrier(t.conn);
      expect(t.conn.toolResponses(id)).toEqual([]);
    } else {
      expect(t.conn.runningCalls.has(id)).toBe(true);
      lookup.answer('found');
      expect((await t.conn.waitForToolResponse(id)).output).toBe('found');
    }
    expect(t.conn.profileViolations).toEqual([]);
  });

  it("client-content delivery: a WHEN_IDLE result waits for the profile's idle signal, or the agent refuses client-content", async () => {
    const watch = pushTool('watch');
    if (!expected.clientContentDelivery) {
      const error = thrownBy(() =>
        createLiveAgent({
          ai: makeAi('http://127.0.0.1:9'),
          model: expected.model,
          tools: [watch.tool],
          delivery: 'client-content',
        }),
      );
      expect(error.code).toBe('UNSUPPORTED_DELIVERY');
      return;
    }
    await using t = await open(expected, sdk, { tools: [watch.tool, ping], delivery: 'client-content' });
    const id = t.conn.callTool('watch', { label: 'x' });
    await wireBarrier(t.conn);
    watch.push(id, 'first'); // the function response
    await t.conn.waitForToolResponse(id);
    t.conn.sendModelText('Let me think.'); // the model is busy
    await t.log.waitFor((e) => e.type === 'model-text', 'model text');
    watch.push(id, 'second'); // WHEN_IDLE
    await wireBarrier(t.conn);
    expect(t.conn.clientContents).toEqual([]);
    // One spoken part ends while the task goes on: idle on a turnComplete profile only.
    t.conn.sendTurnComplete({ interactionStatus: 'IN_PROGRESS' });
    await wireBarrier(t.conn);
    expect(t.conn.clientContents.length > 0).toBe(expected.idleSignal === 'turnComplete');
    t.conn.sendTurnComplete({ interactionStatus: 'IDLE' });
    const frame = await t.conn.waitForFrame((f) => f.clientContent !== undefined);
    expect(JSON.stringify(frame)).toContain('second');
    expect(t.conn.profileViolations).toEqual([]);
  });

  // Excluded where KNOWN_SESSION_BUGS says so (listed as skipped, and in the report to the lead).
  it.skipIf(knownSessionBug(expected) !== undefined)(
    "a streaming tool's WHEN_IDLE result while a one-shot call runs does not cost the one-shot call",
    async () => {
      const lookup = slowLookup();
      const watch = pushTool('watch');
      await using t = await open(expected, sdk, { tools: [watch.tool, lookup.tool] });
      const id = t.conn.callTool('watch', { label: 'x' });
      await t.log.waitFor((e) => e.type === 'tool-start' && e.callId === id, 'watch starts');
      watch.push(id, 'first'); // answers the call (or its first willContinue response)
      await t.conn.waitForToolResponse(id);
      const slow = t.conn.callTool('lookup');
      await t.log.waitFor((e) => e.type === 'tool-start' && e.callId === slow, 'the lookup starts');
      watch.push(id, 'second'); // WHEN_IDLE
      watch.complete(id);
      await t.log.ended(id);
      lookup.answer('found');
      const response = await t.conn.waitForToolResponse(slow);
      expect(response.output).toBe('found');
      expect(t.conn.sentFrames.filter((f) => f.toolCallCancellation !== undefined)).toEqual([]);
      expect(t.conn.profileViolations).toEqual([]);
    },
  );

  it('resumption with a handle issued before some calls: the calls it covers go on as function responses; the resumed session is briefed on the later calls still running, their results go as text, and nothing answers a call id it never saw', async () => {
    const lookup = slowLookup();
    const watch = pushTool('watch');
    await using t = await open(expected, sdk, {
      tools: [lookup.tool, watch.tool],
      config: { sessionResumption: {} },
      reconnect: { initialDelayMs: 1 },
    });
    expect(t.conn.transparent).toBe(expected.transparent);
    const before = t.conn.callTool('lookup');
    await t.log.waitFor((e) => e.type === 'tool-start' && e.callId === before, 'the first lookup starts');
    expect(t.conn.sendResumptionUpdate('h-busy')).toBe(expected.resumableWhileCallsRun);
    lookup.answer('one');
    await t.conn.waitForToolResponse(before);
    const handleSeen = firstValueFrom(
      t.session.messages$.pipe(filter((m) => m.sessionResumptionUpdate?.newHandle === 'h-idle')),
    );
    expect(t.conn.sendResumptionUpdate('h-idle')).toBe(true);
    await handleSeen;
    // Issued after the handle: the state it stands for never made these calls.
    const after = t.conn.callTool('lookup');
    await t.log.waitFor((e) => e.type === 'tool-start' && e.callId === after, 'the second lookup starts');
    lookup.answer('two');
    await t.conn.waitForToolResponse(after);
    const running = t.conn.callTool('watch', { label: 'w' });
    await t.log.waitFor((e) => e.type === 'tool-start' && e.callId === running, 'watch starts');
    watch.push(running, 'w-0');
    await t.conn.waitForToolResponse(running);

    const next = t.server.waitForConnection();
    t.conn.goAway('1s');
    const conn2 = await next;
    await t.log.waitFor((e) => e.type === 'connected' && e.resumed, 'the resumed connection');
    const event = (await t.log.waitFor(
      (e) => e.type === 'handed-over',
      'the partial handoff',
    )) as HandedOverEvent;
    expect(conn2.resumptionHandle).toBe('h-idle');
    expect(conn2.profile).toEqual(profile);
    expect(conn2.sessionToolResponses(before).map((r) => r.output)).toEqual(['one']);
    expect(event).toMatchObject({
      resumed: true,
      continued: [{ callId: running, toolName: 'watch' }],
      ended: [],
      forgotten: [{ callId: after, toolName: 'lookup' }],
    });
    expect(event.briefing).toContain('[session resumed]');
    expect(event.briefing).toContain(`watch (call_id ${running})`);
    const text = (f: LiveClientFrame): string =>
      expected.textAsRealtime ? (f.realtimeInput?.text ?? '') : JSON.stringify(f.clientContent ?? '');
    await conn2.waitForFrame((f) => text(f).includes('[session resumed]'));
    // The running call's later results reach the resumed session as text.
    watch.push(running, 'w-1');
    await conn2.waitForFrame((f) => text(f).includes('w-1') && text(f).includes(`call_id=${running}`));
    // A call made on the resumed connection runs as usual.
    const third = conn2.callTool('lookup');
    await t.log.waitFor((e) => e.type === 'tool-start' && e.callId === third, 'the third lookup starts');
    expect([...conn2.runningCalls.keys()]).toEqual([third]);
    lookup.answer('three');
    expect((await conn2.waitForToolResponse(third)).output).toBe('three');
    expect(conn2.unknownCallResponses).toEqual([]);
    expect(conn2.toolResponses(after)).toEqual([]);
    expect(conn2.toolResponses(running)).toEqual([]);
    expect(conn2.profileViolations).toEqual([]);
    expect(t.session.activeCalls().map((c) => c.callId)).toEqual([running]);
    expect(t.session.metrics().handoffs).toBe(1);
  });

  it('goAway while a streaming call runs: with no resumable handle the call keeps running in a new session (handoff), else the session resumes; either way its results come in a form the model accepts, never on a call id it does not know', async () => {
    const watch = pushTool('watch');
    await using t = await open(expected, sdk, {
      tools: [watch.tool],
      config: { sessionResumption: {} },
      reconnect: { initialDelayMs: 1 },
    });
    const id = t.conn.callTool('watch', { label: 'x' });
    await t.log.waitFor((e) => e.type === 'tool-start' && e.callId === id, 'watch starts');
    watch.push(id, 'before');
    await t.conn.waitForToolResponse(id);
    // With function-response delivery the call runs on the server until its final response: no
    // handle. Elsewhere the first answer ended it there, and later results are text: a handle comes.
    const serverRunsCall = expected.streamingDelivery === 'function-response';
    const update = firstValueFrom(
      t.session.messages$.pipe(filter((m) => m.sessionResumptionUpdate !== undefined)),
    );
    expect(t.conn.sendResumptionUpdate('h-1')).toBe(!serverRunsCall || expected.resumableWhileCallsRun);
    await update;
    const next = t.server.waitForConnection();
    t.conn.goAwayThenClose('0.2s');
    const conn2 = await next;
    expect(conn2.resumed).toBe(!serverRunsCall);
    await t.log.waitFor(
      (e) => (serverRunsCall ? e.type === 'handed-over' : e.type === 'connected' && e.resumed),
      serverRunsCall ? 'the handoff' : 'the resumption',
    );
    watch.push(id, 'after');
    const mentions = (f: LiveClientFrame) =>
      JSON.stringify(f.clientContent ?? f.realtimeInput ?? '').includes('after');
    await conn2.waitForFrame(mentions);
    expect(conn2.unknownCallResponses).toEqual([]);
    expect(conn2.profileViolations).toEqual([]);
    expect(conn2.state).toBe('open');
    expect(watch.upstream.active).toBe(1);
  });
});
