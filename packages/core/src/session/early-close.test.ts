import { describe, expect, it } from 'vitest';
import { createLinkedPair } from '../testing/linked-pair.js';
import { createVirtualClock } from '../testing/virtual-clock.js';
import { createLiveAgent } from './create-live-agent.js';
import type { LiveEvent } from './live-events.js';

/**
 * The first connection's messages are published one scheduler turn after connect() resolves (so
 * its caller has subscribed by then). A close arriving inside that turn must wait behind them:
 * otherwise a resumption handle that came before the close is not known yet when the session
 * decides whether it can resume.
 */
describe('a close that arrives before the first messages are published', () => {
  it('resumes with the handle that came before it, after publishing what came before it', async () => {
    const clock = createVirtualClock();
    const { client, server } = createLinkedPair();
    const agent = createLiveAgent({
      ai: client,
      model: 'gemini-live-test',
      scheduler: clock,
      config: { sessionResumption: {} },
    });
    const session = await agent.connect();
    const events: LiveEvent[] = [];
    session.events$.subscribe((e) => events.push(e));

    const first = server.connection;
    first.sendResumptionUpdate('h1');
    void first.close(1000, 'bye');
    await clock.advanceBy(0);
    await clock.advanceBy(0);

    expect(server.connections).toHaveLength(2);
    expect(server.connection.resumptionHandle).toBe('h1');
    expect(events.map((e) => e.type)).toEqual([
      'connected',
      'resumption-update',
      'reconnecting',
      'connected',
    ]);
    expect(events.some((e) => e.type === 'handed-over')).toBe(false);
    await session.close();
  });

  it('still ends the session after the early messages when no handle can resume it', async () => {
    const clock = createVirtualClock();
    const { client, server } = createLinkedPair();
    const agent = createLiveAgent({ ai: client, model: 'gemini-live-test', scheduler: clock });
    const session = await agent.connect();
    const events: LiveEvent[] = [];
    session.events$.subscribe((e) => events.push(e));

    server.connection.serverContent({ modelTurn: { parts: [{ text: 'hello' }] } });
    void server.connection.close(1011, 'Internal error encountered.');
    await clock.advanceBy(0);

    const types = events.map((e) => e.type);
    expect(types[0]).toBe('connected');
    expect(types).toContain('model-text');
    expect(types.at(-1)).toBe('closed');
    expect(types.indexOf('model-text')).toBeLessThan(types.indexOf('closed'));
    expect(events.at(-1)).toMatchObject({ type: 'closed', by: 'connection-lost', code: 1011 });
  });
});
