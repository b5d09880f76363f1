import { GoogleGenAI as GoogleGenAI3 } from '@google/genai';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import { filter, firstValueFrom, map, Subject, sample, take, toArray, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pushTool } from '../../test/support/push-tool.js';
import { LivetoolsError } from '../errors.js';
import type { GenAIClient } from '../protocol/genai-like.js';
import { createFakeLiveServer, type FakeLiveConnection, type FakeLiveServer } from '../testing/index.js';
import { defineStreamingTool, defineTool } from '../tool/define-tool.js';
import { withScheduling } from '../tool/scheduling.js';
import { createLiveAgent, type LiveAgentOptions } from './create-live-agent.js';
import type { LiveEvent } from './live-events.js';

const sdks: [string, (baseUrl: string, apiKey?: string) => GenAIClient][] = [
  [
    '@google/genai 3.x',
    (baseUrl, apiKey = 'test-key') => new GoogleGenAI3({ apiKey, httpOptions: { baseUrl } }),
  ],
  [
    '@google/genai 2.x',
    (baseUrl, apiKey = 'test-key') => new GoogleGenAI2({ apiKey, httpOptions: { baseUrl } }),
  ],
];

async function setup(
  makeAi: (baseUrl: string) => GenAIClient,
  options: Omit<LiveAgentOptions, 'ai' | 'model'> & { server?: FakeLiveServer } = {},
) {
  const server = options.server ?? (await createFakeLiveServer());
  const agent = createLiveAgent({ ai: makeAi(server.url), model: 'gemini-live-test', ...options });
  const connected = server.waitForConnection();
  const session = await agent.connect();
  const conn = await connected;
  const events: LiveEvent[] = [];
  session.events$.subscribe((e) => events.push(e));
  return {
    server,
    agent,
    session,
    conn,
    events,
    async [Symbol.asyncDispose]() {
      await session.close();
      await server.close();
    },
  };
}

/** Waits until the runner has handled everything the server sent before: a round trip through a one-shot tool. */
const ping = defineTool({
  name: 'ping',
  description: 'Answers pong.',
  parameters: z.object({}),
  execute: () => 'pong',
});
async function barrier(conn: FakeLiveConnection): Promise<void> {
  const id = conn.callTool('ping');
  await conn.waitForToolResponse(id);
}

describe.each(sdks)('live session over %s', (_name, makeAi) => {
  it('sends the declarations in the setup: each with its behavior and parametersJsonSchema, plus stop_streaming', async () => {
    const watch = pushTool('watch');
    const before = Date.now();
    await using t = await setup(makeAi, { tools: [watch.tool, ping] });
    const declared = t.conn.setup.tools?.[0]?.functionDeclarations ?? [];
    // An unknown model name gets the gemini-3.8-live profile, whose default is NON_BLOCKING: one-shot tools say BLOCKING.
    expect(declared.map((d) => [d.name, d.behavior])).toEqual([
      ['watch', 'NON_BLOCKING'],
      ['ping', 'BLOCKING'],
      ['stop_streaming', 'BLOCKING'],
    ]);
    expect(declared[0]?.parametersJsonSchema).toEqual(watch.tool.declaration().parametersJsonSchema);
    expect(t.conn.setup.model).toBe('models/gemini-live-test');
    const connected = await firstValueFrom(t.session.events$.pipe(filter((e) => e.type === 'connected')));
    const after = Date.now();
    expect(t.events).toEqual([{ type: 'connected', resumed: false, time: connected.time }]);
    // The session's clock is the default asyncScheduler's, Date.now(): the event is stamped while connecting.
    expect(connected.time).toBeGreaterThanOrEqual(before);
    expect(connected.time).toBeLessThanOrEqual(after);
  });

  it('streams results with willContinue and scheduling on the wire, then a final response', async () => {
    const watch = pushTool('watch');
    await using t = await setup(makeAi, { tools: [watch.tool, ping] });
    const id = t.conn.callTool('watch', { label: 'a' });
    await barrier(t.conn);
    watch.push(id, { price: 1 });
    watch.push(id, withScheduling({ price: 2 }, 'INTERRUPT'));
    watch.complete(id);
    await t.conn.waitForToolResponse(id, (r) => r.willContinue === false);
    expect(
      t.conn.toolResponses(id).map((r) => [r.output, r.willContinue, r.scheduling, r.schedulingPlacement]),
    ).toEqual([
      [{ price: 1 }, true, 'WHEN_IDLE', 'top-level'],
      [{ price: 2 }, true, 'INTERRUPT', 'top-level'],
      [{ status: 'completed', results: 2 }, false, 'SILENT', 'top-level'],
    ]);
    const types = t.events.filter((e) => 'callId' in e && e.callId === id).map((e) => e.type);
    expect(types).toEqual(['tool-call', 'tool-start', 'tool-result', 'tool-result', 'tool-end']);
  });

  it('answers invalid arguments with a validation error and never starts the tool', async () => {
    const watch = pushTool('watch');
    await using t = await setup(makeAi, { tools: [watch.tool] });
    const id = t.conn.callTool('watch', { label: 42 });
    const response = await t.conn.waitForToolResponse(id);
    expect(response.willContinue).toBe(false);
    expect(response.error).toMatchObject({ code: 'INVALID_ARGUMENTS', issues: [{ path: 'label' }] });
    expect(watch.upstream.total).toBe(0);
  });

  it('stops a call by id and then every call by name through stop_streaming', async () => {
    const watch = pushTool('watch');
    await using t = await setup(makeAi, { tools: [watch.tool, ping] });
    const [a, b, c] = t.conn.callTools([
      { name: 'watch', args: { label: 'a' } },
      { name: 'watch', args: { label: 'b' } },
      { name: 'watch', args: { label: 'c' } },
    ]) as [string, string, string];
    await barrier(t.conn);
    expect(watch.upstream.active).toBe(3);
    const stopOne = t.conn.callTool('stop_streaming', { call_id: a });
    const answer = await t.conn.waitForToolResponse(stopOne);
    expect(answer.output).toEqual({ stopped: [{ call_id: a, function_name: 'watch', results: 0 }] });
    expect(t.conn.toolResponses(a).at(-1)).toMatchObject({
      willContinue: false,
      output: { status: 'stopped', reason: 'model' },
    });
    expect(watch.upstream.active).toBe(2);
    const stopAll = t.conn.callTool('stop_streaming', { function_name: 'watch' });
    const all = await t.conn.waitForToolResponse(stopAll);
    expect((all.output as { stopped: { call_id: string }[] }).stopped.map((s) => s.call_id)).toEqual([b, c]);
    expect(watch.upstream.active).toBe(0);
  });

  it("stops the upstream on the server's toolCallCancellation and sends nothing after", async () => {
    const watch = pushTool('watch');
    await using t = await setup(makeAi, { tools: [watch.tool, ping] });
    const id = t.conn.callTool('watch', { label: 'a' });
    await barrier(t.conn);
    watch.push(id, 1);
    await t.conn.waitForToolResponse(id);
    t.conn.cancelToolCalls([id]);
    await barrier(t.conn);
    expect(watch.upstream.active).toBe(0);
    watch.push(id, 2); // nobody listens any more: the check below sees no response for it
    await barrier(t.conn);
    expect(t.conn.toolResponses(id).map((r) => r.output)).toEqual([1]);
    expect(t.events.find((e) => e.type === 'tool-end' && e.toolName === 'watch')).toMatchObject({
      reason: 'cancelled',
      cancelledBy: 'server',
    });
  });

  it("applies the interruption policy: 'cancel' tools stop, 'keep' tools go on", async () => {
    const keep = pushTool('keeper');
    const cancel = pushTool('camera', { interruption: 'cancel' });
    await using t = await setup(makeAi, { tools: [keep.tool, cancel.tool, ping] });
    const k = t.conn.callTool('keeper', {});
    const c = t.conn.callTool('camera', {});
    await barrier(t.conn);
    t.conn.interrupt();
    await t.conn.waitForToolResponse(c, (r) => r.willContinue === false);
    expect(t.conn.toolResponses(c).at(-1)?.output).toEqual({
      status: 'stopped',
      reason: 'interruption',
      results: 0,
    });
    keep.push(k, 'still here');
    await t.conn.waitForToolResponse(k);
    expect(cancel.upstream.active).toBe(0);
    expect(keep.upstream.active).toBe(1);
    expect(t.events.some((e) => e.type === 'interrupted')).toBe(true);
  });

  it('keeps the session usable after a tool fails', async () => {
    const watch = pushTool('watch');
    await using t = await setup(makeAi, { tools: [watch.tool, ping] });
    const bad = t.conn.callTool('watch', { label: 'bad' });
    await barrier(t.conn);
    watch.fail(bad, new Error('feed exploded'));
    const failure = await t.conn.waitForToolResponse(bad);
    expect(failure).toMatchObject({
      willContinue: false,
      error: { code: 'TOOL_EXECUTION', message: 'watch failed: feed exploded' },
    });
    const good = t.conn.callTool('watch', { label: 'good' });
    await barrier(t.conn);
    watch.push(good, 'ok');
    expect((await t.conn.waitForToolResponse(good)).output).toBe('ok');
    expect(t.session.isOpen).toBe(true);
  });

  it('publishes what the server sends right behind setupComplete to a subscriber that subscribes after connect()', async () => {
    await using server = await createFakeLiveServer({
      onConnection: (c) => {
        c.sendModelText('Hello, I am ready.');
        c.turnComplete();
      },
    });
    const session = await createLiveAgent({ ai: makeAi(server.url), model: 'm' }).connect();
    const events: LiveEvent[] = [];
    session.events$.subscribe((e) => events.push(e));
    await firstValueFrom(session.events$.pipe(filter((e) => e.type === 'turn-complete')));
    expect(events.map((e) => e.type)).toEqual(['connected', 'model-text', 'turn-complete']);
    await session.close();
  });

  it('publishes model text, audio, transcriptions and turn signals as events', async () => {
    await using t = await setup(makeAi, { tools: [] });
    const texts = firstValueFrom(t.session.text$.pipe(take(2), toArray()));
    t.conn.sendModelText('Hello');
    t.conn.sendModelAudio('AAAA');
    t.conn.sendInputTranscription('hi there');
    t.conn.sendOutputTranscription('Hello');
    t.conn.sendModelText(' again', { turnComplete: true });
    expect(await texts).toEqual(['Hello', ' again']);
    const types = t.events.map((e) => e.type).filter((type) => type !== 'connected');
    expect(types).toEqual([
      'model-text',
      'model-audio',
      'input-transcription',
      'output-transcription',
      'model-text',
      'turn-complete',
    ]);
  });

  it('sends text turns and realtime input, and publishes video frames to tools with latest-frame sampling', async () => {
    const tick = new Subject<void>();
    const seen: string[] = [];
    const camera = defineStreamingTool({
      name: 'watch_camera',
      description: 'Reports the latest camera frame whenever the test ticks.',
      parameters: z.object({}),
      execute: (_args, ctx) =>
        ctx.input.video$.pipe(
          sample(tick),
          map((frame) => {
            seen.push(frame.data);
            return { frame: Buffer.from(frame.data, 'base64').toString(), mimeType: frame.mimeType };
          }),
        ),
    });
    await using t = await setup(makeAi, { tools: [camera, ping] });
    t.session.sendVideoFrame(new TextEncoder().encode('before-call')); // nobody subscribed: not kept
    const id = t.conn.callTool('watch_camera');
    await barrier(t.conn);
    for (const f of ['f1', 'f2', 'f3']) t.session.sendVideoFrame(new TextEncoder().encode(f));
    tick.next();
    t.session.sendVideoFrame(Buffer.from('f4').toString('base64'));
    tick.next();
    tick.next(); // no new frame: nothing
    await t.conn.waitForToolResponse(id, (r) => (r.output as { frame: string }).frame === 'f4');
    expect(t.conn.toolResponses(id).map((r) => (r.output as { frame: string }).frame)).toEqual(['f3', 'f4']);
    expect(seen).toHaveLength(2);
    t.session.sendText('hello model');
    t.session.sendRealtimeText('realtime words');
    t.session.sendAudio(new Uint8Array([1, 2, 3, 4]));
    await t.conn.waitForFrame(
      (f) => 'realtimeInput' in f && !!(f.realtimeInput as { audio?: unknown }).audio,
    );
    expect(t.conn.realtimeInputs.filter((r) => r.video).length).toBe(5);
    expect(t.conn.clientContents.at(-1)).toEqual({
      turns: [{ role: 'user', parts: [{ text: 'hello model' }] }],
      turnComplete: true,
    });
  });

  it('resumes after goAway with the newest handle while a tool emits throughout: no loss, no duplicates', async () => {
    const watch = pushTool('watch');
    await using t = await setup(makeAi, { tools: [watch.tool, ping], config: { sessionResumption: {} } });
    expect(t.conn.setup.sessionResumption).toEqual({});
    const id = t.conn.callTool('watch', { label: 'a' });
    await barrier(t.conn);
    watch.push(id, 1);
    t.conn.sendResumptionUpdate('handle-1');
    t.conn.sendResumptionUpdate('handle-2');
    watch.push(id, 2);
    await t.conn.waitForToolResponse(id, (r) => r.output === 2);
    // While the switch is in flight the tool keeps emitting.
    const reconnecting = firstValueFrom(t.session.events$.pipe(filter((e) => e.type === 'reconnecting')));
    const next = t.server.waitForConnection();
    t.conn.goAway('5s');
    await reconnecting;
    for (const v of [3, 4, 5]) watch.push(id, v);
    const conn2 = await next;
    expect(conn2.resumptionHandle).toBe('handle-2');
    await conn2.waitForToolResponse(id, (r) => r.output === 5);
    watch.push(id, 6);
    watch.complete(id);
    await conn2.waitForToolResponse(id, (r) => r.willContinue === false);
    await t.conn.waitForClose();
    const all = [...t.conn.toolResponses(id), ...conn2.toolResponses(id)].map((r) => r.output);
    expect(all).toEqual([1, 2, 3, 4, 5, 6, { status: 'completed', results: 6 }]);
    expect(t.events.filter((e) => e.type === 'connected')).toEqual([
      expect.objectContaining({ resumed: false }),
      expect.objectContaining({ resumed: true }),
    ]);
    expect(watch.upstream.total).toBe(1);
  });

  it('resumes after a dropped connection and delivers what was emitted meanwhile', async () => {
    const watch = pushTool('watch');
    await using t = await setup(makeAi, {
      tools: [watch.tool, ping],
      config: { sessionResumption: {} },
      reconnect: { initialDelayMs: 10 },
    });
    const id = t.conn.callTool('watch', {});
    await barrier(t.conn);
    t.conn.sendResumptionUpdate('h-drop');
    watch.push(id, 'before');
    await t.conn.waitForToolResponse(id);
    const reconnecting = firstValueFrom(t.session.events$.pipe(filter((e) => e.type === 'reconnecting')));
    const next = t.server.waitForConnection();
    await t.conn.drop();
    await reconnecting;
    watch.push(id, 'during');
    const conn2 = await next;
    expect(conn2.resumed).toBe(true);
    await conn2.waitForToolResponse(id, (r) => r.output === 'during');
    expect(t.events.find((e) => e.type === 'reconnecting')).toMatchObject({
      cause: 'connection-lost',
      attempt: 1,
    });
    expect(watch.upstream.active).toBe(1);
  });

  it('tears everything down when the connection drops without a handle, and says why', async () => {
    const watch = pushTool('watch');
    await using t = await setup(makeAi, { tools: [watch.tool, ping] });
    t.conn.callTool('watch', {});
    await barrier(t.conn);
    expect(watch.upstream.active).toBe(1);
    const closed = firstValueFrom(t.session.events$.pipe(filter((e) => e.type === 'closed')));
    await t.conn.drop();
    const event = await closed;
    expect(event).toMatchObject({ by: 'connection-lost', code: 1006 });
    expect((event as { reason: string }).reason).toMatch(/no session resumption handle/);
    expect(watch.upstream.active).toBe(0);
    expect(t.events.find((e) => e.type === 'tool-end' && e.toolName === 'watch')).toMatchObject({
      cancelledBy: 'session-end',
    });
    expect(() => t.session.sendText('x')).toThrow(/closed/);
  });

  it('close() resolves after every tool is torn down and the socket is closed', async () => {
    const watch = pushTool('watch');
    const server = await createFakeLiveServer();
    await using _server = server;
    const t = await setup(makeAi, { tools: [watch.tool, ping], server });
    t.conn.callTool('watch', {});
    await barrier(t.conn);
    await t.session.close();
    expect(watch.upstream.active).toBe(0);
    expect(t.conn.closeInfo).toBeDefined();
    expect(t.events.at(-1)).toMatchObject({ type: 'closed', by: 'client' });
    await t.session.close(); // idempotent
  });

  it('fails connect() fast and clearly when the server refuses the key', async () => {
    await using server = await createFakeLiveServer();
    const agent = createLiveAgent({
      ai: makeAi(server.url, 'bad-key'),
      model: 'm',
      connectTimeoutMs: 10_000,
    });
    const error = await agent.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(LivetoolsError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'CONNECT_REFUSED' });
    expect((error as Error).message).toMatch(/1008.*API key not valid.*Check the API key/);
  });

  it('fails connect() with CONNECT_TIMEOUT when the setup never completes', async () => {
    await using server = await createFakeLiveServer({ onSetup: () => 'ignore' });
    const agent = createLiveAgent({ ai: makeAi(server.url), model: 'm', connectTimeoutMs: 200 });
    await expect(agent.connect()).rejects.toMatchObject({ code: 'CONNECT_TIMEOUT' });
  });

  it('delivers results as text turns with client-content delivery', async () => {
    const watch = pushTool('watch');
    await using t = await setup(makeAi, { tools: [watch.tool, ping], delivery: 'client-content' });
    // behavior is stated, not stripped: streaming tools NON_BLOCKING, one-shot tools BLOCKING.
    expect(t.conn.setup.tools?.[0]?.functionDeclarations?.map((d) => d.behavior)).toEqual([
      'NON_BLOCKING',
      'BLOCKING',
      'BLOCKING',
    ]);
    const id = t.conn.callTool('watch', {});
    await barrier(t.conn);
    watch.push(id, { price: 1 });
    const first = await t.conn.waitForToolResponse(id);
    expect(first.willContinue).toBeUndefined();
    expect(first.output).toMatchObject({
      result: { price: 1 },
      more: expect.stringContaining(`call_id=${id}`),
    });
    watch.push(id, withScheduling({ price: 2 }, 'INTERRUPT'));
    const turn = await t.conn.waitForFrame((f) => 'clientContent' in f);
    expect(turn).toEqual({
      clientContent: {
        turns: [{ role: 'user', parts: [{ text: `[tool result watch call_id=${id}] {"price":2}` }] }],
        turnComplete: true,
      },
    });
  });
});

describe('createLiveAgent checks', () => {
  it('chooses client-content on Vertex AI (no willContinue), and refuses function-response with a streaming tool there', () => {
    const ai = {
      vertexai: true,
      live: { connect: () => Promise.reject(new Error('unused')) },
    } as GenAIClient;
    const tools = [pushTool('watch').tool];
    expect(createLiveAgent({ ai, model: 'm', tools }).delivery).toBe('client-content');
    expect(() => createLiveAgent({ ai, model: 'm', tools, delivery: 'function-response' })).toThrow(
      /delivery: 'client-content'/,
    );
  });

  it('refuses function declarations passed in config.tools', () => {
    const ai = { live: { connect: () => Promise.reject(new Error('unused')) } } as GenAIClient;
    expect(() =>
      createLiveAgent({ ai, model: 'm', config: { tools: [{ functionDeclarations: [{ name: 'f' }] }] } }),
    ).toThrow(/createLiveAgent\(\{ tools \}\)/);
  });
});

describe('closing', () => {
  it.each(sdks)('leaves no timer behind once the socket has closed (%s)', async (_name, makeAi) => {
    await using server = await createFakeLiveServer();
    // Timers on a virtual clock that never advances: any left after close() stays in `actions`.
    const clock = new VirtualTimeScheduler();
    const agent = createLiveAgent({ ai: makeAi(server.url), model: 'gemini-live-test', scheduler: clock });
    const session = await agent.connect();
    await server.waitForConnection();
    clock.flush(); // the first connection's early messages are published on the next turn
    expect(clock.actions).toHaveLength(0);
    await session.close();
    expect(clock.actions.map((a) => a.delay)).toEqual([]);
  });
});
