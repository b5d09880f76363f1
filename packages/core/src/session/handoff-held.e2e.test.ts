/**
 * What the writer held when a handoff starts (both SDK majors against the fake Live server playing
 * `gemini-3.8-live`): a continuing call's results that waited for the old model to be idle or for
 * a BLOCKING call reach the new session as text after the briefing, never as function responses
 * on their old ids; the text turns the application sent while the session had no connection go
 * after the briefing, in order.
 */
import { describe, expect, it } from 'vitest';
import { pushTool } from '../../test/support/push-tool.js';
import { EventLog, slowLookup } from '../../test/support/session-fixture.js';
import { sdks } from '../../test/support/session-sdks.js';
import type { GenAIClient } from '../protocol/genai-like.js';
import { createFakeLiveServer, type FakeLiveConnection, type LiveClientFrame } from '../testing/index.js';
import { createLiveAgent } from './create-live-agent.js';
import { handoffBriefing } from './handoff-relay.js';

/** The text of every `clientContent` turn a connection received. */
const textTurns = (connection: FakeLiveConnection): string[] =>
  connection.clientContents.flatMap((c) =>
    (c.turns ?? []).flatMap((t) => (t.parts ?? []).map((p) => p.text ?? '')),
  );

const isTextTurn = (match: string) => (f: LiveClientFrame) =>
  (f.clientContent?.turns ?? []).some((t) => (t.parts ?? []).some((p) => p.text?.includes(match) === true));

/**
 * A `client-content` session on `gemini-3.8-live` with a `watch` and a `lookup` tool, whose later
 * connections' setups wait until the test accepts them ({@link handOver}).
 */
async function open(makeAi: (baseUrl: string) => GenAIClient, bufferedResultsPerCall?: number) {
  const setups: FakeLiveConnection[] = [];
  const waiting: ((c: FakeLiveConnection) => void)[] = [];
  let connections = 0;
  const server = await createFakeLiveServer({
    profile: 'auto',
    onSetup: (_setup, connection) => {
      if (++connections < 2) return undefined;
      const next = waiting.shift();
      if (next) next(connection);
      else setups.push(connection);
      return 'ignore' as const;
    },
  });
  const nextSetup = () =>
    setups.length > 0
      ? Promise.resolve(setups.shift()!)
      : new Promise<FakeLiveConnection>((resolve) => waiting.push(resolve));
  const watch = pushTool('watch');
  const lookup = slowLookup();
  const agent = createLiveAgent({
    ai: makeAi(server.url),
    model: 'gemini-3.8-live',
    tools: [watch.tool, lookup.tool],
    delivery: 'client-content',
    config: { sessionResumption: {} },
    reconnect: { initialDelayMs: 1 },
    ...(bufferedResultsPerCall === undefined ? {} : { bufferedResultsPerCall }),
  });
  const session = await agent.connect();
  const first = await server.waitForConnection();
  const log = new EventLog(session);
  await log.waitFor((e) => e.type === 'connected', 'connected');
  /** Starts a `watch` call and waits until its first answer reached the server. */
  const startWatch = async (label: string) => {
    const id = first.callTool('watch', { label });
    await log.waitFor((e) => e.type === 'tool-start' && e.callId === id, `tool-start of ${id}`);
    watch.push(id, `${label}-0`);
    await first.waitForToolResponse(id);
    return id;
  };
  /** Accepts the held setup of the next connection and waits for its handoff. */
  const handOver = async () => {
    const since = log.mark;
    const conn = await nextSetup();
    conn.acceptSetup();
    await log.waitFor((e) => e.type === 'handed-over', 'handed-over', since);
    return conn;
  };
  return {
    server,
    session,
    first,
    log,
    watch,
    lookup,
    startWatch,
    handOver,
    async [Symbol.asyncDispose]() {
      await session.close();
      await server.close();
    },
  };
}

const watchBriefing = (id: string, label: string) =>
  handoffBriefing([{ callId: id, toolName: 'watch', args: { label }, streaming: true }]);

describe.each(sdks)('handoff: what the writer held (%s)', (_name, makeAi) => {
  it('a WHEN_IDLE result waiting for the old model to be idle reaches the new session as text after the briefing', async () => {
    await using fx = await open(makeAi);
    const id = await fx.startWatch('AAPL');
    fx.first.sendModelText('Let me tell you about AAPL');
    await fx.log.waitFor((e) => e.type === 'model-text', 'the model speaks');
    fx.watch.push(id, 'AAPL-1'); // WHEN_IDLE: waits for the model's turn to end
    fx.first.goAway('0s');
    const second = await fx.handOver();
    fx.watch.push(id, 'AAPL-2');
    await second.waitForFrame(isTextTurn('"AAPL-2"'));
    expect(textTurns(second)).toEqual([
      watchBriefing(id, 'AAPL'),
      `[tool result watch call_id=${id}] "AAPL-1"`,
      `[tool result watch call_id=${id}] "AAPL-2"`,
    ]);
    expect(second.toolResponses()).toEqual([]);
    expect(textTurns(fx.first)).toEqual([]);
  });

  it("a second handoff carries the handed-over call's result that waited for the second model to be idle to the third session", async () => {
    await using fx = await open(makeAi);
    const id = await fx.startWatch('AAPL');
    fx.first.goAway('0s');
    const second = await fx.handOver();
    await second.waitForFrame(isTextTurn('[session handed over]'));
    second.sendModelText('Still watching AAPL');
    await fx.log.waitFor((e) => e.type === 'model-text' && e.text === 'Still watching AAPL', 'it speaks');
    fx.watch.push(id, 'AAPL-1'); // through the relay, WHEN_IDLE: waits for the second model's turn to end
    second.goAway('0s');
    const third = await fx.handOver();
    fx.watch.push(id, 'AAPL-2');
    await third.waitForFrame(isTextTurn('"AAPL-2"'));
    expect(textTurns(second)).toEqual([watchBriefing(id, 'AAPL')]);
    expect(textTurns(third)).toEqual([
      watchBriefing(id, 'AAPL'),
      `[tool result watch call_id=${id}] "AAPL-1"`,
      `[tool result watch call_id=${id}] "AAPL-2"`,
    ]);
    expect(third.toolResponses()).toEqual([]);
  });

  it('the results carried over keep to bufferedResultsPerCall per call (the newest), the drops counted', async () => {
    await using fx = await open(makeAi, 2);
    const id = await fx.startWatch('AAPL');
    fx.first.sendModelText('Let me tell you about AAPL');
    await fx.log.waitFor((e) => e.type === 'model-text', 'the model speaks');
    for (let i = 1; i <= 4; i++) fx.watch.push(id, `AAPL-${i}`); // all wait for idle
    expect(fx.session.metrics().dropped).toBe(0);
    fx.first.goAway('0s');
    const second = await fx.handOver();
    fx.watch.complete(id);
    await second.waitForFrame(isTextTurn('(final: this call has ended)'));
    expect(textTurns(second).slice(1)).toEqual([
      `[tool result watch call_id=${id}] "AAPL-3"`,
      `[tool result watch call_id=${id}] "AAPL-4"`,
      `[tool result watch call_id=${id}] (final: this call has ended) {"status":"completed","results":5}`,
    ]);
    expect(fx.session.metrics().dropped).toBe(2);
  });

  it('a text result held while a BLOCKING call runs survives the handoff and follows the briefing', async () => {
    await using fx = await open(makeAi);
    const id = await fx.startWatch('AAPL');
    const slow = fx.first.callTool('lookup');
    await fx.log.waitFor((e) => e.type === 'tool-start' && e.callId === slow, 'the lookup starts');
    fx.watch.push(id, 'AAPL-1'); // text: held while the BLOCKING lookup runs
    fx.first.goAway('0s');
    const second = await fx.handOver();
    fx.lookup.answer('found');
    await second.waitForFrame(isTextTurn(`call_id=${slow}`));
    const turns = textTurns(second);
    expect(turns[0]).toBe(
      handoffBriefing([
        { callId: id, toolName: 'watch', args: { label: 'AAPL' }, streaming: true },
        { callId: slow, toolName: 'lookup', args: {}, streaming: false },
      ]),
    );
    expect(turns.slice(1, 2)).toEqual([`[tool result watch call_id=${id}] "AAPL-1"`]);
    expect(turns.slice(2).every((t) => t.includes(`call_id=${slow}`) && t.includes('found'))).toBe(true);
    expect(turns).toHaveLength(3);
    expect(second.toolResponses()).toEqual([]);
    expect(textTurns(fx.first)).toEqual([]);
  });

  it('resuming with a handle issued before a call: its WHEN_IDLE result that waited for the old model reaches the resumed session as text after the briefing', async () => {
    await using fx = await open(makeAi);
    expect(fx.first.sendResumptionUpdate('h-1')).toBe(true); // no call runs yet
    await fx.log.waitFor((e) => e.type === 'resumption-update' && e.hasHandle, 'h-1');
    const id = await fx.startWatch('AAPL');
    fx.first.sendModelText('Let me tell you about AAPL');
    await fx.log.waitFor((e) => e.type === 'model-text', 'the model speaks');
    fx.watch.push(id, 'AAPL-1'); // WHEN_IDLE: waits for the model's turn to end
    void fx.first.drop();
    const second = await fx.handOver();
    expect(second.resumptionHandle).toBe('h-1');
    await second.waitForFrame(isTextTurn('[session resumed]'));
    // The session still counts the old model's turn as running: WHEN_IDLE results wait for its end.
    second.sendTurnComplete();
    fx.watch.push(id, 'AAPL-2');
    await second.waitForFrame(isTextTurn('"AAPL-2"'));
    expect(textTurns(second)).toEqual([
      handoffBriefing(
        [{ callId: id, toolName: 'watch', args: { label: 'AAPL' }, streaming: true }],
        'resumed',
      ),
      `[tool result watch call_id=${id}] "AAPL-1"`,
      `[tool result watch call_id=${id}] "AAPL-2"`,
    ]);
    expect(second.toolResponses()).toEqual([]);
  });

  it('a text turn the application sent while the session had no connection goes after the briefing', async () => {
    await using fx = await open(makeAi);
    const id = await fx.startWatch('AAPL');
    void fx.first.drop();
    await fx.log.waitFor((e) => e.type === 'reconnecting', 'reconnecting');
    fx.session.sendText('Is AAPL still up?', { turnComplete: true });
    fx.session.sendText('And MSFT?', { turnComplete: true });
    const second = await fx.handOver();
    await second.waitForFrame(isTextTurn('And MSFT?'));
    expect(textTurns(second)).toEqual([watchBriefing(id, 'AAPL'), 'Is AAPL still up?', 'And MSFT?']);
  });
});
