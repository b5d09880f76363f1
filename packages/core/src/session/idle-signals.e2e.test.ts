/**
 * The idle signal per model profile, with both SDK majors against the fake Live server: on a
 * profile whose idle signal is `interactionStatus` (extended thinking), a `WHEN_IDLE` result in
 * `client-content` delivery waits through `turnComplete` and goes on `interactionStatus: IDLE`; on
 * a `turnComplete` profile nothing changed.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openModelSession, recordingLogger } from '../../test/support/profiled-session.js';
import { pushTool } from '../../test/support/push-tool.js';
import { ping, wireBarrier } from '../../test/support/session-fixture.js';
import { sdks } from '../../test/support/session-sdks.js';
import type { FakeLiveConnection } from '../testing/index.js';
import { defineTool } from '../tool/define-tool.js';

/** Its profile's idle signal is `interactionStatus`. */
const EXTENDED_THINKING = 'gemini-3.8-live-extended-thinking';

/** The text turns the client sent on `conn` (client-content results), as one string each. */
function turnsSent(conn: FakeLiveConnection): string[] {
  return conn.clientContents.map((c) => JSON.stringify(c.turns ?? []));
}

describe.each(sdks)('idle signal per profile (%s)', (_name, makeAi) => {
  /** Opens a session with `watch`, answers its first result, and has a second (WHEN_IDLE) wait while the model speaks. */
  async function resultWaitingForIdle(model: string) {
    const watch = pushTool('watch');
    const { logger, lines } = recordingLogger();
    const fx = Object.assign(await openModelSession(makeAi, model, { tools: [watch.tool, ping], logger }), {
      lines,
    });
    expect(fx.agent.delivery).toBe('client-content');
    const id = fx.conn.callTool('watch', { label: 'x' });
    await wireBarrier(fx.conn);
    watch.push(id, 'first'); // the function response: answers the call at once
    await fx.conn.waitForToolResponse(id);
    fx.conn.sendModelText('Let me think about that.'); // no turnComplete: the model is busy
    await fx.log.waitFor((e) => e.type === 'model-text', 'model text');
    watch.push(id, 'second'); // WHEN_IDLE: waits for the model to be idle
    await wireBarrier(fx.conn);
    expect(turnsSent(fx.conn)).toEqual([]);
    return fx;
  }

  it('with idleSignal interactionStatus, a WHEN_IDLE client-content result waits through turnComplete (IN_PROGRESS) and goes on interactionStatus IDLE', async () => {
    await using fx = await resultWaitingForIdle(EXTENDED_THINKING);
    fx.conn.sendRaw({ serverContent: { turnComplete: true, interactionStatus: 'IN_PROGRESS' } });
    await wireBarrier(fx.conn);
    expect(turnsSent(fx.conn)).toEqual([]); // one spoken part ended; the task goes on
    // A turnComplete without interactionStatus: still not idle, and said once in a warning.
    fx.conn.sendModelText('Still working on it.', { turnComplete: true });
    fx.conn.turnComplete();
    await wireBarrier(fx.conn);
    expect(turnsSent(fx.conn)).toEqual([]);
    const warnings = fx.lines.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /turnComplete came without interactionStatus.*modelProfile: \{ idleSignal: 'turnComplete' \}/,
    );

    fx.conn.sendRaw({ serverContent: { turnComplete: true, interactionStatus: 'IDLE' } });
    const frame = await fx.conn.waitForFrame((f) => f.clientContent !== undefined);
    expect(JSON.stringify(frame)).toContain('second');
    expect(fx.log.events.filter((e) => e.type === 'error')).toEqual([]);
  });

  it('with idleSignal interactionStatus, the deprecated REQUIRES_ACTION counts as IDLE', async () => {
    await using fx = await resultWaitingForIdle(EXTENDED_THINKING);
    fx.conn.sendRaw({ serverContent: { interactionStatus: 'REQUIRES_ACTION' } });
    const frame = await fx.conn.waitForFrame((f) => f.clientContent !== undefined);
    expect(JSON.stringify(frame)).toContain('second');
  });

  it('with idleSignal interactionStatus, background reasoning (IN_PROGRESS with no speech) holds a WHEN_IDLE result until IDLE', async () => {
    const watch = pushTool('watch');
    await using fx = await openModelSession(makeAi, EXTENDED_THINKING, { tools: [watch.tool, ping] });
    const id = fx.conn.callTool('watch', { label: 'x' });
    await wireBarrier(fx.conn);
    watch.push(id, 'first');
    await fx.conn.waitForToolResponse(id);
    fx.conn.sendRaw({ serverContent: { interactionStatus: 'IN_PROGRESS' } });
    await wireBarrier(fx.conn);
    watch.push(id, 'second');
    await wireBarrier(fx.conn);
    expect(turnsSent(fx.conn)).toEqual([]);
    fx.conn.sendRaw({ serverContent: { interactionStatus: 'IDLE' } });
    const frame = await fx.conn.waitForFrame((f) => f.clientContent !== undefined);
    expect(JSON.stringify(frame)).toContain('second');
  });

  it('with idleSignal interactionStatus, an unknown or hostile status changes nothing: the result still waits for IDLE', async () => {
    await using fx = await resultWaitingForIdle(EXTENDED_THINKING);
    for (const status of [
      'SOMETHING_NEW',
      'INTERACTION_STATUS_UNSPECIFIED',
      7,
      { state: 'IDLE' },
      null,
      ['IDLE'],
    ]) {
      fx.conn.sendRaw({ serverContent: { turnComplete: true, interactionStatus: status } });
    }
    await wireBarrier(fx.conn);
    expect(turnsSent(fx.conn)).toEqual([]);
    expect(fx.session.isOpen).toBe(true);
    fx.conn.sendRaw({ serverContent: { interactionStatus: 'IDLE' } });
    const frame = await fx.conn.waitForFrame((f) => f.clientContent !== undefined);
    expect(JSON.stringify(frame)).toContain('second');
    expect(fx.log.events.filter((e) => e.type === 'error')).toEqual([]);
  });

  it('with idleSignal interactionStatus, an interruption still flushes the results waiting for idle', async () => {
    await using fx = await resultWaitingForIdle(EXTENDED_THINKING);
    fx.conn.interrupt();
    const frame = await fx.conn.waitForFrame((f) => f.clientContent !== undefined);
    expect(JSON.stringify(frame)).toContain('second');
  });

  it.each([
    'gemini-3.8-live',
    'gemini-2.5-flash-native-audio-preview-12-2025',
    'a-model-livetools-does-not-know',
  ])(
    'with a turnComplete profile (%s), turnComplete flushes the waiting result as before, whatever interactionStatus says',
    async (model) => {
      await using fx = await resultWaitingForIdle(model);
      fx.conn.sendRaw({ serverContent: { turnComplete: true, interactionStatus: 'IN_PROGRESS' } });
      const frame = await fx.conn.waitForFrame((f) => f.clientContent !== undefined);
      expect(JSON.stringify(frame)).toContain('second');
    },
  );

  it('on a fake server playing extended thinking, a WHEN_IDLE result waits while a background call runs (turnComplete IN_PROGRESS) and goes once the server says IDLE', async () => {
    const watch = pushTool('watch');
    let answerLookup: (value: string) => void = () => {};
    const lookup = defineTool({
      name: 'lookup',
      description: 'A slow lookup the test answers.',
      parameters: z.object({}),
      execute: () => new Promise<string>((resolve) => (answerLookup = resolve)),
    });
    await using fx = await openModelSession(makeAi, EXTENDED_THINKING, {
      tools: [watch.tool, lookup, ping],
      server: { profile: 'auto' },
    });
    const id = fx.conn.callTool('watch', { label: 'x' });
    await wireBarrier(fx.conn);
    watch.push(id, 'first');
    await fx.conn.waitForToolResponse(id);
    const slow = fx.conn.callTool('lookup'); // runs in the background
    await fx.log.waitFor((e) => e.type === 'tool-start' && e.callId === slow, 'the lookup starts');
    fx.conn.sendModelText('One moment while I look that up.');
    await fx.log.waitFor((e) => e.type === 'model-text', 'model text');
    watch.push(id, 'second'); // WHEN_IDLE
    fx.conn.turnComplete(); // the profile sends interactionStatus IN_PROGRESS: the lookup still runs
    await wireBarrier(fx.conn);
    expect(
      fx.conn.sentFrames.filter((f) => f.serverContent?.turnComplete).at(-1)?.serverContent
        ?.interactionStatus,
    ).toBe('IN_PROGRESS');
    expect(turnsSent(fx.conn)).toEqual([]);

    // Once the lookup is answered the model's task is done: the fake says IDLE on its own (the
    // turn before ended IN_PROGRESS), and the waiting result goes.
    answerLookup('found it');
    await fx.conn.waitForToolResponse(slow);
    const frame = await fx.conn.waitForFrame((f) => f.clientContent !== undefined);
    expect(JSON.stringify(frame)).toContain('second');
    expect(
      fx.log.events
        .filter((e) => e.type === 'interaction-status')
        .map((e) => e.type === 'interaction-status' && e.status),
    ).toEqual(['IN_PROGRESS', 'IDLE']);
  });

  it("with extended thinking and modelProfile { idleSignal: 'turnComplete' }, a bare turnComplete sends the waiting result", async () => {
    const watch = pushTool('watch');
    await using fx = await openModelSession(makeAi, EXTENDED_THINKING, {
      tools: [watch.tool, ping],
      modelProfile: { idleSignal: 'turnComplete' },
    });
    const id = fx.conn.callTool('watch', { label: 'x' });
    await wireBarrier(fx.conn);
    watch.push(id, 'first');
    await fx.conn.waitForToolResponse(id);
    fx.conn.sendModelText('Speaking.');
    await fx.log.waitFor((e) => e.type === 'model-text', 'model text');
    watch.push(id, 'second');
    await wireBarrier(fx.conn);
    expect(turnsSent(fx.conn)).toEqual([]);
    fx.conn.turnComplete();
    const frame = await fx.conn.waitForFrame((f) => f.clientContent !== undefined);
    expect(JSON.stringify(frame)).toContain('second');
  });
});
