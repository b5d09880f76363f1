/**
 * The server's turn and activity signals (`interactionStatus`, `turnCompleteReason`,
 * `waitingForInput`, `voiceActivity`, `interimInputTranscription`) published as typed events: session
 * logic, on the in-memory linked pair in virtual time. What hostile values survive the real SDKs is
 * in server-signal-events.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createLinkedPair } from '../testing/linked-pair.js';
import { createVirtualClock } from '../testing/virtual-clock.js';
import { createLiveAgent } from './create-live-agent.js';
import type { LiveEvent } from './live-events.js';

/** Its profile's idle signal is `interactionStatus`. */
const EXTENDED_THINKING = 'gemini-3.8-live-extended-thinking';

/** A session of `model` on a linked pair, past its `connected` event; events without `time`. */
async function linkedSession(model: string) {
  const clock = createVirtualClock();
  const { client, server } = createLinkedPair();
  const session = await createLiveAgent({
    ai: client,
    model,
    delivery: 'client-content',
    scheduler: clock,
  }).connect();
  const events: Record<string, unknown>[] = [];
  session.events$.subscribe(({ time: _time, ...rest }: LiveEvent) => events.push(rest));
  await clock.advanceBy(0);
  return { conn: server.connection, session, events: () => events.filter((e) => e.type !== 'connected') };
}

describe('server signal events', () => {
  it('publishes interaction-status, turn-complete with its reason and waitingForInput, voice-activity and interim-input-transcription', async () => {
    const { conn, session, events } = await linkedSession(EXTENDED_THINKING);
    conn.send({ voiceActivity: { voiceActivityType: 'ACTIVITY_START', audioOffset: '1.250s' } });
    conn.serverContent({ interimInputTranscription: { text: 'what is the pri' } });
    conn.send({ voiceActivity: { voiceActivityType: 'ACTIVITY_END' } });
    conn.serverContent({ interactionStatus: 'IN_PROGRESS' });
    conn.serverContent({
      turnComplete: true,
      turnCompleteReason: 'NEED_MORE_INPUT',
      waitingForInput: true,
      interactionStatus: 'IDLE',
    });
    conn.serverContent({ turnComplete: true, interactionStatus: 'REQUIRES_ACTION' });
    expect(events()).toEqual([
      { type: 'voice-activity', activity: 'start', audioOffset: '1.250s' },
      { type: 'interim-input-transcription', text: 'what is the pri' },
      { type: 'voice-activity', activity: 'end' },
      { type: 'interaction-status', status: 'IN_PROGRESS', idle: false },
      { type: 'turn-complete', reason: 'NEED_MORE_INPUT', waitingForInput: true },
      { type: 'interaction-status', status: 'IDLE', idle: true },
      { type: 'turn-complete' },
      { type: 'interaction-status', status: 'REQUIRES_ACTION', idle: true },
    ]);
    await session.close();
  });

  it('publishes the new events on a turnComplete profile too (only the idle rule differs)', async () => {
    const { conn, session, events } = await linkedSession('gemini-3.8-live');
    conn.serverContent({ turnComplete: true, interactionStatus: 'IN_PROGRESS' });
    expect(events()).toEqual([
      { type: 'turn-complete' },
      { type: 'interaction-status', status: 'IN_PROGRESS', idle: false },
    ]);
    await session.close();
  });
});
