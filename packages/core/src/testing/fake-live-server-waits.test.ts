import { describe, expect, it } from 'vitest';
import { type ClientOptions, WebSocket } from 'ws';
import { openCountdownClient as open } from '../../test/support/countdown-client.js';
import { LiveTestClient, sdk3 } from '../../test/support/live-client.js';
import { createFakeLiveServer, type FakeLiveServer, FakeLiveWaitError } from './index.js';

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
