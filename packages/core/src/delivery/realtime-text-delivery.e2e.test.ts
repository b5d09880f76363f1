/**
 * The realtime-text delivery in a real session: `gemini-3.1-flash-live-preview` (synchronous calls
 * only, `clientContent` only for the initial history) with a streaming tool, over both SDK majors
 * against the fake Live server playing that model's profile, which closes the connection with 1007
 * on anything the model does not take (NON_BLOCKING, willContinue, mid-session clientContent).
 */
import { describe, expect, it } from 'vitest';
import { connectFixture, recordingLogger } from '../../test/support/profiled-session.js';
import { pushTool } from '../../test/support/push-tool.js';
import { ping, ResumeGate, wireBarrier } from '../../test/support/session-fixture.js';
import { sdks } from '../../test/support/session-sdks.js';
import { createLiveAgent, type LiveAgentOptions } from '../session/create-live-agent.js';
import { createFakeLiveServer, type FakeLiveConnection } from '../testing/index.js';
import { withScheduling } from '../tool/scheduling.js';

const FLASH_31 = 'gemini-3.1-flash-live-preview';

/** The realtime texts `conn` received, in order. */
const texts = (conn: FakeLiveConnection): string[] =>
  conn.realtimeInputs.flatMap((input) => (input.text === undefined ? [] : [input.text]));

describe.each(sdks)('realtime-text delivery on gemini-3.1-flash-live-preview (%s)', (_name, makeAi) => {
  async function open(options: Partial<Omit<LiveAgentOptions, 'ai'>> = {}, gate?: ResumeGate) {
    const watch = pushTool('watch');
    const server = await createFakeLiveServer({
      profile: 'auto',
      ...(gate ? { onSetup: gate.onSetup } : {}),
    });
    const agent = createLiveAgent({
      ai: makeAi(server.url),
      model: FLASH_31,
      tools: [watch.tool, ping],
      logger: recordingLogger().logger,
      ...options,
    });
    const fixture = await connectFixture(agent, server);
    const { conn, log } = fixture;
    /** Calls `watch` and answers it with `first` (a sync-only model waits for that answer). */
    const startWatch = async (first: unknown) => {
      const id = conn.callTool('watch', { label: 'x' });
      await log.waitFor((e) => e.type === 'tool-start' && e.callId === id, `tool-start of ${id}`);
      watch.push(id, first);
      await conn.waitForToolResponse(id);
      return id;
    };
    return { ...fixture, watch, startWatch };
  }

  it('is chosen by default; the first result answers the call, later ones go as realtime text by scheduling, and nothing the model cannot take is sent', async () => {
    await using t = await open();
    expect(t.agent.delivery).toBe('realtime-text');
    expect(t.conn.declarations.map((d) => [d.name, d.behavior])).toEqual([
      ['watch', 'BLOCKING'],
      ['ping', 'BLOCKING'],
      ['stop_streaming', 'BLOCKING'],
    ]);
    const id = await t.startWatch({ price: 1 });
    const [answer] = t.conn.toolResponses(id);
    expect(answer?.output).toEqual({
      result: { price: 1 },
      more: `Further results will arrive as text messages starting with [tool result watch call_id=${id}].`,
    });
    expect(answer?.raw).not.toHaveProperty('willContinue');
    expect(answer?.raw).not.toHaveProperty('scheduling');

    t.conn.sendModelText('The price is one.'); // no turnComplete: the model is speaking
    await t.log.waitFor((e) => e.type === 'model-text', 'model text');
    t.watch.push(id, { price: 2 }); // WHEN_IDLE (the tool's default): waits
    t.watch.push(id, withScheduling({ price: 3 }, 'SILENT')); // waits behind it
    await wireBarrier(t.conn);
    expect(texts(t.conn)).toEqual([]);
    t.watch.push(id, withScheduling({ price: 9 }, 'INTERRUPT')); // takes them along, at once
    await t.conn.waitForFrame((f) => f.realtimeInput?.text?.includes('"price":9') === true);
    expect(texts(t.conn)).toEqual([
      `[tool result watch call_id=${id}] {"price":2}`,
      `[tool result watch call_id=${id}] (context only: no reply needed) {"price":3}`,
      `[tool result watch call_id=${id}] {"price":9}`,
    ]);

    t.watch.push(id, { price: 4 }); // the model still speaks: waits for its turn to end
    t.watch.complete(id); // the final (SILENT) comes last
    await wireBarrier(t.conn);
    expect(texts(t.conn)).toHaveLength(3);
    t.conn.turnComplete();
    await t.log.ended(id);
    await t.conn.waitForFrame((f) => f.realtimeInput?.text?.includes('final') === true);
    expect(texts(t.conn).slice(3)).toEqual([
      `[tool result watch call_id=${id}] {"price":4}`,
      `[tool result watch call_id=${id}] (final: this call has ended; context only: no reply needed) {"status":"completed","results":5}`,
    ]);

    expect(t.conn.profileViolations).toEqual([]);
    expect(t.conn.clientContents).toEqual([]);
    expect(JSON.stringify(t.conn.frames)).not.toMatch(/NON_BLOCKING|willContinue|scheduling/);
    expect(t.conn.toolResponses(id)).toHaveLength(1);
    expect(t.session.isOpen).toBe(true);
    expect(t.log.events.filter((e) => e.type === 'error')).toEqual([]);
  });

  it('an explicit client-content is refused at createLiveAgent with a message naming realtime-text', async () => {
    await using server = await createFakeLiveServer();
    expect(() =>
      createLiveAgent({
        ai: makeAi(server.url),
        model: FLASH_31,
        tools: [pushTool('watch').tool],
        delivery: 'client-content',
      }),
    ).toThrow(/initial history.*delivery: 'realtime-text'/s);
  });

  // Needs the session to route a delivery's realtime text through its outbound writer (channelFor
  // in live-agent-session.ts writes { method: 'sendRealtimeInput', ... }).
  it('holds realtime-text results while reconnecting, replays what the resumed handle does not cover, and sends them on the resumed connection in order', async () => {
    const gate = new ResumeGate();
    await using t = await open({ config: { sessionResumption: {} }, reconnect: { initialDelayMs: 1 } }, gate);
    const id = await t.startWatch('first');
    const since = t.log.mark;
    expect(t.conn.sendResumptionUpdate('h1')).toBe(true);
    await t.log.waitFor((e) => e.type === 'resumption-update' && e.hasHandle, 'the handle', since);

    t.watch.push(id, withScheduling('second', 'INTERRUPT')); // written after the handle: not covered
    await t.conn.waitForFrame((f) => f.realtimeInput?.text?.includes('second') === true);
    const dropped = t.log.mark;
    await t.conn.drop();
    await t.log.waitFor((e) => e.type === 'reconnecting', 'reconnecting', dropped);
    t.watch.push(id, withScheduling('third', 'INTERRUPT')); // no connection: held
    t.watch.push(id, withScheduling('fourth', 'INTERRUPT'));

    const resumed = await gate.next();
    gate.release(resumed);
    await resumed.waitForFrame((f) => f.realtimeInput?.text?.includes('fourth') === true);
    expect(texts(resumed)).toEqual([
      `[tool result watch call_id=${id}] "second"`,
      `[tool result watch call_id=${id}] "third"`,
      `[tool result watch call_id=${id}] "fourth"`,
    ]);
    expect(resumed.profileViolations).toEqual([]);
    expect(resumed.toolResponses(id)).toEqual([]); // the call was answered on the first connection
  });
});
