/**
 * A live session over the real `@google/genai` client against the fake Live server, with what the
 * reliability tests need: tools the test drives value by value, an event log with bounded waits,
 * and a gate that holds resumed connections until the test releases them (so the time a session
 * spends disconnected is under the test's control, without sleeps).
 */
import { GoogleGenAI } from '@google/genai';
import { afterEach, beforeEach } from 'vitest';
import { z } from 'zod';
import type { ModelProfile } from '../../src/profiles/model-profile.js';
import { resolveModelProfile } from '../../src/profiles/resolve-model-profile.js';
import type { GenAIClient } from '../../src/protocol/genai-like.js';
import { createLiveAgent, type LiveAgentOptions } from '../../src/session/create-live-agent.js';
import type { LiveAgentSession } from '../../src/session/live-agent-session.js';
import type { LiveEvent } from '../../src/session/live-events.js';
import {
  createFakeLiveServer,
  type FakeLiveConnection,
  type FakeLiveServer,
  type LiveClientFrame,
  type RecordedFunctionResponse,
} from '../../src/testing/index.js';
import { defineTool } from '../../src/tool/define-tool.js';

/** A Vertex AI client (express mode: an API key) for the fake server: transparent resumption is on by default there. */
export const vertexAi = (baseUrl: string): GenAIClient =>
  new GoogleGenAI({ vertexai: true, apiKey: 'test-key', httpOptions: { baseUrl } });

/** What reached the session state for one call in `client-content` delivery: the first answer, then tagged text turns. */
export interface DeliveredResult {
  /** `answer`: the function response; `turn`: a tagged text turn. */
  readonly via: 'answer' | 'turn';
  /** True for the call's final response. */
  readonly final: boolean;
  /** The result (for the first answer, its `result`). */
  readonly output: unknown;
}

/**
 * Reads the results of call `callId` from client frames in `client-content` delivery (function
 * responses on the id, then text turns tagged `[tool result NAME call_id=ID]`), in order.
 */
export function clientContentResults(frames: readonly LiveClientFrame[], callId: string): DeliveredResult[] {
  const out: DeliveredResult[] = [];
  const tag = new RegExp(
    `^\\[tool result [^\\]]+ call_id=${callId}\\]( \\(final: this call has ended\\))? (.*)$`,
    's',
  );
  for (const frame of frames) {
    for (const r of frame.toolResponse?.functionResponses ?? []) {
      if (r.id !== callId) continue;
      const output = r.response?.output as { result?: unknown; more?: string } | undefined;
      out.push({ via: 'answer', final: output?.more === undefined, output: output?.result ?? output });
    }
    for (const turn of frame.clientContent?.turns ?? []) {
      for (const part of turn.parts ?? []) {
        const match = part.text === undefined ? null : tag.exec(part.text);
        if (match) out.push({ via: 'turn', final: match[1] !== undefined, output: JSON.parse(match[2]!) });
      }
    }
  }
  return out;
}

/** A one-shot tool answering at once: a round trip through it is a barrier. */
export const ping = defineTool({
  name: 'ping',
  description: 'Answers pong.',
  parameters: z.object({}),
  execute: () => 'pong',
});

/** A one-shot tool the test answers: `answer(value)` resolves the oldest call still waiting. */
export function slowLookup() {
  const pending: ((value: string) => void)[] = [];
  const tool = defineTool({
    name: 'lookup',
    description: 'A slow lookup the test answers.',
    parameters: z.object({}),
    execute: () => new Promise<string>((resolve) => pending.push(resolve)),
  });
  return { tool, answer: (value: string) => pending.shift()?.(value) };
}

/** Every event of a session, with bounded waits on them. */
export class EventLog {
  readonly events: LiveEvent[] = [];
  readonly #listeners = new Set<(e: LiveEvent) => void>();

  constructor(session: LiveAgentSession) {
    session.events$.subscribe((e) => {
      this.events.push(e);
      for (const listener of [...this.#listeners]) listener(e);
    });
  }

  /** The index the next event will have: pass it to `waitFor` to wait only for later events. */
  get mark(): number {
    return this.events.length;
  }

  /** Resolves with the first event at or after `since` that matches. */
  waitFor(match: (e: LiveEvent) => boolean, what: string, since = 0, timeoutMs = 3000): Promise<LiveEvent> {
    const past = this.events.slice(since).find(match);
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#listeners.delete(listener);
        const seen = this.events
          .slice(-15)
          .map((e) => ('callId' in e ? `${e.type}(${e.callId})` : e.type))
          .join(', ');
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last events: ${seen}`));
      }, timeoutMs);
      const listener = (e: LiveEvent) => {
        if (!match(e)) return;
        clearTimeout(timer);
        this.#listeners.delete(listener);
        resolve(e);
      };
      this.#listeners.add(listener);
    });
  }

  /** Waits until the client has ended the call `callId` (its `tool-end` event). */
  ended(callId: string, since = 0): Promise<LiveEvent> {
    return this.waitFor((e) => e.type === 'tool-end' && e.callId === callId, `tool-end of ${callId}`, since);
  }
}

/**
 * Holds every setup that carries a resumption handle (a resumed connection) until `release`:
 * the session stays in its reconnecting state meanwhile. Workaround for a missing fake-server
 * feature (an asynchronous setup verdict); it answers `setupComplete` through the connection's
 * internal `acceptSetup()`.
 */
export class ResumeGate {
  readonly held: FakeLiveConnection[] = [];
  readonly #waiters: ((c: FakeLiveConnection) => void)[] = [];

  /** The fake server's `onSetup` hook. */
  readonly onSetup = (setup: { sessionResumption?: { handle?: string } }, connection: FakeLiveConnection) => {
    if (!setup.sessionResumption?.handle) return undefined;
    this.held.push(connection);
    for (const w of this.#waiters.splice(0)) w(connection);
    return 'ignore' as const;
  };

  /** The newest held connection that is still waiting for its `setupComplete`. */
  async next(timeoutMs = 3000): Promise<FakeLiveConnection> {
    const open = this.held.filter((c) => c.state === 'awaiting-setup');
    if (open.length > 0) return open.at(-1)!;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no resumed connection arrived within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#waiters.push((c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
  }

  /** Answers the held connection's setup: the client's resumption completes on it. */
  release(connection: FakeLiveConnection): void {
    connection.acceptSetup();
  }
}

/** What was in flight when the server issued a handle: see {@link HandleLedger.inFlight}. */
export interface InFlight {
  /** Client messages written on the handle's connection before the handle reached the client, but not received by the server when it issued it. */
  readonly messages: number;
  /** The function responses among them that the server received later, in order. */
  readonly responses: readonly RecordedFunctionResponse[];
  /** How many of them the server never received (the connection died first): their content is unknown. */
  readonly unseen: number;
}

/**
 * Keeps what it takes to tell exactly which client messages were in flight when the fake server
 * issued a resumption handle. Without transparent resumption the client takes a handle to cover
 * what it had written when the handle arrived, while the handle stands for what the server had
 * received when it issued it: a message written before the handle arrived but received after it
 * was issued is in neither the handle's state nor the replay after a resumption with that handle.
 * The server's count is read when the handle is issued; the client's is its `messagesSent` when
 * the update reaches `session.messages$` (so: issue handles after the first connection's early
 * messages are published, and one at a time per connection, each seen by the client before the next).
 */
export class HandleLedger {
  readonly #issued = new Map<
    string,
    { readonly connection: FakeLiveConnection; readonly received: number }
  >();
  /** `messagesSent` when the client handled each handle. */
  readonly #sentAtArrival = new Map<string, number>();
  /** `messagesSent` before each connection became current. */
  readonly #sentBefore = new Map<FakeLiveConnection, number>();
  #sentAtLastConnected = 0;

  constructor(session: LiveAgentSession, first: FakeLiveConnection) {
    this.#sentBefore.set(first, 0);
    session.messages$.subscribe((m) => {
      const handle = m.sessionResumptionUpdate?.newHandle;
      if (handle && this.#issued.has(handle) && !this.#sentAtArrival.has(handle)) {
        this.#sentAtArrival.set(handle, session.metrics().messagesSent);
      }
    });
    // Published after the resumption's replay was queued and before anything is written on the
    // new connection.
    session.events$.subscribe((e) => {
      if (e.type === 'connected' && e.resumed) this.#sentAtLastConnected = session.metrics().messagesSent;
    });
  }

  /** Sends `sessionResumptionUpdate` with `handle` on `connection`, noting what the server had received. */
  issue(connection: FakeLiveConnection, handle: string): void {
    this.#issued.set(handle, { connection, received: clientMessageCount(connection) });
    connection.sendResumptionUpdate(handle);
  }

  /** Tells that `connection` is the one of the newest `connected` (resumed) event the session published. */
  connected(connection: FakeLiveConnection): void {
    this.#sentBefore.set(connection, this.#sentAtLastConnected);
  }

  /** Whether the client has handled `handle`. */
  arrived(handle: string): boolean {
    return this.#sentAtArrival.has(handle);
  }

  /** Client messages of the handle's connection the server had received when it issued `handle`. */
  received(handle: string): number {
    return this.#entry(handle).received;
  }

  /** Client messages the client had written on the handle's connection when `handle` reached it. */
  written(handle: string): number {
    const { connection } = this.#entry(handle);
    const atArrival = this.#sentAtArrival.get(handle);
    if (atArrival === undefined) throw new Error(`${handle} has not reached the client`);
    const before = this.#sentBefore.get(connection);
    if (before === undefined) throw new Error(`connected() was not called for connection #${connection.id}`);
    return atArrival - before;
  }

  /** What was in flight at the issuance of `handle`: what a resumption with it leaves out without transparent resumption. */
  inFlight(handle: string): InFlight {
    const { connection, received } = this.#entry(handle);
    const written = this.written(handle);
    const responses = connection
      .toolResponses()
      .filter((r) => r.frameIndex - 1 >= received && r.frameIndex - 1 < written); // frame 0 is the setup
    return {
      messages: Math.max(0, written - received),
      responses,
      unseen: Math.max(0, written - Math.max(received, clientMessageCount(connection))),
    };
  }

  #entry(handle: string) {
    const entry = this.#issued.get(handle);
    if (!entry) throw new Error(`${handle} was not issued through the ledger`);
    return entry;
  }
}

/** Client messages a connection has received, its setup not counted. */
export function clientMessageCount(connection: FakeLiveConnection): number {
  return connection.frames.filter((f) => f.setup === undefined).length;
}

export interface SessionFixture extends AsyncDisposable {
  readonly server: FakeLiveServer;
  readonly session: LiveAgentSession;
  readonly first: FakeLiveConnection;
  readonly log: EventLog;
  readonly gate: ResumeGate;
  /** Every function response for `callId` received on any connection, in connection order. */
  wire(callId?: string): RecordedFunctionResponse[];
}

/**
 * The profile the fake server of {@link openSession} plays with `serverProfile: 'model'`: the one the
 * session resolves for its model name (`gemini-live-test`, an unknown name: the platform's current
 * default, gemini-3.8-live), with one documented deviation: resumption handles stay resumable
 * while calls run. The real models send `resumable: false` then, so without this the resumption
 * these suites test would never get a handle while a tool streams (the session would hand the
 * calls over instead, which `handoff.e2e.test.ts` and the profile matrix cover). Everything else
 * is the documented behaviour: BLOCKING calls hold the model's output and are cancelled by new
 * input, what the model refuses closes the connection with 1007.
 */
export function fixtureProfile(vertexai: boolean): ModelProfile {
  return resolveModelProfile('gemini-live-test', {
    vertexai,
    override: { resumption: { resumableWhileCallsRun: true } },
  }).profile;
}

/** Connects a session (SDK 3.x by default) to a fresh fake server; resumed setups are held by a gate. */
export async function openSession(
  options: Omit<LiveAgentOptions, 'ai' | 'model'> & {
    makeAi?: (baseUrl: string) => GenAIClient;
    /** Hold resumed connections until `gate.release` (default `true`); `false` accepts them at once. */
    holdResumed?: boolean;
    /**
     * The profile the fake server plays: `'model'`, {@link fixtureProfile} for the client's
     * platform; a `ModelProfile`; or `'none'` (default): only what the test scripts.
     */
    serverProfile?: ModelProfile | 'model' | 'none';
  } = {},
): Promise<SessionFixture> {
  const gate = new ResumeGate();
  const makeAi =
    options.makeAi ??
    ((baseUrl: string) => new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl } }));
  const chosen = options.serverProfile ?? 'none';
  const profile =
    chosen === 'model'
      ? fixtureProfile((makeAi('http://127.0.0.1:9') as { vertexai?: unknown }).vertexai === true)
      : chosen;
  const server = await createFakeLiveServer({
    ...(options.holdResumed === false ? {} : { onSetup: gate.onSetup }),
    ...(profile === 'none' ? {} : { profile }),
  });
  const { makeAi: _ignored, holdResumed: _hold, serverProfile: _profile, ...agentOptions } = options;
  const agent = createLiveAgent({ ai: makeAi(server.url), model: 'gemini-live-test', ...agentOptions });
  // generous: the first connect of a file runs while the other test files load (CI's busiest time)
  const firstConnection = server.waitForConnection({ timeoutMs: 10_000 });
  const session = await agent.connect();
  const first = await firstConnection;
  if (profile !== 'none' && first.profile !== profile) {
    throw new Error(
      `the fake server should play ${profile.id} (${profile.platform}) on the first connection`,
    );
  }
  const log = new EventLog(session);
  return {
    server,
    session,
    first,
    log,
    gate,
    wire: (callId) => server.connections.flatMap((c) => [...c.toolResponses(callId)]),
    async [Symbol.asyncDispose]() {
      await session.close();
      await server.close();
    },
  };
}

/**
 * {@link openSession} with session resumption on, a 1 ms reconnect delay and resumed connections
 * accepted at once: the setup of every resumption test. `options` override these.
 */
export function openResumableSession(
  options: Parameters<typeof openSession>[0] = {},
): Promise<SessionFixture> {
  return openSession({
    config: { sessionResumption: {} },
    reconnect: { initialDelayMs: 1 },
    holdResumed: false,
    ...options,
  });
}

/** Sends `ping` on `connection` and waits until the client has handled it (and so everything sent before). */
export async function clientBarrier(connection: FakeLiveConnection, log: EventLog): Promise<string> {
  const since = log.mark;
  const id = connection.callTool('ping');
  await log.ended(id, since);
  return id;
}

/** Like {@link clientBarrier}, and also waits for the answer on the wire: every earlier response has arrived. */
export async function wireBarrier(connection: FakeLiveConnection): Promise<string> {
  const id = connection.callTool('ping');
  await connection.waitForToolResponse(id);
  return id;
}

/**
 * Collects what escapes as an unhandled rejection while each test of the calling file runs (the
 * array is emptied before each test). Call it at the top level of a test file.
 */
export function trackUnhandledRejections(): unknown[] {
  const escaped: unknown[] = [];
  const onRejection = (reason: unknown) => escaped.push(reason);
  beforeEach(() => {
    escaped.length = 0;
    process.on('unhandledRejection', onRejection);
  });
  afterEach(() => {
    process.off('unhandledRejection', onRejection);
  });
  return escaped;
}
