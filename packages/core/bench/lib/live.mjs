// Live fixtures over loopback: the fake Live server, a raw @google/genai session (the baseline) and a
// livetools session with one streaming tool fed by the benchmark, both on the same server.
import { performance } from 'node:perf_hooks';
import { Behavior, GoogleGenAI } from '@google/genai';
import { Observable, Subject } from 'rxjs';
import { z } from 'zod';
import { createLiveAgent, defineStreamingTool } from '../../dist/index.js';
import { createFakeLiveServer } from '../../dist/testing/index.js';

export { createFakeLiveServer };

export const MODEL = 'bench-model';
export const TOOL = 'quote';

/** A GoogleGenAI client pointed at the fake server. */
export function genai(server) {
  return new GoogleGenAI({ apiKey: 'bench', httpOptions: { baseUrl: server.url } });
}

/**
 * A streaming tool whose calls follow `feed` and count their subscriptions: `live` is the number of
 * subscriptions not yet torn down, and `onTeardown(callId, time)` is called at the moment a call's
 * upstream is torn down (the Observable's teardown function), with performance.now().
 */
export function feedTool(options = {}) {
  const feed = new Subject();
  const counters = { subscribed: 0, tornDown: 0 };
  const hooks = { onStart: (_callId) => {}, onTeardown: (_callId, _time) => {} };
  const tool = defineStreamingTool({
    name: options.name ?? TOOL,
    description: 'Follows a feed pushed by the benchmark.',
    parameters: z.object({ symbol: z.string().optional() }),
    ...(options.maxDurationMs === undefined ? {} : { maxDurationMs: options.maxDurationMs }),
    execute: (_args, ctx) =>
      new Observable((subscriber) => {
        counters.subscribed += 1;
        const inner = (options.source ? options.source(ctx) : feed).subscribe(subscriber);
        hooks.onStart(ctx.callId);
        return () => {
          const time = performance.now();
          inner.unsubscribe();
          counters.tornDown += 1;
          hooks.onTeardown(ctx.callId, time);
        };
      }),
  });
  return {
    tool,
    feed,
    counters,
    hooks,
    get live() {
      return counters.subscribed - counters.tornDown;
    },
  };
}

/**
 * Records, for one fake-server connection, the moment each frame carrying function responses is
 * received (performance.now(), taken first thing in the listener), and lets a benchmark wait for it.
 */
export function frameProbe(connection) {
  let waiting;
  let count = 0;
  let countTarget = 0;
  let countDone;
  const dispose = connection.onFrame((_frame, _index, responses) => {
    const time = performance.now();
    if (responses.length === 0) return;
    count += responses.length;
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w(time);
    }
    if (countDone && count >= countTarget) {
      const d = countDone;
      countDone = undefined;
      d(time);
    }
  });
  return {
    /**
     * Runs `send`; resolves with `[t0, t1, returned]`: just before it, the server's receipt of the next
     * response frame, and the moment `send` returned.
     */
    latency(send) {
      return new Promise((resolve) => {
        let t0 = 0;
        let returned = 0;
        waiting = (t1) => resolve([t0, t1, returned]);
        t0 = performance.now();
        send();
        returned = performance.now();
      });
    },
    /** Resolves with the receipt time of the frame that brings the response count to `n` more than now. */
    afterResponses(n) {
      countTarget = count + n;
      return new Promise((resolve) => {
        countDone = resolve;
      });
    },
    get count() {
      return count;
    },
    dispose,
  };
}

/**
 * A raw @google/genai live session on `server` declaring `quote` as NON_BLOCKING, like an application
 * without livetools would. Resolves once the server has issued one `quote` call and the client has
 * seen it, with the call id to answer.
 */
export async function connectRaw(server) {
  let onToolCall;
  const toolCalled = new Promise((resolve) => {
    onToolCall = resolve;
  });
  const hooks = { onMessage: (_message, _time) => {} };
  const accepted = server.waitForConnection();
  const session = await genai(server).live.connect({
    model: MODEL,
    config: { tools: [{ functionDeclarations: [{ name: TOOL, behavior: Behavior.NON_BLOCKING }] }] },
    callbacks: {
      onmessage: (message) => {
        hooks.onMessage(message, performance.now());
        const call = message.toolCall?.functionCalls?.[0];
        if (call) onToolCall(call.id);
      },
    },
  });
  const connection = await accepted;
  connection.callTool(TOOL, { symbol: 'AAPL' });
  const callId = await toolCalled;
  return { session, connection, callId, hooks };
}

/**
 * Makes `sdkSession.sendToolResponse` call `onEntry(performance.now())` first and `onExit(performance.now())`
 * last. Returns a function that removes the hook. Used on both paths alike, only for the breakdown pass.
 */
export function hookSendToolResponse(sdkSession, onEntry, onExit) {
  const own = Object.hasOwn(sdkSession, 'sendToolResponse');
  const original = sdkSession.sendToolResponse;
  sdkSession.sendToolResponse = function hooked(params) {
    onEntry(performance.now());
    const result = original.call(this, params);
    onExit(performance.now());
    return result;
  };
  return () => {
    if (own) sdkSession.sendToolResponse = original;
    else delete sdkSession.sendToolResponse;
  };
}

/** The response an application sends for one emission of a streaming call, as livetools sends it. */
export function rawResponse(callId, output) {
  return {
    functionResponses: [
      { id: callId, name: TOOL, response: { output }, willContinue: true, scheduling: 'WHEN_IDLE' },
    ],
  };
}

/**
 * The raw SDK application fed like the benchmark's tool: a `Subject` the benchmark pushes into,
 * whose one subscriber sends each value as the call's response on `session`. The source then costs
 * the raw path what it costs livetools. `complete()` the Subject to let its subscriber go.
 */
export function rawSdkFeed(session, callId) {
  const feed = new Subject();
  feed.subscribe((v) => session.sendToolResponse(rawResponse(callId, v)));
  return feed;
}

/**
 * A livetools session on `server` with the `feedTool` given (default: a new one). Subscribes to
 * `events$` as an application would. Resolves once one call of the tool is running.
 */
export async function connectLivetools(server, fixture = feedTool(), agentOptions = {}) {
  const accepted = server.waitForConnection();
  // The client is passed through a GenAIClient that only remembers the SDK session it opened (for the
  // breakdown of the overhead); nothing sits between livetools and the SDK afterwards.
  const ai = genai(server);
  let sdkSession;
  const client = {
    vertexai: ai.vertexai,
    live: { connect: async (params) => (sdkSession = await ai.live.connect(params)) },
  };
  const agent = createLiveAgent({ ai: client, model: MODEL, tools: [fixture.tool], ...agentOptions });
  const session = await agent.connect();
  let events = 0;
  const subscription = session.events$.subscribe(() => {
    events += 1;
  });
  const connection = await accepted;
  const started = new Promise((resolve) => {
    fixture.hooks.onStart = resolve;
  });
  connection.callTool(fixture.tool.name, { symbol: 'AAPL' });
  const callId = await started;
  fixture.hooks.onStart = () => {};
  return {
    session,
    sdkSession,
    connection,
    callId,
    fixture,
    get events() {
      return events;
    },
    async close() {
      subscription.unsubscribe();
      await session.close();
    },
  };
}

/** Payloads of three sizes, the same for both paths. */
export function payloads() {
  const quote = (i) => ({
    symbol: 'AAPL',
    price: 187.25 + i / 100,
    change: 0.42,
    at: '2025-01-01T10:00:00.000Z',
  });
  const small = quote(0);
  const medium = { symbol: 'AAPL', ticks: Array.from({ length: 10 }, (_, i) => quote(i)) };
  const large = { symbol: 'AAPL', ticks: Array.from({ length: 160 }, (_, i) => quote(i)) };
  return [
    { label: `${JSON.stringify(small).length} B`, value: small },
    { label: `${(JSON.stringify(medium).length / 1024).toFixed(1)} KiB`, value: medium },
    { label: `${(JSON.stringify(large).length / 1024).toFixed(1)} KiB`, value: large },
  ];
}
