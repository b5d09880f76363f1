/**
 * The server's turn and activity signals (`interactionStatus`, `turnCompleteReason`,
 * `waitingForInput`, `voiceActivity`, `interimInputTranscription`) with hostile values, through both
 * SDK majors against the fake Live server: what survives the SDKs is ignored or passed through,
 * never thrown. How the session maps the signals to events is in server-signal-events.test.ts, on
 * the in-memory linked pair.
 */
import { describe, expect, it } from 'vitest';
import { openModelSession, recordingLogger } from '../../test/support/profiled-session.js';
import { wireBarrier } from '../../test/support/session-fixture.js';
import { sdks } from '../../test/support/session-sdks.js';
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
});
