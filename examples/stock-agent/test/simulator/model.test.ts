import { Behavior, type LiveConnectConfig, type LiveServerMessage } from '@google/genai';
import { createFakeLiveServer, type FakeLiveServer, type LiveScheduling } from '@livetools/core/testing';
import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createSimulatedModel, type SimulatedModelOptions } from '../../src/simulator/model.js';
import {
  type LiveTestClient,
  openClient,
  type SdkUnderTest,
  type SessionLike,
  sdk3,
  sdks,
  textConfig,
} from '../support/live-client.js';
import { WAIT_MS } from '../support/waiters.js';

/** A fake Live server whose connections `model` answers; its waits allow {@link WAIT_MS}. */
const serveModel = (model: ReturnType<typeof createSimulatedModel>) =>
  createFakeLiveServer({ onConnection: model.attach, timeoutMs: WAIT_MS });

function liveConfig(extra: LiveConnectConfig = {}): LiveConnectConfig {
  return textConfig(
    [
      {
        name: 'countdown',
        description: 'Counts down from n.',
        behavior: Behavior.NON_BLOCKING,
        parametersJsonSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
      },
      {
        name: 'stop_streaming',
        description: 'Stops a running call.',
        parametersJsonSchema: {
          type: 'object',
          properties: { call_id: { type: 'string' }, function_name: { type: 'string' } },
        },
      },
    ],
    extra,
  );
}

const countdownRule = {
  match: /count down from (\d+)/i,
  call: (m: RegExpExecArray) => ({ name: 'countdown', args: { n: Number(m[1]) } }),
  example: 'count down from 3',
};

function simulated(options: SimulatedModelOptions = {}) {
  const scheduler = new VirtualTimeScheduler();
  const model = createSimulatedModel({ scheduler, rules: [countdownRule], ...options });
  return { scheduler, model };
}

const open = (sdk: SdkUnderTest, server: FakeLiveServer, config = liveConfig()) =>
  openClient(sdk, server, { config });

const textOf = (m: LiveServerMessage): string =>
  (m.serverContent?.modelTurn?.parts ?? []).map((p) => p.text ?? '').join('');
const calls = (m: LiveServerMessage) => m.toolCall?.functionCalls;

/** Sends an intermediate countdown result (`willContinue: true`) for call `id`. */
function sendRemaining(session: SessionLike, id: string, remaining: number, scheduling?: LiveScheduling) {
  session.sendToolResponse({
    functionResponses: [
      {
        id,
        name: 'countdown',
        response: { output: { remaining } },
        willContinue: true,
        ...(scheduling === undefined ? {} : { scheduling }),
      },
    ],
  });
}

/** Waits until the client has received `count` turnCompletes. */
const turnCompletes = (client: LiveTestClient, count: number) =>
  client.waitFor(
    (m) => (client.messages.filter((x) => x.serverContent?.turnComplete).length === count ? m : undefined),
    `${count} turnCompletes`,
  );

describe.each(sdks)('simulated model with the real $name client', (sdk) => {
  it('turns a typed request into a tool call and announces it', async () => {
    const { scheduler, model } = simulated();
    await using server = await serveModel(model);
    const { client, session } = await open(sdk, server);

    session.sendClientContent({ turns: 'Please count down from 3' });
    const [call] = await client.waitFor(calls, 'a toolCall');
    scheduler.flush();
    await client.waitFor((m) => m.serverContent?.turnComplete, 'turnComplete');

    expect(call).toMatchObject({ name: 'countdown', args: { n: 3 } });
    expect(client.modelText()).toBe(`[simulated model] Calling countdown {"n":3}.`);
    const transcript = client.messages.map((m) => m.serverContent?.outputTranscription?.text ?? '').join('');
    expect(transcript).toBe(client.modelText());
    const sim = model.sessions[0]!;
    expect(sim.openCalls.map((c) => c.id)).toEqual([call?.id]);
    expect(sim.context.map((e) => e.kind)).toEqual(['user', 'tool-call', 'model']);
  });

  it('understands realtimeInput text, "call <name> {json}" and stop requests', async () => {
    const { model } = simulated({ announceToolCalls: false });
    await using server = await serveModel(model);
    const { client, session } = await open(sdk, server);

    session.sendRealtimeInput({ text: 'call countdown {"n": 2}' });
    const [first] = await client.waitFor(calls, 'the countdown call');
    session.sendRealtimeInput({ text: 'stop countdown' });
    const [byName] = await client.waitFor(
      (m) => (calls(m)?.[0]?.name === 'stop_streaming' ? calls(m) : undefined),
      'a stop',
    );
    session.sendRealtimeInput({ text: `stop ${first?.id}` });
    session.sendRealtimeInput({ text: 'stop' });
    await client.waitFor(
      (m) => (client.messages.filter(calls).length === 4 ? m : undefined),
      'four toolCalls',
    );

    expect(first).toMatchObject({ name: 'countdown', args: { n: 2 } });
    expect(byName?.args).toEqual({ function_name: 'countdown' });
    const [, , byId, all] = client.messages.filter(calls).map(calls);
    expect(byId).toMatchObject([{ name: 'stop_streaming', args: { call_id: first?.id } }]);
    expect(all).toMatchObject([{ name: 'stop_streaming', args: { call_id: first?.id } }]);
  });

  it('answers with what it can do when no rule matches', async () => {
    const { scheduler, model } = simulated();
    await using server = await serveModel(model);
    const { client, session } = await open(sdk, server);

    session.sendClientContent({ turns: 'hello there' });
    await client.waitFor((m) => textOf(m) || undefined, 'the first chunk of an answer');
    scheduler.flush();
    await client.waitFor((m) => m.serverContent?.turnComplete, 'turnComplete');

    expect(client.modelText()).toMatch(/^\[simulated model\] I am a simulated model, not Gemini/);
    expect(client.modelText()).toContain('I can call countdown, stop_streaming. Try "count down from 3"');
    expect(client.messages.filter(calls)).toEqual([]);
  });

  it('narrates an INTERRUPT response at once, interrupting the turn in progress', async () => {
    const { scheduler, model } = simulated();
    await using server = await serveModel(model);
    const { client, session } = await open(sdk, server);
    session.sendClientContent({ turns: 'count down from 3' });
    const [call] = await client.waitFor(calls, 'a toolCall');
    expect(model.sessions[0]?.speaking).toBe(true);

    sendRemaining(session, call!.id!, 2, 'INTERRUPT');
    await client.waitFor(
      (m) => (textOf(m) === '[simulated model] countdown: remaining 2' ? m : undefined),
      'narration',
    );
    scheduler.flush();
    await turnCompletes(client, 2);

    const kinds = client.messages.slice(1).map((m) => {
      if (m.toolCall) return 'toolCall';
      if (m.serverContent?.interrupted) return 'interrupted';
      if (m.serverContent?.turnComplete) return 'turnComplete';
      if (m.serverContent?.generationComplete) return 'generationComplete';
      if (m.serverContent?.modelTurn) return `text:${textOf(m)}`;
      return 'transcription';
    });
    expect(kinds).toEqual([
      'toolCall',
      'text:[simulated model] Calling countdown {"n":3}.',
      'transcription',
      'interrupted',
      'turnComplete',
      'text:[simulated model] countdown: remaining 2',
      'transcription',
      'generationComplete',
      'turnComplete',
    ]);
    expect(model.sessions[0]?.context.filter((e) => e.kind === 'model')).toEqual([
      { kind: 'model', text: '[simulated model] Calling countdown {"n":3}.', interrupted: true },
      { kind: 'model', text: '[simulated model] countdown: remaining 2', interrupted: false },
    ]);
  });

  it('holds a WHEN_IDLE response until the current turn completes', async () => {
    const { scheduler, model } = simulated();
    await using server = await serveModel(model);
    const { client, session, connection } = await open(sdk, server);
    session.sendClientContent({ turns: 'count down from 3' });
    const [call] = await client.waitFor(calls, 'a toolCall');

    sendRemaining(session, call!.id!, 2, 'WHEN_IDLE');
    await connection.waitForToolResponse(call!.id!);
    expect(model.sessions[0]?.queuedTurns).toBe(1);
    expect(JSON.stringify(connection.sentFrames)).not.toContain('remaining');

    scheduler.flush();
    await turnCompletes(client, 2);

    const firstComplete = client.indexOf((m) => m.serverContent?.turnComplete === true);
    const narration = client.indexOf((m) => textOf(m) === '[simulated model] countdown: remaining 2');
    expect(firstComplete).toBeGreaterThan(0);
    expect(narration).toBeGreaterThan(firstComplete);
    expect(client.messages.some((m) => m.serverContent?.interrupted)).toBe(false);
  });

  it('never speaks a SILENT response but keeps it in context', async () => {
    const { scheduler, model } = simulated();
    await using server = await serveModel(model);
    const { client, session, connection } = await open(sdk, server);
    session.sendClientContent({ turns: 'count down from 1' });
    const [call] = await client.waitFor(calls, 'a toolCall');
    const id = call!.id!;

    sendRemaining(session, id, 0, 'SILENT');
    session.sendToolResponse({
      functionResponses: [
        { id, name: 'countdown', response: { output: {}, scheduling: 'SILENT' }, willContinue: false },
      ],
    });
    await connection.waitForToolResponse(id, (r) => r.willContinue === false);
    scheduler.flush();

    const sim = model.sessions[0]!;
    expect(sim.queuedTurns).toBe(0);
    expect(sim.openCalls).toEqual([]);
    expect(sim.context.filter((e) => e.kind === 'tool-result')).toMatchObject([
      { result: { id, output: { remaining: 0 }, scheduling: 'SILENT', willContinue: true }, narrated: false },
      { result: { id, scheduling: 'SILENT', willContinue: false }, narrated: false },
    ]);
    const spoken = connection.sentFrames
      .flatMap((f) => f.serverContent?.modelTurn?.parts ?? [])
      .map((p) => p.text);
    expect(spoken).toEqual(['[simulated model] Calling countdown {"n":1}.']);
  });

  it('uses per-function narrators and narrates errors with the default one', async () => {
    const { scheduler, model } = simulated({
      announceToolCalls: false,
      wordsPerChunk: 100,
      narrators: {
        countdown: ({ output, args }) => `${(output as { remaining: number }).remaining} left of ${args?.n}`,
      },
    });
    await using server = await serveModel(model);
    const { client, session } = await open(sdk, server);
    session.sendRealtimeInput({ text: 'count down from 5' });
    const [call] = await client.waitFor(calls, 'a toolCall');

    sendRemaining(session, call!.id!, 4);
    session.sendToolResponse({
      functionResponses: [
        { id: 'function-call-99', name: 'other_tool', response: { error: { message: 'boom' } } },
      ],
    });
    await client.waitFor((m) => (textOf(m).includes('left of') ? m : undefined), 'the custom narration');
    scheduler.flush();
    await client.waitFor((m) => (textOf(m).includes('failed') ? m : undefined), 'the error narration');

    expect(client.messages.map(textOf).filter(Boolean)).toEqual([
      '[simulated model] 4 left of 5',
      '[simulated model] other_tool failed: boom',
    ]);
  });

  it('makes a follow-up call from a final result (look up, then act) and narrates with the conversation', async () => {
    const lookThenCount = {
      match: /count down from the answer/i,
      call: () => ({
        name: 'countdown',
        args: { n: 0 },
        afterResult: (result: { output: unknown }) => ({
          name: 'countdown',
          args: { n: (result.output as { answer: number }).answer },
        }),
      }),
    };
    const { scheduler, model } = simulated({
      announceToolCalls: false,
      wordsPerChunk: 100,
      rules: [lookThenCount],
      narrators: {
        countdown: ({ id, output }, { callOf }) =>
          `${JSON.stringify(output)} for n=${String(callOf(id ?? '')?.args?.n)}`,
      },
    });
    await using server = await serveModel(model);
    const { client, session } = await open(sdk, server);
    session.sendRealtimeInput({ text: 'count down from the answer' });
    const [lookup] = await client.waitFor(calls, 'the lookup call');
    session.sendToolResponse({
      functionResponses: [{ id: lookup!.id!, name: 'countdown', response: { output: { answer: 7 } } }],
    });
    const [next] = await client.waitFor(
      (m) => (calls(m)?.[0]?.id !== lookup?.id ? calls(m) : undefined),
      'the follow-up call',
    );
    scheduler.flush();
    await client.waitFor((m) => (textOf(m).includes('for n=0') ? m : undefined), 'the lookup narration');

    expect(next).toMatchObject({ name: 'countdown', args: { n: 7 } });
    expect(model.sessions[0]!.openCalls.map((c) => c.id)).toEqual([next?.id]);
    expect(client.messages.map(textOf).filter(Boolean)).toEqual(['[simulated model] {"answer":7} for n=0']);
  });

  it('says so when a follow-up throws, and keeps the connection', async () => {
    const throwing = {
      match: /look up/i,
      call: () => ({
        name: 'countdown',
        args: { n: 1 },
        afterResult: () => {
          throw new Error('no answer field');
        },
      }),
    };
    const { scheduler, model } = simulated({
      announceToolCalls: false,
      wordsPerChunk: 100,
      rules: [throwing],
    });
    await using server = await serveModel(model);
    const { client, session } = await open(sdk, server);
    session.sendRealtimeInput({ text: 'look up' });
    const [lookup] = await client.waitFor(calls, 'the lookup call');
    session.sendToolResponse({
      functionResponses: [{ id: lookup!.id!, name: 'countdown', response: { output: { n: 1 } } }],
    });
    await client.waitFor((m) => (textOf(m).includes('countdown') ? m : undefined), 'the result narration');
    scheduler.flush();
    await client.waitFor((m) => (textOf(m).includes('follow up') ? m : undefined), 'the follow-up failure');
    expect(client.modelText()).toContain('I could not follow up on countdown: no answer field');
    expect(server.connections[0]?.state).toBe('open');
  });

  it('hands out resumption handles and restores the conversation on resume', async () => {
    const { model } = simulated({ announceToolCalls: false });
    await using server = await serveModel(model);
    const first = await open(sdk, server, liveConfig({ sessionResumption: {} }));
    const handle = await first.client.waitFor(
      (m) => m.sessionResumptionUpdate?.newHandle,
      'a resumption handle',
    );
    first.session.sendRealtimeInput({ text: 'count down from 2' });
    await first.client.waitFor(calls, 'a toolCall');
    first.session.close();

    const second = await open(sdk, server, liveConfig({ sessionResumption: { handle } }));

    expect(handle).toBe('simulated-handle-1');
    const resumed = model.sessions[1]!;
    expect(resumed.resumed).toBe(true);
    expect(resumed.context[0]).toEqual({ kind: 'user', text: 'count down from 2' });
    expect(resumed.openCalls.map((c) => c.name)).toEqual(['countdown']);
    expect(await second.client.waitFor((m) => m.sessionResumptionUpdate?.newHandle, 'a new handle')).toBe(
      'simulated-handle-2',
    );
  });
});

describe('simulated model in real time', () => {
  it('runs on the default scheduler with a greeting', async () => {
    const model = createSimulatedModel({ rules: [countdownRule], greeting: 'Hello.', chunkIntervalMs: 1 });
    await using server = await serveModel(model);
    const { client, session } = await open(sdk3, server);
    await client.waitFor((m) => m.serverContent?.turnComplete, 'the greeting to complete');

    session.sendClientContent({ turns: 'count down from 2' });
    const [call] = await client.waitFor(calls, 'a toolCall');
    sendRemaining(session, call!.id!, 1);
    await client.waitFor((m) => (textOf(m).endsWith('remaining 1') ? m : undefined), 'the narration');

    expect(client.messages.map(textOf).filter(Boolean)).toEqual([
      '[simulated model] Hello.',
      '[simulated model] Calling countdown {"n":2}.',
      '[simulated model] countdown: remaining 1',
    ]);
  });
});
