/**
 * The server's turn and activity signals (`interactionStatus`, `turnCompleteReason`,
 * `waitingForInput`, `voiceActivity`, `interimInputTranscription`) published as typed events, with
 * both SDK majors against the fake Live server; hostile values never throw.
 */
import { describe, expect, it } from 'vitest';
import { openModelSession, recordingLogger } from '../reliability/test-support/profiled-session.js';
import { wireBarrier } from '../reliability/test-support/session-fixture.js';
import { sdks } from '../reliability/test-support/session-sdks.js';
import type { LiveEvent } from './live-events.js';

/** Its profile's idle signal is `interactionStatus`. */
const EXTENDED_THINKING = 'gemini-3.8-live-extended-thinking';

/** The events after `since`, without `time` and without the tool events of the barriers. */
function published(events: readonly LiveEvent[], since: number): Record<string, unknown>[] {
  return events
    .slice(since)
    .filter((e) => !e.type.startsWith('tool-'))
    .map(({ time: _time, ...rest }) => rest);
}

describe.each(sdks)('server signal events (%s)', (_name, makeAi) => {
  it('publishes interaction-status, turn-complete with its reason and waitingForInput, voice-activity and interim-input-transcription', async () => {
    await using fx = await openModelSession(makeAi, EXTENDED_THINKING);
    await wireBarrier(fx.conn);
    const since = fx.log.mark;
    fx.conn.sendRaw({ voiceActivity: { voiceActivityType: 'ACTIVITY_START', audioOffset: '1.250s' } });
    fx.conn.sendRaw({ serverContent: { interimInputTranscription: { text: 'what is the pri' } } });
    fx.conn.sendRaw({ voiceActivity: { voiceActivityType: 'ACTIVITY_END' } });
    fx.conn.sendRaw({ serverContent: { interactionStatus: 'IN_PROGRESS' } });
    fx.conn.sendRaw({
      serverContent: {
        turnComplete: true,
        turnCompleteReason: 'NEED_MORE_INPUT',
        waitingForInput: true,
        interactionStatus: 'IDLE',
      },
    });
    fx.conn.sendRaw({ serverContent: { turnComplete: true, interactionStatus: 'REQUIRES_ACTION' } });
    await wireBarrier(fx.conn);
    expect(published(fx.log.events, since)).toEqual([
      { type: 'voice-activity', activity: 'start', audioOffset: '1.250s' },
      { type: 'interim-input-transcription', text: 'what is the pri' },
      { type: 'voice-activity', activity: 'end' },
      { type: 'interaction-status', status: 'IN_PROGRESS', idle: false },
      { type: 'turn-complete', reason: 'NEED_MORE_INPUT', waitingForInput: true },
      { type: 'interaction-status', status: 'IDLE', idle: true },
      { type: 'turn-complete' },
      { type: 'interaction-status', status: 'REQUIRES_ACTION', idle: true },
    ]);
  });

  it('passes unknown enum strings through, and ignores values of the wrong type with a debug log, never throwing', async () => {
    const { logger, lines } = recordingLogger();
    await using fx = await openModelSession(makeAi, EXTENDED_THINKING, { logger });
    await wireBarrier(fx.conn);
    const since = fx.log.mark;
    const hostile: object[] = [
      // Unknown enum strings: passed through as sent.
      { serverContent: { interactionStatus: 'PAUSED_FOR_LUNCH' } },
      { serverContent: { turnComplete: true, turnCompleteReason: 'SOME_NEW_REASON' } },
      // Wrong types: ignored (the rest of the message still counts).
      { serverContent: { interactionStatus: 7 } },
      { serverContent: { interactionStatus: { value: 'IDLE' } } },
      { serverContent: { interactionStatus: null } },
      { serverContent: { turnComplete: true, turnCompleteReason: 42, waitingForInput: 'yes' } },
      { serverContent: { turnComplete: true, turnCompleteReason: { r: 1 }, waitingForInput: {} } },
      { serverContent: { interimInputTranscription: 'not an object' } },
      { serverContent: { interimInputTranscription: { text: 12 } } },
      { serverContent: { interimInputTranscription: null } },
      { serverContent: { interimInputTranscription: { text: '' } } },
      { voiceActivity: 5 },
      { voiceActivity: null },
      { voiceActivity: 'ACTIVITY_START' },
      { voiceActivity: [] },
      { voiceActivity: { voiceActivityType: 'TYPE_UNSPECIFIED' } },
      { voiceActivity: { voiceActivityType: 'ACTIVITY_SIDEWAYS' } },
      { voiceActivity: { voiceActivityType: 3 } },
      { voiceActivity: { voiceActivityType: 'ACTIVITY_START', audioOffset: { seconds: 1 } } },
      { serverContent: 'not an object' },
      { serverContent: 17 },
    ];
    for (const message of hostile) fx.conn.sendRaw(message);
    await wireBarrier(fx.conn);
    expect(fx.session.isOpen).toBe(true);
    expect(fx.log.events.slice(since).filter((e) => e.type === 'error')).toEqual([]);
    expect(published(fx.log.events, since)).toEqual([
      { type: 'interaction-status', status: 'PAUSED_FOR_LUNCH', idle: false },
      { type: 'turn-complete', reason: 'SOME_NEW_REASON' },
      { type: 'turn-complete' },
      { type: 'turn-complete' },
      { type: 'voice-activity', activity: 'start' },
    ]);
    const ignored = lines.filter((l) => l.level === 'debug' && l.message.startsWith('ignored'));
    // Every wrong-typed or unknown value above is logged once, naming its field.
    const fields = ignored.map((l) => l.data?.field);
    expect(fields).toEqual([
      'serverContent.interactionStatus',
      'serverContent.interactionStatus',
      'serverContent.interactionStatus',
      'serverContent.turnCompleteReason',
      'serverContent.waitingForInput',
      'serverContent.turnCompleteReason',
      'serverContent.waitingForInput',
      'serverContent.interimInputTranscription',
      'serverContent.interimInputTranscription.text',
      'serverContent.interimInputTranscription',
      'voiceActivity',
      'voiceActivity',
      'voiceActivity',
      'voiceActivity',
      'voiceActivity.voiceActivityType',
      'voiceActivity.voiceActivityType',
      'voiceActivity.voiceActivityType',
      'voiceActivity.audioOffset',
      'serverContent',
      'serverContent',
    ]);
  });

  it('publishes the new events on a turnComplete profile too (only the idle rule differs)', async () => {
    await using fx = await openModelSession(makeAi, 'gemini-3.8-live');
    await wireBarrier(fx.conn);
    const since = fx.log.mark;
    fx.conn.sendRaw({ serverContent: { turnComplete: true, interactionStatus: 'IN_PROGRESS' } });
    await wireBarrier(fx.conn);
    expect(published(fx.log.events, since)).toEqual([
      { type: 'turn-complete' },
      { type: 'interaction-status', status: 'IN_PROGRESS', idle: false },
    ]);
  });
});
