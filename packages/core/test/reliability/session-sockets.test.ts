/**
 * Issue 13, items 9, 10, 11, 20 and 23: every socket a session opens is closed when it is done
 * with it, `close()` ends what is under way, resumptions back off and are bounded, and what waits
 * for a resumption handle is bounded. Real SDKs (3.x and 2.x) against the fake Live server; the
 * server counts the sockets open on its side.
 */
import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createLiveAgent } from '../../src/session/create-live-agent.js';
import type { LiveEvent } from '../../src/session/live-events.js';
import { createFakeLiveServer, type FakeLiveConnection } from '../../src/testing/index.js';
import { clientBarrier, EventLog, openSession, ping } from '../support/session-fixture.js';
import { sdks } from '../support/session-sdks.js';

/** The delays (from now) of the timers pending on a virtual clock. */
const pending = (clock: VirtualTimeScheduler) =>
  clock.actions.filter((a) => !a.closed).map((a) => (a.delay ?? 0) - clock.frame);

/** Runs the timers due within `ms` on a virtual clock, and no others. */
function advance(clock: VirtualTimeScheduler, ms: number): void {
  clock.maxFrames = clock.frame + ms;
  clock.flush();
  clock.maxFrames = Number.POSITIVE_INFINITY;
}

/** An agent whose 200 ms connect timeout runs on a virtual clock. */
function timedAgent(ai: Parameters<typeof createLiveAgent>[0]['ai']) {
  const clock = new VirtualTimeScheduler();
  return { clock, agent: createLiveAgent({ ai, model: 'm', connectTimeoutMs: 200, scheduler: clock }) };
}

describe.each(sdks)('sockets over %s', (_name, makeAi) => {
  it('CONNECT_TIMEOUT leaves the socket open: a setup never answered times out and the socket is closed', async () => {
    let setupSeen!: () => void;
    const seen = new Promise<void>((resolve) => {
      setupSeen = resolve;
    });
    await using server = await createFakeLiveServer({
      onSetup: () => {
        setupSeen();
        return 'ignore';
      },
    });
    // The timeout runs on a virtual clock, advanced once the server holds the socket: however slow
    // the machine, the attempt is abandoned with its socket open.
    const { clock, agent } = timedAgent(makeAi(server.url));
    const connecting = agent.connect();
    await seen;
    advance(clock, 200);
    await expect(connecting).rejects.toMatchObject({ code: 'CONNECT_TIMEOUT' });
    expect(server.connections).toHaveLength(1);
    await server.waitForNoOpenConnections();
  });

  it('an upgrade never answered times out, and the socket is ended', async () => {
    await using server = await createFakeLiveServer();
    const hung = server.hangUpgrades(1);
    const { clock, agent } = timedAgent(makeAi(server.url));
    const connecting = agent.connect();
    await hung;
    expect(server.openConnections).toBe(1);
    advance(clock, 200);
    await expect(connecting).rejects.toMatchObject({ code: 'CONNECT_TIMEOUT' });
    await server.waitForNoOpenConnections();
  });

  it('close() during a resumption attempt aborts it, closes every socket (the attempt and the one left after goAway), and resolves then', async () => {
    await using fx = await openSession({
      serverProfile: 'model',
      makeAi,
      tools: [ping],
      config: { sessionResumption: {} },
      reconnect: { initialDelayMs: 1 },
    });
    fx.first.sendResumptionUpdate('h1');
    await clientBarrier(fx.first, fx.log);
    const since = fx.log.mark;
    fx.first.goAway('10s'); // the old connection stays open: the server would close it later
    const attempt = await fx.gate.next(); // held: never gets setupComplete
    await fx.log.waitFor((e) => e.type === 'reconnecting', 'reconnecting', since);
    expect(fx.server.openConnections).toBe(2);
    await fx.session.close();
    await fx.server.waitForNoOpenConnections();
    expect(attempt.state).toBe('closed');
    expect(fx.first.state).toBe('closed');
    expect(fx.log.events.at(-1)).toMatchObject({ type: 'closed', by: 'client' });
  });

  it('close() during the wait between resumption attempts ends the wait: no timer is left', async () => {
    const clock = new VirtualTimeScheduler();
    await using server = await createFakeLiveServer();
    const session = await createLiveAgent({
      ai: makeAi(server.url),
      model: 'm',
      tools: [ping],
      scheduler: clock,
      config: { sessionResumption: {} },
      reconnect: { initialDelayMs: 5000 },
      connectTimeoutMs: 60_000,
      closeTimeoutMs: 30_000,
    }).connect();
    const first = await server.waitForConnection();
    const log = new EventLog(session);
    clock.flush();
    first.sendResumptionUpdate('h1');
    await log.waitFor((e) => e.type === 'resumption-update', 'the handle');
    server.refuseNextSetup(); // the first attempt fails: the next one waits 5 s
    await first.drop();
    await log.waitFor((e) => e.type === 'error', 'the refused attempt');
    expect(pending(clock)).toContain(5000);
    await session.close();
    expect(pending(clock)).toEqual([]);
    await server.waitForNoOpenConnections();
  });

  it('close() when the server never answers the close handshake terminates the socket after closeTimeoutMs', async () => {
    await using server = await createFakeLiveServer();
    const session = await createLiveAgent({
      ai: makeAi(server.url),
      model: 'm',
      closeTimeoutMs: 100,
    }).connect();
    const connection = await server.waitForConnection();
    connection.freeze();
    await session.close();
    // ws's own 30 s close timer would otherwise keep the socket (and the process) alive.
    await server.waitForNoOpenConnections({ timeoutMs: 5000 });
  });

  it('goAway on every connection: resumptions back off, and the session ends after reconnect.maxConsecutive with a clear reason', async () => {
    const clock = new VirtualTimeScheduler();
    let issued = 0;
    await using server = await createFakeLiveServer({
      onConnection: (c: FakeLiveConnection) => {
        c.sendResumptionUpdate(`h${++issued}`);
        if (issued > 1) c.goAway('1s'); // every resumed connection is sent away at once
      },
    });
    const session = await createLiveAgent({
      ai: makeAi(server.url),
      model: 'm',
      scheduler: clock,
      config: { sessionResumption: {} },
      reconnect: { initialDelayMs: 100, maxDelayMs: 350, maxConsecutive: 4 },
      connectTimeoutMs: 60_000,
      closeTimeoutMs: 30_000,
    }).connect();
    const first = await server.waitForConnection();
    const log = new EventLog(session);
    clock.flush();
    await log.waitFor((e) => e.type === 'resumption-update', 'the first handle');
    const backoffs: number[] = [];
    const goAways = () => log.events.filter((e) => e.type === 'go-away').length;
    first.goAway('1s');
    for (let k = 1; k <= 4; k++) {
      await log.waitFor(() => goAways() >= k, `goAway ${k}`);
      // The wait before resumption k (if any) is on the clock now: take it, then let it pass.
      const waits = pending(clock).filter((d) => d < 1000);
      backoffs.push(...waits);
      if (waits.length > 0) advance(clock, Math.max(...waits));
      await log.waitFor((e) => e.type === 'connected' && e.resumed, `resumption ${k}`, log.events.length - 1);
    }
    const closed = (await log.waitFor((e) => e.type === 'closed', 'the end')) as Extract<
      LiveEvent,
      { type: 'closed' }
    >;
    expect(backoffs).toEqual([100, 200, 350]);
    expect(closed.by).toBe('server');
    expect(closed.reason).toMatch(/4 resumptions in a row.*reconnect\.maxConsecutive/);
    expect(server.connections).toHaveLength(5);
    await server.waitForNoOpenConnections();
  });

  it('unacked grows without bound when no handle comes: at most maxUnacknowledged messages are kept, drops counted', async () => {
    await using fx = await openSession({
      serverProfile: 'model',
      makeAi,
      tools: [ping],
      config: { sessionResumption: {} },
      maxUnacknowledged: 16,
    });
    for (let i = 0; i < 40; i++) await clientBarrier(fx.first, fx.log);
    expect(fx.session.metrics().replayDropped).toBe(40 - 16);
  });
});
