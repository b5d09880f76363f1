/**
 * A standing hostile Live server suite (issue 13): garbage and truncated frames, goAway storms,
 * connections that accept and never answer (the upgrade, the setup, the close handshake). For
 * each: the process lives (nothing escapes as an unhandled rejection, and a child process running
 * the session exits by itself), the session stays usable, each call gets exactly one final
 * response and it is its last, and nothing queued behind a failure is lost. Both SDK majors.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  createFakeLiveServer,
  type FakeLiveConnection,
  type FakeLiveServerOptions,
  type RecordedFunctionResponse,
} from '../../src/testing/index.js';
import { pushTool } from '../support/push-tool.js';
import {
  clientBarrier,
  openSession,
  ping,
  type SessionFixture,
  trackUnhandledRejections,
  wireBarrier,
} from '../support/session-fixture.js';
import { sdks } from '../support/session-sdks.js';

const escaped = trackUnhandledRejections();

/** Every call of the session state: exactly one final, and it is the last response. */
function expectOneFinalLast(wire: readonly RecordedFunctionResponse[], ids: readonly string[]): void {
  for (const id of ids) {
    const mine = wire.filter((r) => r.id === id);
    const finals = mine.filter((r) => r.willContinue !== true);
    expect(finals, `finals of ${id}`).toHaveLength(1);
    expect(mine.at(-1), `last response of ${id}`).toBe(finals[0]);
  }
}

/** The session still works: a fresh call streams a result and completes on `conn`. */
async function stillWorks(
  fx: SessionFixture,
  conn: FakeLiveConnection,
  watch: ReturnType<typeof pushTool>,
): Promise<void> {
  const id = conn.callTool('watch', { label: 'after' });
  await clientBarrier(conn, fx.log);
  watch.push(id, 'still streaming');
  watch.complete(id);
  await conn.waitForToolResponse(id, (r) => r.willContinue === false);
  expect(conn.toolResponses(id).map((r) => r.output)).toEqual([
    'still streaming',
    { status: 'completed', results: 1 },
  ]);
  expect(fx.session.isOpen).toBe(true);
}

const garbage: [string, (c: FakeLiveConnection) => void][] = [
  ['truncated JSON (binary)', (c) => c.sendRaw('{"serverContent": {"modelTurn": {"parts": [{"te')],
  ['truncated JSON (text frame)', (c) => c.sendRawText('{"toolCall": {"functionCalls": [{"id": "x", "na')],
  ['an empty frame', (c) => c.sendRaw('')],
  [
    'random bytes',
    (c) => c.sendRaw(String.fromCharCode(...Array.from({ length: 64 }, (_, i) => (i * 37) % 256))),
  ],
  ['a JSON array', (c) => c.sendRaw('[1,2,3]')],
  ['a JSON number', (c) => c.sendRaw('42')],
  ['null', (c) => c.sendRaw('null')],
  ['a toolCall whose calls are a string', (c) => c.sendRaw({ toolCall: { functionCalls: 'x' } })],
  [
    'a goAway without a handle, with a bad timeLeft',
    (c) => c.sendRaw({ goAway: { timeLeft: { nested: 1 } } }),
  ],
];

/**
 * A call of `watch` that streams two results around each garbage frame, then completes; resolves
 * once its final response is on the wire, with its id and how many results it streamed.
 */
async function streamThroughGarbage(
  fx: SessionFixture,
  watch: ReturnType<typeof pushTool>,
): Promise<{ id: string; seq: number }> {
  const id = fx.first.callTool('watch', { label: 'stream' });
  await clientBarrier(fx.first, fx.log);
  let seq = 0;
  for (const [, send] of garbage) {
    watch.push(id, seq++);
    send(fx.first);
    watch.push(id, seq++);
    await clientBarrier(fx.first, fx.log);
  }
  watch.complete(id);
  await fx.first.waitForToolResponse(id, (r) => r.willContinue === false);
  return { id, seq };
}

describe.each(sdks)('hostile Live server, %s', (_name, makeAi) => {
  it(`garbage frames (${garbage.length} kinds) while a call streams: each is reported, the call loses nothing and ends once`, async () => {
    const watch = pushTool('watch');
    const logged: string[] = [];
    const logger = {
      debug: () => {},
      info: () => {},
      warn: () => {},
      error: (message: string) => logged.push(message),
    };
    await using fx = await openSession({ serverProfile: 'model', makeAi, tools: [watch.tool, ping], logger });
    const { id, seq } = await streamThroughGarbage(fx, watch);
    const wire = fx.first.toolResponses(id);
    expect(wire.filter((r) => r.willContinue === true).map((r) => r.output)).toEqual(
      Array.from({ length: seq }, (_, i) => i),
    );
    expectOneFinalLast(fx.first.toolResponses(), [id]);
    // Each frame that is not a JSON object is a MALFORMED_FRAME error event; the call that is a
    // string cannot be answered (no id) and is logged as an error; the goAway without a handle is a
    // valid message, published as go-away (no resumption without a handle).
    const errors = fx.log.events.filter((e) => e.type === 'error');
    expect(errors.map((e) => (e as { error: { code?: string } }).error.code)).toEqual(
      Array(7).fill('MALFORMED_FRAME'),
    );
    expect(logged).toEqual([expect.stringMatching(/function call that is not an object cannot be answered/)]);
    expect(fx.log.events.filter((e) => e.type === 'go-away')).toMatchObject([{ willResume: false }]);
    await stillWorks(fx, fx.first, watch);
    expect(escaped).toEqual([]);
  });

  it('with a logger that throws, garbage frames while a call streams: the socket keeps reading, the call loses nothing', async () => {
    const watch = pushTool('watch');
    const thrown = () => {
      throw new Error('logger down');
    };
    const logger = { debug: thrown, info: thrown, warn: thrown, error: thrown };
    const warnings: string[] = [];
    const onWarning = (warning: Error & { code?: string }) => {
      if (warning.code === 'LIVETOOLS_LOGGER_THREW') warnings.push(warning.message);
    };
    process.on('warning', onWarning);
    try {
      await using fx = await openSession({
        serverProfile: 'model',
        makeAi,
        tools: [watch.tool, ping],
        logger,
      });
      const { id, seq } = await streamThroughGarbage(fx, watch);
      expect(
        fx.first
          .toolResponses(id)
          .filter((r) => r.willContinue === true)
          .map((r) => r.output),
      ).toEqual(Array.from({ length: seq }, (_, i) => i));
      expectOneFinalLast(fx.first.toolResponses(), [id]);
      expect(fx.log.events.filter((e) => e.type === 'error')).toHaveLength(7);
      await stillWorks(fx, fx.first, watch);
      expect(escaped).toEqual([]);
      expect(warnings).toHaveLength(1);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('a goAway storm below the bound while a call streams: every result once and in order, one final, last', async () => {
    const watch = pushTool('watch');
    await using fx = await openSession({
      serverProfile: 'model',
      makeAi,
      tools: [watch.tool, ping],
      config: { sessionResumption: {} },
      reconnect: { initialDelayMs: 1, maxDelayMs: 4, maxConsecutive: 20 },
      holdResumed: false,
    });
    const id = fx.first.callTool('watch', { label: 'stream' });
    let conn = fx.first;
    let seq = 0;
    for (let round = 0; round < 8; round++) {
      await wireBarrier(conn);
      conn.sendResumptionUpdate(`h${round}`);
      await clientBarrier(conn, fx.log);
      watch.push(id, seq++);
      const since = fx.log.mark;
      const next = fx.server.waitForConnection();
      conn.goAway('0s');
      watch.push(id, seq++); // produced around the switch
      conn = await next;
      await fx.log.waitFor((e) => e.type === 'connected' && e.resumed, `resumption ${round}`, since);
      watch.push(id, seq++);
    }
    watch.complete(id);
    await conn.waitForToolResponse(id, (r) => r.willContinue === false);
    const state = conn.sessionToolResponses(id);
    expect(state.filter((r) => r.willContinue === true).map((r) => r.output)).toEqual(
      Array.from({ length: seq }, (_, i) => i),
    );
    expectOneFinalLast(state, [id]);
    await stillWorks(fx, conn, watch);
    await fx.session.close();
    await fx.server.waitForNoOpenConnections();
    expect(escaped).toEqual([]);
  });

  it.each([
    [
      'never answers the setup',
      (server: Awaited<ReturnType<typeof createFakeLiveServer>>) => server.refuseNextSetup('ignore'),
    ],
    [
      'never answers the upgrade',
      (server: Awaited<ReturnType<typeof createFakeLiveServer>>) => server.hangUpgrades(1),
    ],
  ] as const)(
    'a resumption attempt that %s times out, the next one resumes; nothing held is lost, the abandoned socket is closed',
    async (_what, hang) => {
      const watch = pushTool('watch');
      await using fx = await openSession({
        serverProfile: 'model',
        makeAi,
        tools: [watch.tool, ping],
        config: { sessionResumption: {} },
        reconnect: { initialDelayMs: 1 },
        // every connect runs under it (the first, the hung attempt, the one that resumes): long enough
        // for a loaded machine, where a second CONNECT_TIMEOUT would fail the test
        connectTimeoutMs: 3000,
        holdResumed: false,
      });
      const id = fx.first.callTool('watch', { label: 'stream' });
      fx.first.sendResumptionUpdate('h1');
      await clientBarrier(fx.first, fx.log);
      hang(fx.server);
      const since = fx.log.mark;
      await fx.first.drop();
      await fx.log.waitFor((e) => e.type === 'reconnecting', 'reconnecting', since);
      watch.push(id, 'held');
      watch.complete(id);
      fx.session.sendText('typed while the server hung');
      const resumed = await fx.server.waitForConnection({ timeoutMs: 10_000 }); // after connectTimeoutMs
      await resumed.waitForToolResponse(id, (r) => r.willContinue === false);
      await wireBarrier(resumed);
      expect(fx.log.events.filter((e) => e.type === 'error')).toMatchObject([
        { error: { code: 'CONNECT_TIMEOUT' } },
      ]);
      expect(resumed.toolResponses(id).map((r) => r.output)).toEqual([
        'held',
        { status: 'completed', results: 1 },
      ]);
      expect(resumed.clientContents).toHaveLength(1);
      expectOneFinalLast(resumed.sessionToolResponses(), [id]);
      await stillWorks(fx, resumed, watch);
      await fx.session.close();
      await fx.server.waitForNoOpenConnections();
      expect(escaped).toEqual([]);
    },
  );
});

const child = fileURLToPath(new URL('../support/session-exit-child.ts', import.meta.url));
const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The environment without what vitest put there (its NODE_OPTIONS would load vitest hooks). */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(VITEST|TEST$|NODE_OPTIONS$)/.test(key)) env[key] = value;
  }
  return env;
}

/** How long the child may take to start (tsx compiles it on the fly, slowly on a loaded machine). */
const STARTUP_DEADLINE_MS = 60_000;
/**
 * How long the child may live once its scenario is over (`DONE`). Shorter than any timer a session
 * could leave behind (the SDK's 30 s close timer, the 60 s connect timeout of the child), so a
 * leftover socket or timer shows as a child still running.
 */
const EXIT_DEADLINE_MS = 10_000;

/**
 * Runs the child; resolves with what it printed and whether it exited by itself within
 * {@link EXIT_DEADLINE_MS} of printing `DONE` (it is killed otherwise).
 */
function runChild(
  args: readonly string[],
): Promise<{ exitedByItself: boolean; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], {
      cwd: packageRoot,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const kill = () => {
      killed = true;
      proc.kill('SIGKILL');
    };
    let deadline = setTimeout(kill, STARTUP_DEADLINE_MS);
    proc.stdout.on('data', (chunk: Buffer) => {
      const before = stdout;
      stdout += chunk.toString();
      if (!before.includes('DONE') && stdout.includes('DONE')) {
        clearTimeout(deadline);
        deadline = setTimeout(kill, EXIT_DEADLINE_MS);
      }
    });
    proc.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    proc.on('close', (code) => {
      clearTimeout(deadline);
      done({ exitedByItself: !killed && code === 0, stdout, stderr });
    });
  });
}

const scenarios: [string, string, FakeLiveServerOptions, string][] = [
  [
    'connect-timeout',
    'a setup never answered (CONNECT_TIMEOUT)',
    { onSetup: () => 'ignore' },
    'DONE CONNECT_TIMEOUT',
  ],
  [
    'close-unanswered',
    'a close handshake never answered',
    { onConnection: (c) => c.freeze() },
    'DONE closed',
  ],
  [
    'close-during-resumption',
    'close() while a resumption attempt waits for a setup never answered',
    {
      onSetup: (setup) => (setup.sessionResumption?.handle ? 'ignore' : 'accept'),
      onConnection: (c) => {
        c.sendResumptionUpdate('h1');
        c.goAway('10s');
      },
    },
    'DONE closed',
  ],
];

describe.each([
  ['@google/genai 3.x', '3'],
  ['@google/genai 2.x', '2'],
])('the process can exit, %s', (_name, sdk) => {
  it.each(scenarios)(
    'after %s: %s',
    async (scenario, _what, serverOptions, expected) => {
      await using server = await createFakeLiveServer(serverOptions);
      const run = await runChild([sdk, scenario, server.url]);
      expect(run.stdout, run.stderr).toContain(expected);
      expect(run.exitedByItself, `the child did not exit by itself after DONE: ${run.stderr}`).toBe(true);
      await server.waitForNoOpenConnections();
    },
    STARTUP_DEADLINE_MS + EXIT_DEADLINE_MS + 5_000,
  );
});
