/**
 * A live session of a named model (its profile resolved by `createLiveAgent`) over a real
 * `@google/genai` client against the fake Live server, and a logger that keeps what it is told.
 */

import type { GenAIClient } from '../../src/protocol/genai-like.js';
import {
  createLiveAgent,
  type LiveAgent,
  type LiveAgentOptions,
} from '../../src/session/create-live-agent.js';
import {
  createFakeLiveServer,
  type FakeLiveConnection,
  type FakeLiveServer,
  type FakeLiveServerOptions,
} from '../../src/testing/index.js';
import type { Logger } from '../../src/tool/context.js';
import { EventLog, ping } from './session-fixture.js';

/** A logger that keeps every line, for the checks that a value was ignored out loud. */
export function recordingLogger() {
  const lines: { level: keyof Logger; message: string; data?: Record<string, unknown> }[] = [];
  const at =
    (level: keyof Logger) =>
    (message: string, data?: Record<string, unknown>): void => {
      lines.push(data === undefined ? { level, message } : { level, message, data });
    };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

/**
 * Connects a session of `createLiveAgent` for `model` (its profile is resolved from the name) to a
 * fresh fake server, with `client-content` delivery unless told otherwise.
 */
export async function openModelSession(
  makeAi: (baseUrl: string) => GenAIClient,
  model: string,
  options: Omit<LiveAgentOptions, 'ai' | 'model'> & {
    /** Options of the fake server, e.g. `{ profile: 'auto' }` to have it play the model's profile. */
    readonly server?: FakeLiveServerOptions;
  } = {},
) {
  const { server: serverOptions, ...agentOptions } = options;
  const server: FakeLiveServer = await createFakeLiveServer(serverOptions);
  const agent = createLiveAgent({
    ai: makeAi(server.url),
    model,
    delivery: 'client-content',
    tools: [ping],
    logger: recordingLogger().logger,
    ...agentOptions,
  });
  return connectFixture(agent, server);
}

/**
 * Connects `agent` to `server` (a fresh fake server): the session, the server's connection for it
 * and an {@link EventLog}; disposing closes the session, then the server.
 */
export async function connectFixture(agent: LiveAgent, server: FakeLiveServer) {
  const connection = server.waitForConnection();
  const session = await agent.connect();
  const conn: FakeLiveConnection = await connection;
  const log = new EventLog(session);
  return {
    agent,
    server,
    session,
    conn,
    log,
    async [Symbol.asyncDispose]() {
      await session.close();
      await server.close();
    },
  };
}
