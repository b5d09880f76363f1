import { interval, map } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { LivetoolsError } from '../errors.js';
import type { WireServerMessage } from '../protocol/genai-like.js';
import { createLiveAgent, type LiveAgentOptions } from '../session/create-live-agent.js';
import type { LiveEvent } from '../session/live-events.js';
import { defineStreamingTool, defineTool } from '../tool/define-tool.js';
import { createLinkedPair, type LinkedPairOptions } from './linked-pair.js';
import { TestKitError } from './test-kit-error.js';
import { createVirtualClock } from './virtual-clock.js';

/** Counts up once a virtual second from `from`. */
const ticker = defineStreamingTool({
  name: 'ticker',
  description: 'Counts up once a second.',
  parameters: z.object({ from: z.number().int() }),
  execute: ({ from }, ctx) => interval(1000, ctx.scheduler).pipe(map((n) => ({ n: from + n }))),
});

const echo = defineTool({
  name: 'echo',
  description: 'Answers with its text.',
  parameters: z.object({ text: z.string() }),
  execute: ({ text }) => ({ text }),
});

async function linkedSession(
  options: Omit<LiveAgentOptions, 'ai' | 'model' | 'scheduler'> = {},
  pairOptions: LinkedPairOptions = {},
) {
  const clock = createVirtualClock();
  const { client, server } = createLinkedPair(pairOptions);
  const agent = createLiveAgent({
    ai: client,
    model: 'gemini-live-test',
    tools: [ticker, echo],
    scheduler: clock,
    ...options,
  });
  const session = await agent.connect();
  const events: LiveEvent[] = [];
  session.events$.subscribe((e) => events.push(e));
  // The session publishes `connected` (and the messages that came with the setup) one scheduler turn later.
  await clock.advanceBy(0);
  return { clock, server, agent, session, events };
}

describe('createLinkedPair', () => {
  it('runs a whole session in virtual time: setup, a streaming call, its results, a cancellation, the close', async () => {
    const { clock, server, session, events } = await linkedSession();
    const conn = server.connection;
    expect(conn.state).toBe('open');
    expect(conn.id).toBe(1);
    expect(conn.accepted).toBe(true);
    expect(conn.connectParams.model).toBe('gemini-live-test');
    expect(conn.declarations.map((d) => d.name)).toEqual(['ticker', 'echo', 'stop_streaming']);

    const id = conn.callTool('ticker', { from: 10 });
    await clock.advanceBy(3000);
    expect(clock.now()).toBe(3000);
    expect(id).toBe('function-call-1');
    expect(conn.toolResponses(id).map((r) => [r.output, r.willContinue, r.frameIndex])).toEqual([
      [{ n: 10 }, true, 0],
      [{ n: 11 }, true, 1],
      [{ n: 12 }, true, 2],
    ]);

    conn.cancelToolCalls(id);
    await clock.advanceBy(5000);
    expect(conn.toolResponses(id)).toHaveLength(3);
    expect(events.filter((e) => e.type === 'tool-end')).toEqual([
      expect.objectContaining({ callId: id, reason: 'cancelled', results: 3 }),
    ]);

    await session.close();
    expect(conn.closeInfo).toEqual({ code: 1000, reason: '', initiator: 'client' });
    expect(events.at(-1)).toMatchObject({ type: 'closed', by: 'client' });
    expect(conn.framesAfterClose).toEqual([]);
  });

  it('answers a one-shot call synchronously: the response is there when the push returns and promises settle', async () => {
    const { clock, server, session } = await linkedSession();
    const id = server.connection.callTool('echo', { text: 'hi' });
    await clock.advanceBy(0);
    expect(server.connection.toolResponses(id)).toEqual([
      expect.objectContaining({ id, name: 'echo', output: { text: 'hi' }, error: undefined }),
    ]);
    await session.close();
  });

  it('records text and realtime input the session sends, as frames in order', async () => {
    const { server, session } = await linkedSession();
    session.sendText('hello');
    session.sendRealtimeText('live words');
    session.sendAudioStreamEnd();
    expect(server.connection.frames.map((f) => Object.keys(f)[0])).toEqual([
      'clientContent',
      'realtimeInput',
      'realtimeInput',
    ]);
    expect(server.connection.clientContents[0]).toMatchObject({
      turns: [{ role: 'user', parts: [{ text: 'hello' }] }],
    });
    expect(server.connection.realtimeInputs).toEqual([{ text: 'live words' }, { audioStreamEnd: true }]);
    await session.close();
  });

  it('keeps the newest keepFrames messages and counts the rest, while onFrame hears every one as it is sent', async () => {
    const { clock, server, session } = await linkedSession({}, { keepFrames: 2 });
    const conn = server.connection;
    const heard: [string, number, number][] = [];
    conn.onFrame((frame, index, responses) => heard.push([Object.keys(frame)[0]!, index, responses.length]));

    const id = conn.callTool('ticker', { from: 1 });
    await clock.advanceBy(3000); // three results: messages 0, 1, 2
    session.sendText('hello'); // message 3

    expect(heard).toEqual([
      ['toolResponse', 0, 1],
      ['toolResponse', 1, 1],
      ['toolResponse', 2, 1],
      ['clientContent', 3, 0],
    ]);
    expect(conn.forgottenFrames).toBe(2);
    expect(conn.frames.map((f) => Object.keys(f)[0])).toEqual(['toolResponse', 'clientContent']);
    // The message of index i is frames[i - forgottenFrames] while it is kept.
    expect(conn.frames[2 - conn.forgottenFrames]?.toolResponse?.functionResponses?.[0]?.response).toEqual({
      output: { n: 3 },
    });
    expect(conn.toolResponses(id).map((r) => [r.output, r.frameIndex])).toEqual([[{ n: 3 }, 2]]);
    await session.close();
  });

  it('keeps no message with keepFrames: 0, and closes with 1011 on the next microtask when a frame listener throws', async () => {
    const { clock, server, session, events } = await linkedSession({}, { keepFrames: 0 });
    const conn = server.connection;
    const outputs: unknown[] = [];
    conn.onFrame((_frame, _index, responses) => {
      for (const r of responses) outputs.push(r.output);
      if (outputs.length === 2) throw new Error('listener bug');
    });
    // A later listener still hears the frame, on a connection still open: the close comes after.
    const states: string[] = [];
    conn.onFrame(() => states.push(conn.state));
    conn.callTool('ticker', { from: 7 });
    await clock.advanceBy(2000); // the second result: the first listener throws
    expect(states).toEqual(['open', 'open']);
    expect(conn.closeInfo).toEqual({
      code: 1011,
      reason: 'Internal error: listener bug',
      initiator: 'server',
    });
    expect(outputs).toEqual([{ n: 7 }, { n: 8 }]);
    expect(conn.frames).toEqual([]);
    expect(conn.toolResponses()).toEqual([]);
    expect(conn.forgottenFrames).toBe(2);
    expect(events.some((e) => e.type === 'closed' || e.type === 'reconnecting')).toBe(true);
    await session.close();
  });

  it('refuses a keepFrames that is not a whole number of 0 or more, saying what it got', () => {
    for (const keepFrames of [-1, 2.5, Number.NaN, '3']) {
      expect(() => createLinkedPair({ keepFrames: keepFrames as number })).toThrow(
        expect.objectContaining({
          code: 'INVALID_OPTION',
          message: expect.stringMatching(
            /^createLinkedPair: keepFrames must be a whole number of 0 or more \(got (-1|2\.5|NaN|string)\)/,
          ),
        }),
      );
    }
  });

  it('ends the session when the server closes and no handle can resume it', async () => {
    const { server, events } = await linkedSession();
    void server.connection.close(1011, 'Internal error encountered.');
    expect(server.connection.closeInfo).toEqual({
      code: 1011,
      reason: 'Internal error encountered.',
      initiator: 'server',
    });
    expect(events.at(-1)).toMatchObject({ type: 'closed', by: 'connection-lost', code: 1011 });
    expect(server.connections).toHaveLength(1);
  });

  it('drops a connection without a close frame: the client sees 1006, the initiator is drop', async () => {
    const { server, events } = await linkedSession();
    const info = await server.connection.drop();
    expect(info).toEqual({ code: 1006, reason: '', initiator: 'drop' });
    expect(await server.connection.close(1000)).toBe(info);
    expect(events.at(-1)).toMatchObject({ type: 'closed', by: 'connection-lost', code: 1006 });
  });

  it('numbers calls function-call-<n> across the pair and keeps the ids it is given, as the fake server does', async () => {
    const { clock, server, session } = await linkedSession();
    const ids = server.connection.callTools([
      { name: 'echo', args: { text: 'a' } },
      { name: 'echo', args: { text: 'b' }, id: 'mine' },
      { name: 'echo', args: { text: 'c' } },
    ]);
    expect(ids).toEqual(['function-call-1', 'mine', 'function-call-2']);
    await clock.advanceBy(0);
    expect(server.connection.toolResponses().map((r) => [r.id, r.output])).toEqual([
      ['function-call-1', { text: 'a' }],
      ['mine', { text: 'b' }],
      ['function-call-2', { text: 'c' }],
    ]);
    await session.close();
  });

  it('resumes on a new connection with the newest handle after goAway, in virtual time', async () => {
    const { clock, server, session, events } = await linkedSession({ config: { sessionResumption: {} } });
    const first = server.connection;
    first.sendResumptionUpdate('handle-1');
    first.goAway('10s');
    void first.close(1000, 'go away');
    await clock.advanceBy(0);
    expect(server.connections).toHaveLength(2);
    expect(server.connection.resumptionHandle).toBe('handle-1');
    expect(server.connection.resumed).toBe(true);
    expect(first.resumed).toBe(false);
    expect(server.connection.state).toBe('open');
    expect(events.map((e) => e.type)).toEqual([
      'connected',
      'resumption-update',
      'go-away',
      'reconnecting',
      'connected',
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'connected', resumed: true });
    await session.close();
  });

  it('refuses a setup through onConnect: connect() rejects with CONNECT_REFUSED', async () => {
    const { client, server } = createLinkedPair({
      onConnect: () => ({ code: 1008, reason: 'API key not valid.' }),
    });
    const agent = createLiveAgent({
      ai: client,
      model: 'gemini-live-test',
      tools: [echo],
      scheduler: createVirtualClock(),
    });
    const error = await agent.connect().catch((e: unknown) => e);
    expect(LivetoolsError.isInstance(error) && error.code).toBe('CONNECT_REFUSED');
    expect(server.connection.closeInfo).toEqual({
      code: 1008,
      reason: 'API key not valid.',
      initiator: 'server',
    });
  });

  it('lets connect() time out in virtual time when the server never answers the setup', async () => {
    const clock = createVirtualClock();
    const { client, server } = createLinkedPair({ onConnect: () => 'ignore' });
    const agent = createLiveAgent({ ai: client, model: 'gemini-live-test', tools: [echo], scheduler: clock });
    const outcome = agent.connect().catch((e: unknown) => e);
    await clock.advanceBy(0);
    expect(server.connection.state).toBe('awaiting-setup');
    expect(server.connection.accepted).toBe(false);
    await clock.advanceBy(60_000);
    const error = await outcome;
    expect(LivetoolsError.isInstance(error) && error.code).toBe('CONNECT_TIMEOUT');
  });

  it('says what is wrong when the test reads a connection too early or pushes to a closed one', async () => {
    const { server } = createLinkedPair();
    expect(() => server.connection).toThrow(expect.objectContaining({ code: 'NO_CONNECTION' }));
    const { server: linked, session } = await linkedSession();
    const conn = linked.connection;
    await session.close();
    let thrown: unknown;
    try {
      conn.callTool('echo', { text: 'late' });
    } catch (error) {
      thrown = error;
    }
    expect(TestKitError.isInstance(thrown) && thrown.code).toBe('CONNECTION_CLOSED');
  });

  it('hands the client copies: a message the test mutates after the push changes nothing the session holds', async () => {
    const { server, session } = await linkedSession();
    const held: WireServerMessage[] = [];
    session.messages$.subscribe((m) => held.push(m));
    const content = { modelTurn: { parts: [{ text: 'one' }] } };
    server.connection.serverContent(content);
    content.modelTurn.parts[0]!.text = 'two';
    expect(held).toEqual([{ serverContent: { modelTurn: { parts: [{ text: 'one' }] } } }]);
    await session.close();
  });
});

describe('createLinkedPair with hostile callbacks', () => {
  /** Connects on the bare client and records what its callbacks saw, in order. */
  function rawConnect(pairOptions: LinkedPairOptions = {}) {
    const { client, server } = createLinkedPair(pairOptions);
    const seen: string[] = [];
    const connect = client.live.connect as (params: {
      model: string;
      callbacks: {
        onopen: () => void;
        onmessage: (message: WireServerMessage) => void;
        onclose: (event: { code: number; reason: string }) => void;
      };
    }) => Promise<unknown>;
    const outcome = connect({
      model: 'gemini-live-test',
      callbacks: {
        onopen: () => seen.push('open'),
        onmessage: (m) => seen.push(`message ${Object.keys(m).join(',')}`),
        onclose: (e) => seen.push(`close ${e.code}`),
      },
    }).then(
      () => 'resolved',
      (error: unknown) => error,
    );
    return { server, seen, outcome };
  }

  it('never opens a connection the test closed before the handshake: onclose is the last callback', async () => {
    const onConnect = vi.fn(() => 'accept' as const);
    const { server, seen, outcome } = rawConnect({ onConnect });
    void server.connection.close(1011, 'refused early');
    const error = await outcome;
    expect(seen).toEqual(['close 1011']);
    expect(error).toBeInstanceOf(Error);
    expect(onConnect).not.toHaveBeenCalled();
  });

  it('closes with 1011 and rejects connect() with CALLBACK_THREW, the cause attached, when onConnect throws', async () => {
    const boom = new Error('onConnect broke');
    const { server, seen, outcome } = rawConnect({
      onConnect: () => {
        throw boom;
      },
    });
    const error = await outcome;
    expect(TestKitError.isInstance(error) && error.code).toBe('CALLBACK_THREW');
    expect((error as Error).message).toMatch(/onConnect threw/);
    expect((error as Error).cause).toBe(boom);
    expect(seen).toEqual(['open', 'close 1011']);
    expect(server.connection.closeInfo).toMatchObject({
      code: 1011,
      reason: expect.stringContaining('onConnect broke'),
    });
  });

  it('answers CALLBACK_THREW whatever onConnect throws: a string, undefined, an object no one can print', async () => {
    const thrown: unknown[] = ['plain string', undefined, Object.create(null), { toString: 42 }];
    for (const value of thrown) {
      const { server, seen, outcome } = rawConnect({
        onConnect: () => {
          throw value;
        },
      });
      const error = await outcome;
      expect(TestKitError.isInstance(error) && error.code).toBe('CALLBACK_THREW');
      expect((error as Error).cause).toBe(value);
      expect(seen).toEqual(['open', 'close 1011']);
      expect(server.connection.closeInfo?.initiator).toBe('server');
    }
  });

  it('lets agent.connect() settle with CONNECT_REFUSED naming the error when onConnect throws', async () => {
    const { client } = createLinkedPair({
      onConnect: () => {
        throw new Error('onConnect broke');
      },
    });
    const agent = createLiveAgent({
      ai: client,
      model: 'gemini-live-test',
      tools: [echo],
      scheduler: createVirtualClock(),
    });
    const error = await agent.connect().catch((e: unknown) => e);
    expect(LivetoolsError.isInstance(error) && error.code).toBe('CONNECT_REFUSED');
    expect((error as Error).message).toContain('onConnect broke');
  });
});
