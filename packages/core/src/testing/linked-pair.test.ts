import { interval, map } from 'rxjs';
import { describe, expect, it } from 'vitest';
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
    expect(conn.setup.model).toBe('gemini-live-test');
    const tools = conn.setup.config.tools as { functionDeclarations?: { name: string }[] }[];
    expect(tools.flatMap((t) => t.functionDeclarations ?? []).map((d) => d.name)).toEqual([
      'ticker',
      'echo',
      'stop_streaming',
    ]);

    const id = conn.callTool('ticker', { from: 10 });
    await clock.advanceBy(3000);
    expect(clock.now()).toBe(3000);
    expect(conn.toolResponses(id).map((r) => [r.response, r.willContinue])).toEqual([
      [{ output: { n: 10 } }, true],
      [{ output: { n: 11 } }, true],
      [{ output: { n: 12 } }, true],
    ]);

    conn.toolCallCancellation(id);
    await clock.advanceBy(5000);
    expect(conn.toolResponses(id)).toHaveLength(3);
    expect(events.filter((e) => e.type === 'tool-end')).toEqual([
      expect.objectContaining({ callId: id, reason: 'cancelled', results: 3 }),
    ]);

    await session.close();
    expect(conn.closeInfo).toEqual({ code: 1000, reason: '', by: 'client' });
    expect(events.at(-1)).toMatchObject({ type: 'closed', by: 'client' });
    expect(conn.framesAfterClose).toEqual([]);
  });

  it('answers a one-shot call synchronously: the response is there when the push returns and promises settle', async () => {
    const { clock, server, session } = await linkedSession();
    const id = server.connection.callTool('echo', { text: 'hi' });
    await clock.advanceBy(0);
    expect(server.connection.toolResponses(id)).toEqual([
      expect.objectContaining({ id, name: 'echo', response: { output: { text: 'hi' } } }),
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
    expect(server.connection.clientContents()[0]).toMatchObject({
      turns: [{ role: 'user', parts: [{ text: 'hello' }] }],
    });
    expect(server.connection.realtimeInputs()).toEqual([{ text: 'live words' }, { audioStreamEnd: true }]);
    await session.close();
  });

  it('ends the session when the server closes and no handle can resume it', async () => {
    const { server, events } = await linkedSession();
    server.connection.close(1011, 'Internal error encountered.');
    expect(server.connection.closeInfo).toEqual({
      code: 1011,
      reason: 'Internal error encountered.',
      by: 'server',
    });
    expect(events.at(-1)).toMatchObject({ type: 'closed', by: 'connection-lost', code: 1011 });
    expect(server.connections).toHaveLength(1);
  });

  it('resumes on a new connection with the newest handle after goAway, in virtual time', async () => {
    const { clock, server, session, events } = await linkedSession({ config: { sessionResumption: {} } });
    const first = server.connection;
    first.sessionResumptionUpdate('handle-1');
    first.goAway('10s');
    first.close(1000, 'go away');
    await clock.advanceBy(0);
    expect(server.connections).toHaveLength(2);
    expect(server.connection.handle).toBe('handle-1');
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
    expect(server.connection.closeInfo).toEqual({ code: 1008, reason: 'API key not valid.', by: 'server' });
  });

  it('lets connect() time out in virtual time when the server never answers the setup', async () => {
    const clock = createVirtualClock();
    const { client, server } = createLinkedPair({ onConnect: () => 'ignore' });
    const agent = createLiveAgent({ ai: client, model: 'gemini-live-test', tools: [echo], scheduler: clock });
    const outcome = agent.connect().catch((e: unknown) => e);
    await clock.advanceBy(0);
    expect(server.connection.state).toBe('connecting');
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
