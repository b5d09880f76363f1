/**
 * The server's turn and activity signals (`interactionStatus`, `turnCompleteReason`,
 * `waitingForInput`, `voiceActivity`, `interimInputTranscription`) published as typed events: session
 * logic, on the in-memory linked pair in virtual time. What hostile values survive the real SDKs is
 * in server-signal-events.e2e.test.ts.
 */
import { asyncScheduler } from 'rxjs';
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

  it('leaves out model output and transcriptions whose values are not strings, and keeps the rest of the message', async () => {
    const { conn, session, events } = await linkedSession('gemini-3.8-live');
    // A hostile server's values, of the wrong types: typed as the wire does not promise.
    const hostile = {
      modelTurn: {
        parts: [
          { text: { nested: 'object' } },
          { inlineData: { data: 42, mimeType: 'audio/pcm;rate=24000' } },
          { text: 'kept' },
          { inlineData: { data: 'AAAA', mimeType: { not: 'a string' } } },
        ],
      },
      inputTranscription: { text: ['not', 'a', 'string'] },
      outputTranscription: { text: 7 },
      turnComplete: true,
    };
    conn.serverContent(hostile as unknown as Parameters<typeof conn.serverContent>[0]);
    conn.serverContent({ inputTranscription: { text: 'heard' }, outputTranscription: { text: 'said' } });
    expect(events()).toEqual([
      { type: 'model-text', text: 'kept' },
      { type: 'model-audio', data: 'AAAA', mimeType: 'audio/pcm;rate=24000' },
      { type: 'turn-complete' },
      { type: 'input-transcription', text: 'heard' },
      { type: 'output-transcription', text: 'said' },
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

describe('the time of a server message', () => {
  it('stamps every event of one message alike; a message delivered from a listener of another has its own, and the first keeps its own', async () => {
    // A clock moved by hand, inside a listener (a virtual clock only moves between awaits).
    let now = 1000;
    const scheduler = { now: () => now, schedule: asyncScheduler.schedule.bind(asyncScheduler) };
    const { client, server } = createLinkedPair();
    const session = await createLiveAgent({ ai: client, model: 'gemini-3.8-live', scheduler }).connect();
    await using _session = session;
    const conn = server.connection;
    const seen: string[] = [];
    let connected!: () => void;
    const ready = new Promise<void>((resolve) => {
      connected = resolve;
    });
    session.events$.subscribe((e: LiveEvent) => {
      if (e.type === 'connected') connected();
      if (e.type === 'model-text' || e.type === 'usage') {
        const label = e.type === 'usage' ? `usage ${JSON.stringify(e.usage)}` : `text ${e.text}`;
        seen.push(`${label} @${e.time}`);
      }
      if (e.type === 'model-text' && e.text === 'first') {
        now = 2000;
        // the linked pair hands a message to the session before send() returns
        conn.send({
          serverContent: { modelTurn: { parts: [{ text: 'second' }] } },
          usageMetadata: { totalTokenCount: 2 },
        });
        now = 3000;
      }
    });
    // the first connection's early messages are handed over on the scheduler, then it is connected
    await ready;
    conn.send({
      serverContent: { modelTurn: { parts: [{ text: 'first' }] } },
      usageMetadata: { totalTokenCount: 1 },
    });
    expect(seen).toEqual([
      'text first @1000',
      'text second @2000',
      'usage {"totalTokenCount":2} @2000',
      'usage {"totalTokenCount":1} @1000',
    ]);
  });
});
