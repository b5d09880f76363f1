/**
 * Model profiles in the fake Live server, through the real SDK (both majors): a synchronous-only
 * model that waits for the response, 3.8's non-blocking default and its cancelled blocking calls,
 * extended thinking's interactionStatus, resumption updates while calls run, and the protocol
 * violations each profile closes with 1007.
 */
import { Behavior, type FunctionDeclaration, GoogleGenAI, type LiveServerMessage } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  barrier,
  LiveTestClient,
  openClient,
  type SdkCloseEvent,
  type SdkUnderTest,
  sdks,
  textConfig,
} from '../../test/support/live-client.js';
import { resolveModelProfile } from '../profiles/resolve-model-profile.js';
import { createFakeLiveServer, FAKE_LIVE_CLOSES, type FakeLiveServer } from './index.js';

const FLASH_31 = 'gemini-3.1-flash-live-preview';
const LIVE_38 = 'gemini-3.8-live';
const THINKING = 'gemini-3.8-live-extended-thinking';
const NATIVE_25 = 'gemini-2.5-flash-native-audio-preview-12-2025';

const lookup = (behavior?: Behavior): FunctionDeclaration => ({
  name: 'lookup',
  description: 'Looks something up.',
  ...(behavior === undefined ? {} : { behavior }),
});
const watch: FunctionDeclaration = { name: 'watch', description: 'Watches something.' };

function open(
  sdk: SdkUnderTest,
  server: FakeLiveServer,
  model: string,
  declarations: FunctionDeclaration[] = [lookup(), watch],
  extra: Parameters<typeof textConfig>[1] = {},
) {
  return openClient(sdk, server, {
    model,
    config: textConfig(declarations, { sessionResumption: {}, ...extra }),
  });
}

const isText = (m: LiveServerMessage) => (m.serverContent?.modelTurn?.parts ?? []).some((p) => p.text);

describe.each(sdks)('fake Live server profiles with the real $name client', (sdk) => {
  describe(`${FLASH_31} (synchronous only)`, () => {
    it('holds the model output until the blocking call is answered', async () => {
      await using server = await createFakeLiveServer({ profile: 'auto' });
      const { client, session, connection } = await open(sdk, server, FLASH_31);
      expect(connection.profile?.id).toBe(FLASH_31);
      expect(connection.behaviorOf('watch')).toBe('BLOCKING');

      const id = connection.callTool('lookup', { q: 'two plus two' });
      connection.sendModelText('It is four.', { turnComplete: true });
      connection.callTool('watch');
      await barrier(client, connection);
      expect(client.modelText()).toBe('');
      expect(connection.heldFrames).toHaveLength(2);
      expect([...connection.runningCalls.keys()]).toEqual([id]);

      session.sendToolResponse({ functionResponses: [{ id, name: 'lookup', response: { output: 4 } }] });
      await client.waitFor(
        (m) => (m.toolCall?.functionCalls?.[0]?.name === 'watch' ? true : undefined),
        'the held call',
      );
      expect(client.modelText()).toBe('It is four.');
      expect(client.indexOf(isText)).toBeGreaterThan(client.indexOf((m) => m.toolCall !== undefined));
      expect(connection.heldFrames).toEqual([]);
    });

    it('without a profile, says everything at once (the default is unchanged)', async () => {
      await using server = await createFakeLiveServer();
      const { client, connection } = await open(sdk, server, FLASH_31);
      connection.callTool('lookup');
      connection.sendModelText('It is four.', { turnComplete: true });
      await client.waitFor((m) => m.serverContent?.turnComplete, 'the turn');
      expect(client.modelText()).toBe('It is four.');
      expect(connection.profile).toBeUndefined();
      expect(connection.heldFrames).toEqual([]);
    });

    it('refuses a NON_BLOCKING declaration with 1007 before setupComplete', async () => {
      await using server = await createFakeLiveServer({ profile: 'auto' });
      const client = new LiveTestClient(sdk, server.url, {
        model: FLASH_31,
        config: textConfig([lookup(), { name: 'watch', behavior: Behavior.NON_BLOCKING }]),
      });
      const close = await client.waitForClose();
      expect({ code: close.code, reason: close.reason }).toEqual(FAKE_LIVE_CLOSES.invalidArgument);
      const [connection] = server.connections;
      expect(connection?.accepted).toBe(false);
      expect(connection?.profileViolations.map((v) => v.code)).toEqual(['NON_BLOCKING_ON_SYNC_MODEL']);
      expect(connection?.profileViolations[0]?.message).toMatch(/watch is declared NON_BLOCKING/);
    });

    it('closes with 1007 on a willContinue response', async () => {
      await using server = await createFakeLiveServer({ profile: 'auto' });
      const { client, session, connection } = await open(sdk, server, FLASH_31);
      const id = connection.callTool('watch');
      await client.waitFor((m) => m.toolCall, 'the call');
      session.sendToolResponse({
        functionResponses: [{ id, name: 'watch', response: { output: 1 }, willContinue: true }],
      });
      const close = await client.waitForClose();
      expect({ code: close.code, reason: close.reason }).toEqual(FAKE_LIVE_CLOSES.invalidArgument);
      expect(connection.profileViolations.map((v) => v.code)).toEqual(['WILL_CONTINUE_UNSUPPORTED']);
      expect(connection.toolResponses()).toEqual([]);
    });

    it('closes with 1007 on clientContent once the conversation runs', async () => {
      await using server = await createFakeLiveServer({ profile: 'auto' });
      const { client, session, connection } = await open(sdk, server, FLASH_31);
      session.sendClientContent({ turns: 'hello', turnComplete: true });
      const close = await client.waitForClose();
      expect(close.code).toBe(1007);
      expect(connection.profileViolations[0]?.message).toMatch(/realtimeInput\.text/);
    });
  });

  describe(LIVE_38, () => {
    it('runs an undeclared behaviour as NON_BLOCKING and cancels a BLOCKING call on new input', async () => {
      await using server = await createFakeLiveServer({ profile: 'auto' });
      const { client, session, connection } = await open(sdk, server, LIVE_38, [
        lookup(Behavior.BLOCKING),
        watch,
      ]);
      expect(connection.behaviorOf('watch')).toBe('NON_BLOCKING');
      expect(connection.behaviorOf('lookup')).toBe('BLOCKING');
      const watchId = connection.callTool('watch');
      const lookupId = connection.callTool('lookup');
      connection.sendModelText('Held while lookup runs.');
      await barrier(client, connection);
      expect(client.modelText()).toBe('');

      session.sendRealtimeInput({ text: 'never mind, something else' });
      const cancelled = await client.waitFor((m) => m.toolCallCancellation?.ids, 'the cancellation');
      expect(cancelled).toEqual([lookupId]);
      expect([...connection.runningCalls.keys()]).toEqual([watchId]);
      await client.waitFor((m) => (isText(m) ? true : undefined), 'the released text');
      expect(client.indexOf(isText)).toBeGreaterThan(
        client.indexOf((m) => m.toolCallCancellation !== undefined),
      );
    });

    it('releases the held output when the test cancels the blocking call itself', async () => {
      await using server = await createFakeLiveServer({ profile: 'auto' });
      const { client, connection } = await open(sdk, server, LIVE_38, [lookup(Behavior.BLOCKING)]);
      const id = connection.callTool('lookup');
      connection.sendModelText('Never mind.', { turnComplete: true });
      expect(connection.heldFrames).toHaveLength(1);
      connection.cancelToolCalls(id);
      await client.waitFor((m) => m.serverContent?.turnComplete, 'the released turn');
      expect(client.modelText()).toBe('Never mind.');
      expect(connection.runningCalls.size).toBe(0);
    });

    it('clientContent without turnComplete only adds context: it does not cancel a BLOCKING call', async () => {
      await using server = await createFakeLiveServer({ profile: 'auto' });
      const { client, session, connection } = await open(sdk, server, LIVE_38, [lookup(Behavior.BLOCKING)]);
      const id = connection.callTool('lookup');
      session.sendClientContent({ turns: 'for context', turnComplete: false });
      await connection.waitForFrame((f) => f.clientContent !== undefined);
      await barrier(client, connection);
      expect(client.indexOf((m) => m.toolCallCancellation !== undefined)).toBe(-1);
      expect([...connection.runningCalls.keys()]).toEqual([id]);
    });

    it('a resumed connection takes over the state of its handle: the calls the model ran, and the calls it knows', async () => {
      const { profile } = resolveModelProfile(LIVE_38, {
        override: { resumption: { resumableWhileCallsRun: true } },
      });
      await using server = await createFakeLiveServer({ profile });
      const declarations = [lookup(Behavior.BLOCKING), watch];
      const first = await open(sdk, server, LIVE_38, declarations);
      const blocking = first.connection.callTool('lookup');
      expect(first.connection.sendResumptionUpdate('h-1')).toBe(true);
      const later = first.connection.callTool('watch'); // after the handle: not in its state
      await first.client.waitFor((m) => m.sessionResumptionUpdate?.newHandle, 'h-1');

      const resumed = await openClient(sdk, server, {
        model: LIVE_38,
        config: textConfig(declarations, { sessionResumption: { handle: 'h-1' } }),
      });
      const conn2 = resumed.connection;
      expect([...conn2.runningCalls]).toEqual([[blocking, 'BLOCKING']]);
      conn2.sendModelText('Held: the model still waits for lookup.');
      expect(conn2.heldFrames).toHaveLength(1);
      resumed.session.sendToolResponse({
        functionResponses: [
          { id: later, name: 'watch', response: { output: 'late' } },
          { id: blocking, name: 'lookup', response: { output: 'found' } },
        ],
      });
      await conn2.waitForToolResponse(blocking);
      expect(conn2.unknownCallResponses.map((r) => r.id)).toEqual([later]);
      expect(conn2.heldFrames).toEqual([]);
      expect(conn2.runningCalls.size).toBe(0);
    });

    it('cancels a BLOCKING call on clientContent too', async () => {
      await using server = await createFakeLiveServer({ profile: 'auto' });
      const { client, session, connection } = await open(sdk, server, LIVE_38, [lookup(Behavior.BLOCKING)]);
      const id = connection.callTool('lookup');
      session.sendClientContent({ turns: 'and another thing', turnComplete: true });
      expect(await client.waitFor((m) => m.toolCallCancellation?.ids, 'the cancellation')).toEqual([id]);
    });
  });

  it(`${NATIVE_25}: a call without behavior is BLOCKING and new input does not cancel it`, async () => {
    await using server = await createFakeLiveServer({ profile: 'auto' });
    const { client, session, connection } = await open(sdk, server, NATIVE_25);
    expect(connection.profile?.id).toBe('gemini-2.5-flash-native-audio');
    const id = connection.callTool('watch');
    session.sendRealtimeInput({ text: 'hello?' });
    await connection.waitForFrame((f) => f.realtimeInput?.text !== undefined);
    await barrier(client, connection);
    expect(client.indexOf((m) => m.toolCallCancellation !== undefined)).toBe(-1);
    expect([...connection.runningCalls]).toEqual([[id, 'BLOCKING']]);
  });

  it(`${THINKING}: turnComplete carries interactionStatus IN_PROGRESS while calls run, IDLE at the end`, async () => {
    await using server = await createFakeLiveServer({ profile: 'auto' });
    const { client, session, connection } = await open(sdk, server, THINKING, [lookup(Behavior.BLOCKING)]);
    expect(connection.behaviorOf('lookup')).toBe('NON_BLOCKING'); // asynchronous only
    const id = connection.callTool('lookup');
    connection.sendModelText('Let me look into that.', { turnComplete: true });
    const first = await client.waitFor(
      (m) => (m.serverContent?.turnComplete ? m.serverContent : undefined),
      'turn 1',
    );
    expect(first.interactionStatus).toBe('IN_PROGRESS');

    // The answer ends the last call: the model, which ended its turn IN_PROGRESS, reports IDLE.
    session.sendToolResponse({ functionResponses: [{ id, name: 'lookup', response: { output: 'found' } }] });
    await connection.waitForToolResponse(id);
    const turns = () => client.messages.filter((m) => m.serverContent?.turnComplete);
    await client.waitFor(() => (turns().length === 2 ? true : undefined), 'the IDLE the model owed');
    expect(JSON.parse(JSON.stringify(turns()[1]?.serverContent))).toEqual({
      turnComplete: true,
      interactionStatus: 'IDLE',
    });
    connection.sendModelText('Found it.');
    connection.sendTurnComplete({ turnCompleteReason: 'NEED_MORE_INPUT', waitingForInput: true });
    await client.waitFor((m) => (m.serverContent?.waitingForInput ? true : undefined), 'turn 3');
    expect(JSON.parse(JSON.stringify(turns()[2]?.serverContent))).toEqual({
      turnComplete: true,
      interactionStatus: 'IDLE',
      turnCompleteReason: 'NEED_MORE_INPUT',
      waitingForInput: true,
    });
  });

  it('without an extended-thinking profile, turnComplete carries no interactionStatus unless asked', async () => {
    await using server = await createFakeLiveServer({ profile: 'auto' });
    const { client, connection } = await open(sdk, server, LIVE_38);
    connection.turnComplete();
    connection.sendTurnComplete({ interactionStatus: 'IN_PROGRESS' });
    await barrier(client, connection);
    const statuses = client.messages
      .filter((m) => m.serverContent?.turnComplete)
      .map((m) => m.serverContent?.interactionStatus);
    expect(statuses).toEqual([undefined, 'IN_PROGRESS']);
  });

  it('sends resumable: false without a handle while calls run or the model generates', async () => {
    await using server = await createFakeLiveServer({ profile: 'auto' });
    const { client, session, connection } = await open(sdk, server, LIVE_38);
    const updates = () =>
      client.messages.flatMap((m) => (m.sessionResumptionUpdate ? [m.sessionResumptionUpdate] : []));
    const id = connection.callTool('watch');
    expect(connection.sendResumptionUpdate('h-1')).toBe(false);
    session.sendToolResponse({
      functionResponses: [{ id, name: 'watch', response: { output: 1 }, willContinue: true }],
    });
    await connection.waitForToolResponse(id);
    expect(connection.sendResumptionUpdate('h-2')).toBe(false); // a streaming call still runs
    session.sendToolResponse({ functionResponses: [{ id, name: 'watch', response: { output: 2 } }] });
    await connection.waitForToolResponse(id, (r) => r.willContinue === undefined);
    connection.sendModelText('Streaming done');
    expect(connection.sendResumptionUpdate('h-3')).toBe(false); // generating
    connection.turnComplete();
    expect(connection.sendResumptionUpdate('h-4')).toBe(true);
    await client.waitFor((m) => (m.sessionResumptionUpdate?.newHandle === 'h-4' ? true : undefined), 'h-4');
    expect(updates().map((u) => JSON.parse(JSON.stringify(u)))).toEqual([
      { resumable: false },
      { resumable: false },
      { resumable: false },
      { newHandle: 'h-4', resumable: true },
    ]);

    // h-4 stands for the session after its two responses; h-1 went out as resumable: false, never issued
    const resume = (handle: string) =>
      openClient(sdk, server, {
        model: LIVE_38,
        config: textConfig([watch], { sessionResumption: { handle } }),
      });
    expect((await resume('h-4')).connection.firstClientMessageIndex).toBe(2);
    expect((await resume('h-1')).connection.firstClientMessageIndex).toBe(0);
  });

  it('a profile whose handles stay resumable while calls run issues the handle', async () => {
    const { profile } = resolveModelProfile(LIVE_38, {
      override: { resumption: { resumableWhileCallsRun: true } },
    });
    await using server = await createFakeLiveServer({ profile });
    const { client, connection } = await open(sdk, server, 'any-model');
    connection.callTool('watch');
    expect(connection.sendResumptionUpdate('h-1')).toBe(true);
    expect(await client.waitFor((m) => m.sessionResumptionUpdate?.newHandle, 'h-1')).toBe('h-1');
  });
});

it('Vertex AI gemini-3.8-live: willContinue closes with 1007', async () => {
  await using server = await createFakeLiveServer({ profile: 'auto' });
  const ai = new GoogleGenAI({ vertexai: true, apiKey: 'test-key', httpOptions: { baseUrl: server.url } });
  let closed: (event: SdkCloseEvent) => void = () => {};
  const closing = new Promise<SdkCloseEvent>((resolve) => {
    closed = resolve;
  });
  const session = await ai.live.connect({
    model: LIVE_38,
    config: { tools: [{ functionDeclarations: [watch] }] },
    callbacks: { onmessage: () => {}, onclose: (e) => closed(e) },
  });
  const connection = await server.waitForConnection();
  expect(connection.profile?.platform).toBe('vertex-ai');
  const id = connection.callTool('watch');
  session.sendToolResponse({
    functionResponses: [{ id, name: 'watch', response: { output: 1 }, willContinue: true }],
  });
  expect((await closing).code).toBe(1007);
  expect(connection.profileViolations.map((v) => v.code)).toEqual(['WILL_CONTINUE_UNSUPPORTED']);
});

// Neither SDK major sends `historyConfig` (its converters drop it), so a raw socket sends the setup.
it(`${FLASH_31}: takes clientContent to seed the initial history, and refuses it after the first turn`, async () => {
  await using server = await createFakeLiveServer({ profile: 'auto' });
  const socket = new WebSocket(
    `${server.url.replace('http', 'ws')}/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=test-key`,
  );
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(
    JSON.stringify({
      setup: { model: `models/${FLASH_31}`, historyConfig: { initialHistoryInClientContent: true } },
    }),
  );
  const connection = await server.waitForConnection();
  socket.send(
    JSON.stringify({ clientContent: { turns: [{ role: 'user', parts: [{ text: 'I like tea.' }] }] } }),
  );
  socket.send(JSON.stringify({ clientContent: { turns: [{ role: 'model', parts: [{ text: 'Noted.' }] }] } }));
  socket.send(JSON.stringify({ realtimeInput: { text: 'what do I like?' } }));
  await connection.waitForFrame((f) => f.realtimeInput?.text !== undefined);
  expect(connection.profileViolations).toEqual([]);

  socket.send(JSON.stringify({ clientContent: { turns: [{ role: 'user', parts: [{ text: 'more' }] }] } }));
  expect(await closed).toBe(1007);
  expect(connection.profileViolations.map((v) => v.code)).toEqual(['CLIENT_CONTENT_MID_SESSION']);
});
