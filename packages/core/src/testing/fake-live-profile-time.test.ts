/**
 * Timed closes of the fake Live server, through the real SDK (both majors): `goAway` followed by a
 * close after its `timeLeft`, and the session limits without `contextWindowCompression`, in virtual
 * time (an injected `VirtualTimeScheduler`) and once in scaled real time. Also hostile frames and
 * setups that the profile logic reads.
 */
import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  barrier,
  type LiveTestClient,
  openClient,
  type SdkUnderTest,
  sdks,
  textConfig,
} from '../../test/support/live-client.js';
import { LivetoolsError } from '../errors.js';
import {
  createFakeLiveServer,
  FAKE_LIVE_CLOSES,
  type FakeLiveConnection,
  type FakeLiveServer,
} from './index.js';

const frame = { data: 'AAAA', mimeType: 'image/jpeg' };

function open(sdk: SdkUnderTest, server: FakeLiveServer, extra: Parameters<typeof textConfig>[1] = {}) {
  return openClient(sdk, server, { model: 'gemini-3.8-live', config: textConfig([], extra) });
}

/** Proves the connection still works: a frame reaches the client, and the client saw no close. */
async function stillOpen(client: LiveTestClient, connection: FakeLiveConnection): Promise<void> {
  await barrier(client, connection);
  expect(client.closeEvent).toBeUndefined();
}

const closeOf = async (client: LiveTestClient) => {
  const event = await client.waitForClose();
  return { code: event.code, reason: event.reason };
};

describe.each(sdks)('timed closes with the real $name client', (sdk) => {
  it('goAwayThenClose closes once timeLeft has passed in virtual time', async () => {
    const scheduler = new VirtualTimeScheduler();
    await using server = await createFakeLiveServer({ scheduler });
    const { client, connection } = await open(sdk, server);

    connection.goAwayThenClose('50s');
    expect(await client.waitFor((m) => m.goAway?.timeLeft, 'goAway')).toBe('50s');
    scheduler.maxFrames = 49_999;
    scheduler.flush();
    await stillOpen(client, connection);

    scheduler.maxFrames = Number.POSITIVE_INFINITY;
    scheduler.flush();
    expect(scheduler.now()).toBe(50_000);
    expect(await closeOf(client)).toEqual(FAKE_LIVE_CLOSES.goAwayTimeLeft);
    expect((await connection.waitForClose()).initiator).toBe('server');
  });

  it('goAwayThenClose takes milliseconds and a close of its own, and closes in scaled real time', async () => {
    await using server = await createFakeLiveServer({ timeScale: 0.001 });
    const { client, connection } = await open(sdk, server);
    connection.goAwayThenClose(20_000, { code: 1001, reason: 'Going away.' });
    expect(await client.waitFor((m) => m.goAway?.timeLeft, 'goAway')).toBe('20s');
    expect(await closeOf(client)).toEqual({ code: 1001, reason: 'Going away.' });
  });

  it('an audio+video session without compression ends after 2 minutes', async () => {
    const scheduler = new VirtualTimeScheduler();
    await using server = await createFakeLiveServer({ profile: 'auto', scheduler });
    const { client, session, connection } = await open(sdk, server);
    session.sendRealtimeInput({ video: frame });
    await connection.waitForFrame((f) => f.realtimeInput?.video !== undefined);

    scheduler.maxFrames = 119_999;
    scheduler.flush();
    await stillOpen(client, connection);
    scheduler.maxFrames = 120_000;
    scheduler.flush();
    expect(await closeOf(client)).toEqual(FAKE_LIVE_CLOSES.audioVideoSessionLimit);
  });

  it('with contextWindowCompression, video does not limit the session', async () => {
    const scheduler = new VirtualTimeScheduler();
    await using server = await createFakeLiveServer({ profile: 'auto', scheduler });
    const { client, session, connection } = await open(sdk, server, {
      contextWindowCompression: { slidingWindow: {} },
    });
    session.sendRealtimeInput({ video: frame });
    await connection.waitForFrame((f) => f.realtimeInput?.video !== undefined);
    scheduler.flush();
    expect(scheduler.now()).toBe(0); // nothing was scheduled
    await stillOpen(client, connection);
  });

  it('a session without video and without compression ends after 15 minutes', async () => {
    const scheduler = new VirtualTimeScheduler();
    await using server = await createFakeLiveServer({ profile: 'auto', scheduler });
    const { client, session, connection } = await open(sdk, server);
    session.sendRealtimeInput({ text: 'hello' });
    await connection.waitForFrame((f) => f.realtimeInput?.text !== undefined);
    scheduler.maxFrames = 899_999;
    scheduler.flush();
    await stillOpen(client, connection);
    scheduler.maxFrames = 900_000;
    scheduler.flush();
    expect(await closeOf(client)).toEqual(FAKE_LIVE_CLOSES.audioOnlySessionLimit);
  });

  it('counts video that recordMedia: false leaves unparsed, in scaled real time', async () => {
    await using server = await createFakeLiveServer({
      profile: 'auto',
      recordMedia: false,
      timeScale: 0.001,
    });
    const { client, session } = await open(sdk, server);
    session.sendRealtimeInput({ video: frame });
    expect(await closeOf(client)).toEqual(FAKE_LIVE_CLOSES.audioVideoSessionLimit);
  });

  it('a session resumed on a new connection keeps its start and its video', async () => {
    const scheduler = new VirtualTimeScheduler();
    await using server = await createFakeLiveServer({ profile: 'auto', scheduler });
    const first = await open(sdk, server, { sessionResumption: {} });
    first.session.sendRealtimeInput({ video: frame });
    await first.connection.waitForFrame((f) => f.realtimeInput?.video !== undefined);
    first.connection.sendResumptionUpdate('h-1');
    scheduler.maxFrames = 60_000;
    scheduler.flush();
    await first.connection.close(1000);

    const second = await open(sdk, server, { sessionResumption: { handle: 'h-1' } });
    scheduler.maxFrames = 119_999;
    scheduler.flush();
    await stillOpen(second.client, second.connection);
    scheduler.maxFrames = 120_000;
    scheduler.flush();
    expect(await closeOf(second.client)).toEqual(FAKE_LIVE_CLOSES.audioVideoSessionLimit);
  });
});

describe('timed closes: misuse', () => {
  it('refuses a timeLeft that is not a duration, a timeScale that is not above 0, a profile that is none', async () => {
    await using server = await createFakeLiveServer();
    const { connection } = await open(sdks[0]!, server);
    for (const bad of ['50', '-1s', 'fifty seconds', -5, Number.NaN]) {
      let error: unknown;
      try {
        connection.goAwayThenClose(bad);
      } catch (caught) {
        error = caught;
      }
      expect(LivetoolsError.isInstance(error) && error.code).toBe('INVALID_OPTION');
    }
    // A close code ws refuses would throw inside the timer: it is refused at the call instead.
    for (const code of [1005, 999, 5000, 1000.5]) {
      expect(() => connection.goAwayThenClose('1s', { code })).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION' }),
      );
    }
    expect(connection.sentFrames.filter((f) => f.goAway)).toEqual([]);
    for (const timeScale of [0, -1, Number.POSITIVE_INFINITY]) {
      await expect(createFakeLiveServer({ timeScale })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    }
    for (const profile of [{}, 'gemini-3.8-live', null, { id: 'x', functionCalling: { modes: 'fast' } }]) {
      await expect(createFakeLiveServer({ profile: profile as never })).rejects.toMatchObject({
        code: 'INVALID_OPTION',
      });
    }
  });

  it('a timed close after the connection closed does nothing', async () => {
    const scheduler = new VirtualTimeScheduler();
    await using server = await createFakeLiveServer({ profile: 'auto', scheduler });
    const { client, session, connection } = await open(sdks[0]!, server);
    connection.goAwayThenClose('1s');
    session.close();
    await client.waitForClose();
    expect(() => scheduler.flush()).not.toThrow();
    expect(scheduler.now()).toBe(0); // the close freed the goAway timer and the session limit
    expect((await connection.waitForClose()).initiator).toBe('client');
  });
});

describe('hostile frames under a profile', () => {
  const path = '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=test-key';

  async function raw(server: FakeLiveServer, setup: unknown) {
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}${path}`);
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ setup }));
    return { socket, closed };
  }

  it('a setup with a model, tools or history of the wrong type gets the fallback profile, not a crash', async () => {
    await using server = await createFakeLiveServer({ profile: 'auto' });
    const setups = [
      { model: 5, tools: 'x' },
      { model: 'models/gemini-3.1-flash-live-preview', tools: [null, { functionDeclarations: 'x' }] },
      {
        model: 'models/gemini-3.1-flash-live-preview',
        tools: [{ functionDeclarations: [null, { name: 7 }] }],
      },
      { model: ['a'], historyConfig: 'yes', contextWindowCompression: 1 },
    ];
    for (const setup of setups) {
      const { socket } = await raw(server, setup);
      const connection = await server.waitForConnection();
      expect(connection.accepted).toBe(true);
      socket.close();
    }
    expect(server.connections.map((c) => c.profile?.id)).toEqual([
      'gemini-3.8-live',
      'gemini-3.1-flash-live-preview',
      'gemini-3.1-flash-live-preview',
      'gemini-3.8-live',
    ]);
  });

  it('malformed responses, media chunks and turns are recorded or refused, never a crash', async () => {
    await using server = await createFakeLiveServer({ profile: 'auto' });
    const { socket, closed } = await raw(server, { model: 'models/gemini-3.8-live' });
    const connection = await server.waitForConnection();
    const id = connection.callTool('lookup');
    const frames = [
      { toolResponse: { functionResponses: 'x' } },
      { toolResponse: { functionResponses: [null, 5, { id: 7 }, { id, willContinue: 'yes' }] } },
      { realtimeInput: { mediaChunks: [null, { mimeType: 5 }, 'x'] } },
      { realtimeInput: { mediaChunks: 'x', text: 5 } },
      { clientContent: { turns: 'x' } },
      { clientContent: { turns: [null, { parts: 'x' }] } },
    ];
    for (const f of frames) socket.send(JSON.stringify(f));
    await connection.waitForFrame((f) => (f.clientContent?.turns as unknown[] | undefined)?.length === 2);
    expect(connection.state).toBe('open');
    expect(connection.frames).toHaveLength(frames.length + 1);
    expect(connection.toolResponses().map((r) => r.id)).toEqual([7, id]);
    expect(connection.runningCalls.size).toBe(0); // willContinue other than true ends the call
    // a failed wait describes the malformed frames without throwing
    await expect(connection.waitForToolResponse('nope', undefined, { timeoutMs: 10 })).rejects.toThrow(
      /malformed clientContent/,
    );
    socket.close();
    expect(await closed).toBe(1005);
  });

  it('a streamed response whose id cannot be made a string is refused by a sync-only profile, not a crash', async () => {
    await using server = await createFakeLiveServer({ profile: 'auto' });
    const { socket, closed } = await raw(server, { model: 'models/gemini-3.1-flash-live-preview' });
    const connection = await server.waitForConnection();
    // String() of this object throws: neither toString nor valueOf is a function.
    socket.send(
      '{"toolResponse":{"functionResponses":[{"id":{"toString":1,"valueOf":1},"willContinue":true}]}}',
    );
    expect(await closed).toBe(FAKE_LIVE_CLOSES.invalidArgument.code);
    expect(connection.profileViolations.map((v) => v.code)).toEqual(['WILL_CONTINUE_UNSUPPORTED']);
    expect(connection.profileViolations[0]?.message).toContain('(a call whose id is an object)');
  });
});
