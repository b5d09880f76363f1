import type { LiveServerMessage } from '@google/genai';
import { describe, expect, it, vi } from 'vitest';
import {
  countdownConfig as liveConfig,
  openCountdownClient as open,
  countdownSchema as schema,
} from '../../test/support/countdown-client.js';
import { LiveTestClient, sdks } from '../../test/support/live-client.js';
import { createFakeLiveServer, FakeLiveWaitError } from './index.js';

const plain = (message: LiveServerMessage): unknown => JSON.parse(JSON.stringify(message));

describe.each(sdks)('fake Live server with the real $name client', (sdk) => {
  it('receives the setup with declarations, behavior and parametersJsonSchema verbatim', async () => {
    await using server = await createFakeLiveServer();
    const { connection } = await open(sdk, server);

    expect(connection.apiVersion).toBe(sdk.defaultApiVersion);
    expect(connection.method).toBe('BidiGenerateContent');
    expect(connection.credential).toBe('test-key');
    expect(connection.setup.model).toBe('models/gemini-3.8-live');
    expect(connection.setup.tools?.[0]?.functionDeclarations).toEqual([
      {
        name: 'countdown',
        description: 'Counts down.',
        behavior: 'NON_BLOCKING',
        parametersJsonSchema: schema,
      },
    ]);
    expect(connection.declarations.map((d) => d.name)).toEqual(['countdown']);
    expect(connection.setup.generationConfig).toEqual({ responseModalities: ['TEXT'] });
    expect(connection.setup.sessionResumption).toEqual({});
    expect(connection.resumed).toBe(false);
    expect(connection.frames).toEqual([{ setup: connection.setup }]);
    expect(connection.sentFrames).toEqual([{ setupComplete: {} }]);
    expect(connection.accepted).toBe(true);
  });

  it('delivers setupComplete and a message right behind it before connect() resolves (trap 1)', async () => {
    await using server = await createFakeLiveServer({
      onConnection: (connection) => connection.callTool('countdown', { n: 1 }, 'early'),
    });
    const { client } = await open(sdk, server);

    expect(client.beforeConnectResolved.map(plain)).toEqual([
      { setupComplete: {} },
      { toolCall: { functionCalls: [{ id: 'early', name: 'countdown', args: { n: 1 } }] } },
    ]);
  });

  it('sends tool calls, one or several per frame, with generated ids', async () => {
    await using server = await createFakeLiveServer();
    const { client, connection } = await open(sdk, server);

    const id = connection.callTool('countdown', { n: 3 });
    expect(id).toMatch(/^function-call-\d+$/);
    const first = await client.waitFor((m) => m.toolCall?.functionCalls, 'a toolCall');
    expect(first).toEqual([{ id, name: 'countdown', args: { n: 3 } }]);

    const ids = connection.callTools([
      { name: 'countdown', args: { n: 1 } },
      { name: 'countdown', args: { n: 2 }, id: 'mine' },
    ]);
    const both = await client.waitFor(
      (m) => (m.toolCall?.functionCalls?.length === 2 ? m.toolCall.functionCalls : undefined),
      'two calls in one toolCall',
    );
    expect(both.map((c) => c.id)).toEqual(ids);
    expect(ids[1]).toBe('mine');
    expect(ids[0]).not.toBe(id);
    expect(connection.calls.map((c) => c.id)).toEqual([id, ...ids]);
  });

  it('records function responses with willContinue and scheduling, found by id', async () => {
    await using server = await createFakeLiveServer();
    const { client, session, connection } = await open(sdk, server);
    const id = connection.callTool('countdown', { n: 2 });
    await client.waitFor((m) => m.toolCall, 'the toolCall');

    session.sendToolResponse({
      functionResponses: [
        {
          id,
          name: 'countdown',
          response: { output: { remaining: 1 } },
          willContinue: true,
          scheduling: 'INTERRUPT',
        },
      ],
    });
    session.sendToolResponse({
      functionResponses: [
        {
          id,
          name: 'countdown',
          response: { output: { remaining: 0 }, scheduling: 'SILENT' },
          willContinue: false,
        },
        { id: 'other', name: 'countdown', response: { error: { message: 'boom' } } },
      ],
    });

    const first = await connection.waitForToolResponse(id);
    expect(first).toMatchObject({
      id,
      name: 'countdown',
      output: { remaining: 1 },
      willContinue: true,
      scheduling: 'INTERRUPT',
      schedulingPlacement: 'top-level',
    });
    const last = await connection.waitForToolResponse(id, (r) => r.willContinue === false);
    expect(last).toMatchObject({
      output: { remaining: 0 },
      scheduling: 'SILENT',
      schedulingPlacement: 'response',
    });
    expect(last.raw).toEqual({
      id,
      name: 'countdown',
      response: { output: { remaining: 0 }, scheduling: 'SILENT' },
      willContinue: false,
    });
    const failed = await connection.waitForToolResponse('other');
    expect(failed).toMatchObject({
      error: { message: 'boom' },
      scheduling: undefined,
      willContinue: undefined,
    });
    expect(connection.toolResponses(id)).toHaveLength(2);
    expect(connection.toolResponses()).toHaveLength(3);
    expect(connection.frames.filter((f) => f.toolResponse)).toHaveLength(2);
  });

  it('records clientContent and realtimeInput', async () => {
    await using server = await createFakeLiveServer();
    const { session, connection } = await open(sdk, server);

    session.sendClientContent({ turns: 'hello' });
    session.sendRealtimeInput({ text: 'hi' });
    await connection.waitForFrame((f) => f.realtimeInput !== undefined);

    expect(connection.clientContents).toEqual([
      { turns: [{ role: 'user', parts: [{ text: 'hello' }] }], turnComplete: true },
    ]);
    expect(connection.realtimeInputs).toEqual([{ text: 'hi' }]);
    expect(connection.realtimeInputCount).toBe(1);
  });

  it('only counts audio and video chunks with recordMedia: false, and handles every other frame, realtime text included, as usual', async () => {
    await using server = await createFakeLiveServer({ recordMedia: false });
    const { session, connection } = await open(sdk, server);
    const heard: unknown[] = [];
    connection.onFrame((frame) => heard.push(frame));

    session.sendRealtimeInput({ text: 'hi' });
    session.sendRealtimeInput({ video: { data: 'AAAA', mimeType: 'image/jpeg' } });
    session.sendRealtimeInput({ audio: { data: 'AAAA', mimeType: 'audio/pcm;rate=16000' } });
    session.sendRealtimeInput({ media: { data: 'AAAA', mimeType: 'image/jpeg' } });
    session.sendRealtimeInput({ audioStreamEnd: true });
    session.sendClientContent({ turns: 'hello' });
    const id = connection.callTool('countdown', { n: 1 });
    session.sendToolResponse({ functionResponses: [{ id, name: 'countdown', response: { output: 1 } }] });
    await connection.waitForToolResponse(id);

    expect(connection.realtimeInputCount).toBe(5);
    expect(connection.realtimeInputs).toEqual([{ text: 'hi' }, { audioStreamEnd: true }]);
    expect(connection.frames.map((f) => Object.keys(f)[0])).toEqual([
      'setup',
      'realtimeInput',
      'realtimeInput',
      'clientContent',
      'toolResponse',
    ]);
    expect(heard).toHaveLength(4);
    expect(connection.sessionFrames).toHaveLength(4);
    expect(connection.sessionToolResponses(id)).toHaveLength(1);
    expect(connection.lastConsumedClientMessageIndex).toBe(6); // the three media chunks keep their indexes
    expect(connection.state).toBe('open');
  });

  it('keeps the setup and the newest keepFrames frames each way, counting the rest, with every frame still heard', async () => {
    await using server = await createFakeLiveServer({ keepFrames: 2 });
    const { session, connection } = await open(sdk, server);
    const heard: [string, number, number][] = [];
    connection.onFrame((frame, index, responses) =>
      heard.push([Object.keys(frame)[0]!, index, responses.length]),
    );

    const ids = ['a', 'b', 'c', 'd'].map((n) => connection.callTool('countdown', { n: 1 }, `call-${n}`));
    for (const id of ids) {
      session.sendToolResponse({ functionResponses: [{ id, name: 'countdown', response: { output: id } }] });
    }
    session.sendToolResponse({
      functionResponses: [{ id: 'never-issued', name: 'countdown', response: {} }],
    });
    session.sendRealtimeInput({ text: 'last' });
    await connection.waitForFrame((f) => f.realtimeInput?.text === 'last');

    expect(heard).toEqual([
      ['toolResponse', 1, 1],
      ['toolResponse', 2, 1],
      ['toolResponse', 3, 1],
      ['toolResponse', 4, 1],
      ['toolResponse', 5, 1],
      ['realtimeInput', 6, 0],
    ]);
    expect(connection.forgottenFrames).toBe(4);
    expect(connection.frames.map((f) => Object.keys(f)[0])).toEqual([
      'setup',
      'toolResponse',
      'realtimeInput',
    ]);
    // The frame of index i is frames[i - forgottenFrames] while it is kept.
    expect(connection.frames[5 - connection.forgottenFrames]?.toolResponse?.functionResponses?.[0]?.id).toBe(
      'never-issued',
    );
    expect(connection.toolResponses().map((r) => [r.id, r.frameIndex])).toEqual([['never-issued', 5]]);
    expect(connection.unknownCallResponses.map((r) => r.id)).toEqual(['never-issued']);
    expect(connection.sessionFrames.map((f) => Object.keys(f)[0])).toEqual(['toolResponse', 'realtimeInput']);
    expect(connection.sessionToolResponses().map((r) => r.id)).toEqual(['never-issued']);
    // Session indexes still count every message.
    expect(connection.lastConsumedClientMessageIndex).toBe(5);
    // The server sent setupComplete and four toolCall frames: the newest two are kept.
    expect(connection.sentFrames.map((f) => f.toolCall?.functionCalls?.[0]?.id)).toEqual([
      'call-c',
      'call-d',
    ]);
    expect(connection.forgottenSentFrames).toBe(3);
    expect(connection.calls.map((c) => c.id)).toEqual(ids);
    const waited = await connection
      .waitForToolResponse('nope', undefined, { timeoutMs: 20 })
      .catch((error: unknown) => error);
    expect(waited).toBeInstanceOf(FakeLiveWaitError);
    expect((waited as Error).message).toContain('7 frame(s) received, 4 of them no longer kept (keepFrames)');
  });

  it('keeps only the setup with keepFrames: 0, and still resolves a wait for a response as it arrives', async () => {
    await using server = await createFakeLiveServer({ keepFrames: 0 });
    const { session, connection } = await open(sdk, server);
    const id = connection.callTool('countdown', { n: 1 });
    const response = connection.waitForToolResponse(id);
    session.sendToolResponse({ functionResponses: [{ id, name: 'countdown', response: { output: 7 } }] });

    expect((await response).output).toBe(7);
    expect(connection.frames).toEqual([{ setup: connection.setup }]);
    expect(connection.toolResponses()).toEqual([]);
    expect(connection.forgottenFrames).toBe(1);
    expect(connection.sentFrames).toEqual([]);
    expect(connection.lastConsumedClientMessageIndex).toBe(0);
  });

  it('delivers cancellation, interruption, text, audio, transcriptions, goAway and resumption updates', async () => {
    await using server = await createFakeLiveServer();
    const { client, connection } = await open(sdk, server);

    connection.cancelToolCalls(['function-call-7', 'function-call-8']);
    connection.interrupt();
    connection.sendModelText('Hello', { turnComplete: true });
    connection.sendModelText('More');
    connection.sendModelAudio('AAAA');
    connection.sendInputTranscription('hi there');
    connection.sendOutputTranscription('Hello');
    connection.generationComplete();
    connection.turnComplete();
    connection.goAway();
    connection.sendResumptionUpdate('handle-1');
    connection.sendRaw({ usageMetadata: { totalTokenCount: 5 } });
    await client.waitFor((m) => m.usageMetadata, 'usageMetadata');

    expect(client.messages.slice(1).map(plain)).toEqual([
      { toolCallCancellation: { ids: ['function-call-7', 'function-call-8'] } },
      { serverContent: { interrupted: true } },
      { serverContent: { modelTurn: { role: 'model', parts: [{ text: 'Hello' }] }, turnComplete: true } },
      { serverContent: { modelTurn: { role: 'model', parts: [{ text: 'More' }] } } },
      {
        serverContent: {
          modelTurn: {
            role: 'model',
            parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: 'AAAA' } }],
          },
        },
      },
      { serverContent: { inputTranscription: { text: 'hi there' } } },
      { serverContent: { outputTranscription: { text: 'Hello' } } },
      { serverContent: { generationComplete: true } },
      { serverContent: { turnComplete: true } },
      { goAway: { timeLeft: '50s' } },
      { sessionResumptionUpdate: { newHandle: 'handle-1', resumable: true } },
      { usageMetadata: { totalTokenCount: 5 } },
    ]);
  });

  it('sees the resumption handle in a reconnect setup', async () => {
    await using server = await createFakeLiveServer();
    const first = await open(sdk, server);
    first.connection.sendResumptionUpdate('handle-1');
    const handle = await first.client.waitFor((m) => m.sessionResumptionUpdate?.newHandle, 'a new handle');
    first.connection.goAway('1s');
    await first.client.waitFor((m) => m.goAway, 'goAway');
    first.session.close();
    expect(await first.connection.waitForClose()).toMatchObject({ initiator: 'client' });

    const second = await open(sdk, server, { config: liveConfig({ sessionResumption: { handle } }) });

    expect(first.connection.resumed).toBe(false);
    expect(second.connection.resumed).toBe(true);
    expect(second.connection.resumptionHandle).toBe('handle-1');
    expect(second.connection.id).toBe(2);
  });

  it('closes with 1008 before setupComplete on a bad API key, and the client sees it', async () => {
    await using server = await createFakeLiveServer();
    const client = new LiveTestClient(sdk, server.url, { apiKey: 'bad-key' });

    const close = await client.waitForClose();
    expect(close.code).toBe(1008);
    expect(close.reason).toBe('API key not valid. Please pass a valid API key.');
    if (sdk.rejectsOnEarlyClose) {
      await expect(client.connected()).rejects.toThrow(
        'Live connection closed before setup completed (code 1008): API key not valid.',
      );
    } else {
      // SDK 2.x: connect() never settles when the server closes before setupComplete.
      await expect(client.connected(150)).rejects.toThrow('connect() did not settle within 150 ms');
    }
    const [connection] = server.connections;
    expect(connection?.accepted).toBe(false);
    expect(await connection?.waitForClose()).toEqual({
      code: 1008,
      reason: 'API key not valid. Please pass a valid API key.',
      initiator: 'server',
    });
    expect(connection?.sentFrames).toEqual([]);
    expect(client.messages).toEqual([]);
  });

  it('accepts only the listed keys and models', async () => {
    await using server = await createFakeLiveServer({
      apiKeys: ['good'],
      models: ['models/gemini-3.8-live'],
    });
    const wrongKey = new LiveTestClient(sdk, server.url, { apiKey: 'test-key' });
    expect((await wrongKey.waitForClose()).code).toBe(1008);

    const wrongModel = new LiveTestClient(sdk, server.url, { apiKey: 'good', model: 'gemini-nope' });
    const close = await wrongModel.waitForClose();
    expect(close.code).toBe(1008);
    expect(close.reason).toMatch(
      /^models\/gemini-nope is not found for API version v1\w*, or is not supported/,
    );

    const { connection } = await open(sdk, server, { apiKey: 'good' });
    expect(connection.id).toBe(3);
  });

  it('refuses or ignores a setup on demand', async () => {
    await using server = await createFakeLiveServer({
      onSetup: (setup) => (setup.model === 'models/silent' ? 'ignore' : undefined),
    });
    server.refuseNextSetup({ code: 1011, reason: 'Quota exceeded.' });
    const refused = new LiveTestClient(sdk, server.url);
    expect(await refused.waitForClose()).toMatchObject({ code: 1011, reason: 'Quota exceeded.' });

    const ignored = new LiveTestClient(sdk, server.url, { model: 'silent' });
    await expect(ignored.connected(150)).rejects.toThrow(FakeLiveWaitError);
    expect(server.connections[1]?.state).toBe('awaiting-setup');
    expect(server.connections[1]?.setup.model).toBe('models/silent');

    const { connection } = await open(sdk, server);
    expect(connection.id).toBe(3);
  });

  it('closes with 1007 on unparseable JSON or an unknown message', async () => {
    await using server = await createFakeLiveServer();
    const garbage = await open(sdk, server);
    garbage.session.conn.send('not json');
    expect(await garbage.client.waitForClose()).toMatchObject({
      code: 1007,
      reason: 'Request contains an invalid argument.',
    });
    expect(garbage.connection.invalidFrames).toEqual(['not json']);

    const unknown = await open(sdk, server);
    unknown.session.conn.send(JSON.stringify({ bogus: {} }));
    expect((await unknown.client.waitForClose()).code).toBe(1007);
    expect(await unknown.connection.waitForClose()).toMatchObject({ code: 1007, initiator: 'server' });
  });

  it('drop() ends the socket without a close frame and the client onclose fires', async () => {
    await using server = await createFakeLiveServer();
    const { client, connection } = await open(sdk, server);

    await connection.drop();

    expect((await client.waitForClose()).code).toBe(1006);
    expect(connection.closeInfo).toEqual({ code: 1006, reason: '', initiator: 'drop' });
    expect(() => connection.interrupt()).toThrow('Connection #1 is closed');
  });

  it('close() closes client connections with 1001', async () => {
    const server = await createFakeLiveServer();
    const { client } = await open(sdk, server);

    await server.close();

    expect(await client.waitForClose()).toMatchObject({ code: 1001, reason: 'Server shutting down.' });
  });

  it('routes ephemeral tokens to BidiGenerateContentConstrained', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await using server = await createFakeLiveServer();
      const { connection } = await open(sdk, server, { apiKey: 'auth_tokens/abc' });
      expect(connection.method).toBe('BidiGenerateContentConstrained');
      expect(connection.credential).toBe('auth_tokens/abc');
    } finally {
      warn.mockRestore();
    }
  });
});

describe('fake Live server option keepFrames', () => {
  it('refuses anything but a whole number of 0 or more, saying what it got', async () => {
    for (const keepFrames of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3']) {
      await expect(createFakeLiveServer({ keepFrames: keepFrames as number })).rejects.toMatchObject({
        code: 'INVALID_OPTION',
        message: expect.stringMatching(
          /keepFrames must be a whole number of 0 or more \(got (-1|1\.5|NaN|Infinity|string)\)/,
        ),
      });
    }
  });
});
