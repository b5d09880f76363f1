/**
 * One server message with several keys, one of them malformed: the session reports the bad key
 * and still applies every other one (both SDK majors against the fake Live server).
 */
import { describe, expect, it } from 'vitest';
import { pushTool } from '../../test/support/push-tool.js';
import { EventLog } from '../../test/support/session-fixture.js';
import { sdks } from '../../test/support/session-sdks.js';
import { createFakeLiveServer } from '../testing/index.js';
import { createLiveAgent } from './create-live-agent.js';

describe.each(sdks)('a server message with a malformed key (%s)', (_name, makeAi) => {
  it.each([
    ['functionCalls that is an object', { toolCall: { functionCalls: { length: 1 } } }],
    ['cancellation ids that are an object', { toolCallCancellation: { ids: { length: 2 } } }],
    ['a model turn with a null part', { serverContent: { modelTurn: { parts: [null] } } }],
  ])(
    '%s costs only that key: the resumption update, usage and goAway beside it are applied',
    async (_what, bad) => {
      await using server = await createFakeLiveServer();
      const watch = pushTool('watch');
      const session = await createLiveAgent({
        ai: makeAi(server.url),
        model: 'gemini-live-test',
        tools: [watch.tool],
        config: { sessionResumption: {} },
        reconnect: { initialDelayMs: 1 },
      }).connect();
      await using _session = session;
      const first = await server.waitForConnection();
      const log = new EventLog(session);
      await log.waitFor((e) => e.type === 'connected', 'connected');
      const next = server.waitForConnection();
      first.sendRaw({
        ...bad,
        sessionResumptionUpdate: { newHandle: 'h-1', resumable: true },
        usageMetadata: { totalTokenCount: 7 },
        goAway: { timeLeft: '5s' },
      });
      await log.waitFor((e) => e.type === 'connected' && e.resumed, 'the resumed connection');
      expect((await next).resumptionHandle).toBe('h-1');
      const errors = log.events.filter((e) => e.type === 'error');
      expect(errors).toHaveLength(1);
      expect((errors[0] as { error: Error }).error.message).toMatch(/malformed server message/);
      expect(log.events.filter((e) => e.type === 'usage')).toMatchObject([{ usage: { totalTokenCount: 7 } }]);
      expect(log.events.filter((e) => e.type === 'go-away')).toMatchObject([
        { timeLeft: '5s', willResume: true },
      ]);
    },
  );
});
