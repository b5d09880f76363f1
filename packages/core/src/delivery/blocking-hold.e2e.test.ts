/**
 * Text results while a BLOCKING call runs, in a real session against the fake Live server playing
 * `gemini-3.8-live`, whose server cancels a running BLOCKING call when new input arrives: a
 * streaming tool's results sent as text (`client-content` turns, `realtime-text`) are new input,
 * whatever their scheduling (`INTERRUPT` included), so they wait until the one-shot call is
 * answered, then go in order. Over both SDK majors, on the Gemini API and on Vertex AI.
 */
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../test/support/profiled-session.js';
import { pushTool } from '../../test/support/push-tool.js';
import { EventLog, slowLookup, vertexAi } from '../../test/support/session-fixture.js';
import { sdks } from '../../test/support/session-sdks.js';
import { createLiveAgent } from '../session/create-live-agent.js';
import { createFakeLiveServer, type FakeLiveConnection, type LiveClientFrame } from '../testing/index.js';
import { withScheduling } from '../tool/scheduling.js';
import type { DeliveryMode } from './delivery.js';

/** The tagged result texts of call `id` in `frames`, in order (client content or realtime text). */
const resultTexts = (frames: readonly LiveClientFrame[], id: string): string[] =>
  frames.flatMap((f) => {
    const texts = [
      ...(f.clientContent?.turns ?? []).flatMap((t) => (t.parts ?? []).map((p) => p.text ?? '')),
      ...(f.realtimeInput?.text === undefined ? [] : [f.realtimeInput.text]),
    ];
    return texts.filter((text) => text.includes(`call_id=${id}`));
  });

/** The index of the first frame carrying the function response of call `id`. */
const answerAt = (conn: FakeLiveConnection, id: string): number =>
  conn.frames.findIndex((f) => (f.toolResponse?.functionResponses ?? []).some((r) => r.id === id));

const ROWS: [string, DeliveryMode | undefined, 'gemini' | 'vertex'][] = [
  ['client-content on Vertex AI (the default there)', undefined, 'vertex'],
  ['client-content on the Gemini API', 'client-content', 'gemini'],
  ['realtime-text on the Gemini API', 'realtime-text', 'gemini'],
];

describe.each(sdks)('gemini-3.8-live: text results while a BLOCKING call runs (%s)', (_sdk, makeAi) => {
  it.each(ROWS)(
    '%s: they wait for its answer, then go in order; it is never cancelled',
    async (_row, delivery, platform) => {
      const server = await createFakeLiveServer({ profile: 'auto' });
      const lookup = slowLookup();
      const watch = pushTool('watch');
      const agent = createLiveAgent({
        ai: platform === 'vertex' ? vertexAi(server.url) : makeAi(server.url),
        model: 'gemini-3.8-live',
        tools: [watch.tool, lookup.tool],
        logger: recordingLogger().logger,
        ...(delivery === undefined ? {} : { delivery }),
      });
      const connected = server.waitForConnection();
      const session = await agent.connect();
      const conn = await connected;
      const log = new EventLog(session);
      try {
        expect(agent.delivery).toBe(delivery ?? 'client-content');
        const id = conn.callTool('watch', { label: 'x' });
        await log.waitFor((e) => e.type === 'tool-start' && e.callId === id, 'watch starts');
        watch.push(id, 'first'); // the function response
        await conn.waitForToolResponse(id);
        const slow = conn.callTool('lookup');
        await log.waitFor((e) => e.type === 'tool-start' && e.callId === slow, 'the lookup starts');
        watch.push(id, withScheduling('alert', 'INTERRUPT'));
        watch.push(id, 'update'); // WHEN_IDLE
        watch.push(id, withScheduling('note', 'SILENT'));
        watch.complete(id);
        await log.ended(id);
        lookup.answer('found');
        expect((await conn.waitForToolResponse(slow)).output).toBe('found');
        await conn.waitForFrame((f) => resultTexts([f], id).some((text) => text.includes('final')));
        const texts = resultTexts(conn.frames, id);
        expect(texts.map((text) => /"(alert|update|note)"|final/.exec(text)?.[0])).toEqual([
          '"alert"',
          '"update"',
          '"note"',
          'final',
        ]);
        // Every text came after the lookup's answer (the server receives frames in the order written).
        const firstText = conn.frames.findIndex((f) => resultTexts([f], id).length > 0);
        expect(firstText).toBeGreaterThan(answerAt(conn, slow));
        expect(conn.sentFrames.filter((f) => f.toolCallCancellation !== undefined)).toEqual([]);
        expect(conn.profileViolations).toEqual([]);
      } finally {
        await session.close();
        await server.close();
      }
    },
  );

  it("the user's own text is not held: it cancels the BLOCKING call, and the held results go then", async () => {
    const server = await createFakeLiveServer({ profile: 'auto' });
    const lookup = slowLookup();
    const watch = pushTool('watch');
    const agent = createLiveAgent({
      ai: makeAi(server.url),
      model: 'gemini-3.8-live',
      tools: [watch.tool, lookup.tool],
      logger: recordingLogger().logger,
      delivery: 'client-content',
    });
    const connected = server.waitForConnection();
    const session = await agent.connect();
    const conn = await connected;
    const log = new EventLog(session);
    try {
      const id = conn.callTool('watch', { label: 'x' });
      await log.waitFor((e) => e.type === 'tool-start' && e.callId === id, 'watch starts');
      watch.push(id, 'first');
      await conn.waitForToolResponse(id);
      const slow = conn.callTool('lookup');
      await log.waitFor((e) => e.type === 'tool-start' && e.callId === slow, 'the lookup starts');
      watch.push(id, withScheduling('alert', 'INTERRUPT'));
      session.sendText('Never mind the lookup.');
      await log.ended(slow);
      await conn.waitForFrame((f) => resultTexts([f], id).length > 0);
      expect(conn.sentFrames.filter((f) => f.toolCallCancellation !== undefined)).toEqual([
        { toolCallCancellation: { ids: [slow] } },
      ]);
      expect(resultTexts(conn.frames, id)).toHaveLength(1);
      lookup.answer('too late');
      expect(conn.toolResponses(slow)).toEqual([]);
      expect(conn.profileViolations).toEqual([]);
    } finally {
      await session.close();
      await server.close();
    }
  });
});
