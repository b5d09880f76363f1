/**
 * A live session over the real `@google/genai` client against the fake Live server, with what the
 * reliability tests need: tools the test drives value by value, an event log with bounded waits,
 * and a gate that holds resumed connections until the test releases them (so the time a session
 * spends disconnected is under the test's control, without sleeps).
 */
import { GoogleGenAI } from '@google/genai';
import { Subject } from 'rxjs';
import { z } from 'zod';
import { SubscriptionCounter } from '../../scheduler/test-support/harness.js';
import { createLiveAgent, type LiveAgentOptions } from '../../session/create-live-agent.js';
import type { GenAIClient } from '../../session/genai-like.js';
import type { LiveAgentSession } from '../../session/live-agent-session.js';
import type { LiveEvent } from '../../session/live-events.js';
import {
  createFakeLiveServer,
  type FakeLiveConnection,
  type FakeLiveServer,
  type RecordedFunctionResponse,
} from '../../testing/index.js';
import { defineStreamingTool, defineTool } from '../../tool/define-tool.js';

/** A streaming tool fed by the test: `push(callId, value)`, `complete`, `fail`; counts upstream subscriptions. */
export function pushTool(name: string, options: { interruption?: 'keep' | 'cancel' } = {}) {
  const feeds = new Map<string, Subject<unknown>>();
  const upstream = new SubscriptionCounter();
  const tool = defineStreamingTool({
    name,
    description: `Streams what the test pushes (${name}).`,
    parameters: z.object({ label: z.string() }),
    ...options,
    execute: (_args, ctx) => {
      const feed = new Subject<unknown>();
      feeds.set(ctx.callId, feed);
      return upstream.track(feed);
    },
  });
  const feed = (callId: string): Subject<unknown> => {
    const f = feeds.get(callId);
    if (!f) throw new Error(`${name}: no call ${callId} started`);
    return f;
  };
  return {
    tool,
    upstream,
    started: (callId: string) => feeds.has(callId),
    push: (callId: string, value: unknown) => feed(callId).next(value),
    complete: (callId: string) => feed(callId).complete(),
    fail: (callId: string, error: Error) => feed(callId).error(error),
  };
}

/** A one-shot tool answering at once: a round trip through it is a barrier. */
export const ping = defineTool({
  name: 'ping',
  description: 'Answers pong.',
  parameters: z.object({}),
  execute: () => 'pong',
});

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

export interface SessionFixture extends AsyncDisposable {
  readonly server: FakeLiveServer;
  readonly session: LiveAgentSession;
  readonly first: FakeLiveConnection;
  readonly log: EventLog;
  readonly gate: ResumeGate;
  /** Every function response for `callId` received on any connection, in connection order. */
  wire(callId?: string): RecordedFunctionResponse[];
}

/** Connects a session (SDK 3.x by default) to a fresh fake server; resumed setups are held by a gate. */
export async function openSession(
  options: Omit<LiveAgentOptions, 'ai' | 'model'> & {
    makeAi?: (baseUrl: string) => GenAIClient;
    /** Hold resumed connections until `gate.release` (default `true`); `false` accepts them at once. */
    holdResumed?: boolean;
  } = {},
): Promise<SessionFixture> {
  const gate = new ResumeGate();
  const server = await createFakeLiveServer(options.holdResumed === false ? {} : { onSetup: gate.onSetup });
  const makeAi =
    options.makeAi ??
    ((baseUrl: string) => new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl } }));
  const { makeAi: _ignored, holdResumed: _hold, ...agentOptions } = options;
  const agent = createLiveAgent({ ai: makeAi(server.url), model: 'gemini-live-test', ...agentOptions });
  const firstConnection = server.waitForConnection();
  const session = await agent.connect();
  const first = await firstConnection;
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
