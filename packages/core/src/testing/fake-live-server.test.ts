import { Behavior, type LiveConnectConfig, type LiveServerMessage } from '@google/genai';
import { describe, expect, it, vi } from 'vitest';
import { type ClientOptions, WebSocket } from 'ws';
import {
  LiveTestClient,
  openClient,
  type SdkUnderTest,
  type StartClientOptions,
  sdk3,
  sdks,
  textConfig,
} from '../../test/support/live-client.js';
import { createFakeLiveServer, type FakeLiveServer, FakeLiveWaitError } from './index.js';

const schema = {
  type: 'object',
  properties: { n: { type: 'integer', minimum: 1 } },
  required: ['n'],
  additionalProperties: false,
};

function liveConfig(extra: LiveConnectConfig = {}): LiveConnectConfig {
  return textConfig(
    [
      {
        name: 'countdown',
        description: 'Counts down.',
        behavior: Behavior.NON_BLOCKING,
        parametersJsonSchema: structuredClone(schema),
      },
    ],
    { sessionResumption: {}, ...extra },
  );
}

const open = (sdk: SdkUnderTest, server: FakeLiveServer, options: StartClientOptions = {}) =>
  openClient(sdk, server, { config: liveConfig(), ...options });

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

describe('fake Live server waits', () => {
  it('rejects a timed-out wait with what was awaited and what was seen', async () => {
    await using server = await createFakeLiveServer();
    const { session, connection } = await open(sdk3, server);
    session.sendRealtimeInput({ text: 'hi' });
    await connection.waitForFrame((f) => f.realtimeInput !== undefined);

    const error = await connection
      .waitForToolResponse('nope', undefined, { timeoutMs: 30 })
      .catch((e: unknown) => e);

    expect(FakeLiveWaitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'timeout' });
    expect((error as Error).message).toBe(
      'Timed out after 30 ms waiting for a function response for "nope" on connection #1 (open); ' +
        '2 frame(s) received: setup(models/gemini-3.8-live); realtimeInput.text("hi")',
    );
  });

  it('rejects pending and later waits once the connection closes', async () => {
    await using server = await createFakeLiveServer();
    const { connection } = await open(sdk3, server);
    const pending = connection.waitForFrame((f) => f.clientContent !== undefined, {
      description: 'a user turn',
    });

    await connection.drop();

    await expect(pending).rejects.toThrow(
      'Connection #1 closed (1006) while waiting for a user turn on connection #1',
    );
    await expect(connection.waitForFrame(() => true, { includePast: false })).rejects.toMatchObject({
      reason: 'closed',
    });
  });

  it('names refused connections when no connection is accepted in time', async () => {
    await using server = await createFakeLiveServer();
    const client = new LiveTestClient(sdk3, server.url, { apiKey: 'bad-key' });
    await client.waitForClose();

    await expect(server.waitForConnection({ timeoutMs: 30 })).rejects.toThrow(
      'Timed out after 30 ms waiting for an accepted connection (connections so far: #1 closed 1008 "API key not valid.',
    );
  });

  it('hands out each accepted connection once, in order', async () => {
    await using server = await createFakeLiveServer();
    await new LiveTestClient(sdk3, server.url).connected();
    await new LiveTestClient(sdk3, server.url).connected();

    const ids = [(await server.waitForConnection()).id, (await server.waitForConnection()).id];

    expect(ids).toEqual([1, 2]);
  });

  it('answers 404 to unknown paths and accepts any v1 version with a single slash', async () => {
    await using server = await createFakeLiveServer();
    const ws = server.url.replace('http', 'ws');

    expect((await fetch(`${server.url}/ws/anything`)).status).toBe(404);
    const status = await new Promise<number | undefined>((resolve) => {
      const socket = new WebSocket(`${ws}/ws/google.ai.generativelanguage.v1beta.OtherService.Bidi?key=k`);
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode));
      socket.on('error', () => {});
    });
    expect(status).toBe(404);

    const socket = new WebSocket(
      `${ws}/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent?key=k`,
    );
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ clientContent: { turnComplete: true } }));
    const code = await new Promise<number>((resolve) => socket.once('close', (c) => resolve(c)));
    expect(code).toBe(1007);
    expect(server.connections[0]?.apiVersion).toBe('v1alpha');
  });

  it('is disposed by await using', async () => {
    let url = '';
    {
      await using server = await createFakeLiveServer();
      url = server.url;
      expect((await fetch(url)).status).toBe(404);
    }
    await expect(fetch(url)).rejects.toThrow();
  });
});

describe('fake Live server, hostile behaviours and socket counting', () => {
  const livePath = '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=k';
  // `closeTimeout` (ws 8.17+): how long the client waits for the answer to its close frame.
  const rawClient = (server: FakeLiveServer, options: { closeTimeout?: number } = {}) =>
    new WebSocket(`${server.url.replace('http', 'ws')}${livePath}`, options as ClientOptions);
  const opened = (socket: WebSocket) => new Promise((resolve) => socket.once('open', resolve));
  const closedCode = (socket: WebSocket) =>
    new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));

  it('counts the sockets open on its side, and waits until none is left', async () => {
    await using server = await createFakeLiveServer({ timeoutMs: 300 });
    expect(server.openConnections).toBe(0);
    const socket = rawClient(server);
    await opened(socket);
    socket.send(JSON.stringify({ setup: { model: 'models/m' } }));
    await server.waitForConnection();
    expect(server.openConnections).toBe(1);
    await expect(server.waitForNoOpenConnections()).rejects.toBeInstanceOf(FakeLiveWaitError);
    socket.close();
    await server.waitForNoOpenConnections();
    expect(server.openConnections).toBe(0);
  });

  it('an onSetup hook that throws closes that connection with 1011, and the server serves the next', async () => {
    let calls = 0;
    await using server = await createFakeLiveServer({
      onSetup: () => {
        calls += 1;
        if (calls === 1) throw new Error('hook broke');
        return undefined;
      },
    });
    const first = rawClient(server);
    const reason = new Promise<string>((resolve) => first.once('close', (_code, r) => resolve(r.toString())));
    const code = closedCode(first);
    await opened(first);
    first.send(JSON.stringify({ setup: { model: 'models/m' } }));
    expect(await code).toBe(1011);
    expect(await reason).toMatch(/^Internal error: .*hook broke/);

    const second = rawClient(server);
    await opened(second);
    second.send(JSON.stringify({ setup: { model: 'models/m' } }));
    expect((await server.waitForConnection()).accepted).toBe(true);
    second.close();
  });

  it('a refusal with a close code ws rejects closes with 1011 instead of leaving the client hanging', async () => {
    await using server = await createFakeLiveServer();
    server.refuseNextSetup({ code: 1005, reason: 'no such code on the wire' });
    const socket = rawClient(server);
    const code = closedCode(socket);
    await opened(socket);
    socket.send(JSON.stringify({ setup: { model: 'models/m' } }));
    expect(await code).toBe(1011);
  });

  it('hangUpgrades() leaves an upgrade unanswered and counts its socket until the client ends it', async () => {
    await using server = await createFakeLiveServer();
    const hung = server.hangUpgrades(1);
    const socket = rawClient(server);
    socket.on('error', () => {});
    const settled = new Promise<string>((resolve) => {
      socket.once('open', () => resolve('open'));
      socket.once('unexpected-response', () => resolve('answered'));
    });
    await hung;
    expect(server.openConnections).toBe(1);
    expect(server.connections).toHaveLength(0);
    socket.terminate();
    await server.waitForNoOpenConnections();
    expect(await Promise.race([settled, Promise.resolve('never answered')])).toBe('never answered');
  });

  it('freeze() ignores what the client sends and never answers its close handshake', async () => {
    await using server = await createFakeLiveServer();
    const socket = rawClient(server, { closeTimeout: 50 }); // gives up on the close handshake after 50 ms
    await opened(socket);
    socket.send(JSON.stringify({ setup: { model: 'models/m' } }));
    const connection = await server.waitForConnection();
    connection.freeze();
    expect(connection.frozen).toBe(true);
    socket.send(JSON.stringify({ clientContent: { turnComplete: true } }));
    const code = closedCode(socket);
    socket.close(1000);
    expect(await code).toBe(1006); // no close frame came back: the client ended the socket itself
    await connection.closed;
    expect(connection.frames.map((f) => Object.keys(f)[0])).toEqual(['setup']);
  });
});
