import { describe, expect, it } from 'vitest';
import {
  describeValue,
  idleTransition,
  readInteractionStatus,
  readInterimTranscription,
  readTurnComplete,
  readVoiceActivity,
} from './server-signals.js';

/** Collects what the readers ignore. */
function ignored() {
  const seen: string[] = [];
  return { seen, ignore: (field: string, got: string) => seen.push(`${field}: ${got}`) };
}

describe('server signal readers', () => {
  it('reads interactionStatus: REQUIRES_ACTION is IDLE, unknown strings pass through, other types are ignored', () => {
    const { seen, ignore } = ignored();
    expect(readInteractionStatus('IDLE', ignore)).toEqual({ status: 'IDLE', idle: true, inProgress: false });
    expect(readInteractionStatus('REQUIRES_ACTION', ignore)).toEqual({
      status: 'REQUIRES_ACTION',
      idle: true,
      inProgress: false,
    });
    expect(readInteractionStatus('IN_PROGRESS', ignore)).toEqual({
      status: 'IN_PROGRESS',
      idle: false,
      inProgress: true,
    });
    expect(readInteractionStatus('NEXT_YEAR', ignore)).toEqual({
      status: 'NEXT_YEAR',
      idle: false,
      inProgress: false,
    });
    expect(readInteractionStatus(undefined, ignore)).toBeUndefined();
    expect(seen).toEqual([]);
    for (const bad of [1, null, {}, ['IDLE'], true])
      expect(readInteractionStatus(bad, ignore)).toBeUndefined();
    expect(seen).toEqual([
      'serverContent.interactionStatus: a value of type number',
      'serverContent.interactionStatus: null',
      'serverContent.interactionStatus: a value of type object',
      'serverContent.interactionStatus: an array',
      'serverContent.interactionStatus: a value of type boolean',
    ]);
  });

  it('reads turnCompleteReason and waitingForInput, each on its own', () => {
    const { seen, ignore } = ignored();
    expect(
      readTurnComplete({ turnCompleteReason: 'NEED_MORE_INPUT', waitingForInput: false }, ignore),
    ).toEqual({
      reason: 'NEED_MORE_INPUT',
      waitingForInput: false,
    });
    expect(readTurnComplete({ turnCompleteReason: 3, waitingForInput: true }, ignore)).toEqual({
      waitingForInput: true,
    });
    expect(readTurnComplete({}, ignore)).toEqual({});
    expect(seen).toEqual(['serverContent.turnCompleteReason: a value of type number']);
  });

  it('reads interim transcriptions; empty text publishes nothing and says nothing', () => {
    const { seen, ignore } = ignored();
    expect(readInterimTranscription({ text: 'hel' }, ignore)).toBe('hel');
    expect(readInterimTranscription({ text: '' }, ignore)).toBeUndefined();
    expect(readInterimTranscription({}, ignore)).toBeUndefined();
    expect(seen).toEqual([]);
    expect(readInterimTranscription('hel', ignore)).toBeUndefined();
    expect(seen).toEqual(['serverContent.interimInputTranscription: the string "hel"']);
  });

  it('reads voice activity; an unknown type is ignored, a bad offset is dropped alone', () => {
    const { seen, ignore } = ignored();
    expect(readVoiceActivity({ voiceActivityType: 'ACTIVITY_END', audioOffset: '2s' }, ignore)).toEqual({
      activity: 'end',
      audioOffset: '2s',
    });
    expect(readVoiceActivity({ voiceActivityType: 'ACTIVITY_START', audioOffset: 2 }, ignore)).toEqual({
      activity: 'start',
    });
    expect(readVoiceActivity({ voiceActivityType: 'TYPE_UNSPECIFIED' }, ignore)).toBeUndefined();
    expect(readVoiceActivity({}, ignore)).toBeUndefined();
    expect(seen).toEqual([
      'voiceActivity.audioOffset: a value of type number',
      'voiceActivity.voiceActivityType: the string "TYPE_UNSPECIFIED"',
      'voiceActivity.voiceActivityType: a value of type undefined',
    ]);
  });

  it('describes a long string by its start only', () => {
    expect(describeValue('x'.repeat(10_000))).toBe(`the string "${'x'.repeat(40)}"`);
  });
});

describe('idleTransition', () => {
  const status = (s: string) => readInteractionStatus(s, () => {});
  it.each([
    // signal, turnComplete, status, expected
    ['turnComplete', true, undefined, 'idle'],
    ['turnComplete', true, 'IN_PROGRESS', 'idle'],
    ['turnComplete', false, 'IDLE', 'unchanged'],
    ['turnComplete', false, undefined, 'unchanged'],
    ['interactionStatus', true, 'IN_PROGRESS', 'busy'],
    ['interactionStatus', false, 'IN_PROGRESS', 'busy'],
    ['interactionStatus', true, 'IDLE', 'idle'],
    ['interactionStatus', false, 'REQUIRES_ACTION', 'idle'],
    ['interactionStatus', true, undefined, 'no-status'],
    ['interactionStatus', false, undefined, 'unchanged'],
    ['interactionStatus', true, 'INTERACTION_STATUS_UNSPECIFIED', 'unchanged'],
    ['interactionStatus', true, 'SOMETHING_NEW', 'unchanged'],
  ] as const)('%s, turnComplete %s, status %s: %s', (signal, turnComplete, s, expected) => {
    expect(idleTransition(signal, turnComplete, s === undefined ? undefined : status(s))).toBe(expected);
  });
});
