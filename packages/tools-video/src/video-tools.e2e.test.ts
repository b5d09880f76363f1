import { GoogleGenAI as GoogleGenAI3 } from '@google/genai';
import { createLiveAgent, type GenAIClient, type LiveAgentSession } from '@livetools/core';
import { createFakeLiveServer, type RecordedFunctionResponse } from '@livetools/core/testing';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import { describe, expect, it } from 'vitest';
import { encodeImage, renderScene, type SceneSpec } from '../test/support/frames.js';
import { createVideoTools, type VideoReportOutput } from './video-tools.js';

const sdks: [string, (baseUrl: string) => GenAIClient][] = [
  ['@google/genai 3.x', (baseUrl) => new GoogleGenAI3({ apiKey: 'k', httpOptions: { baseUrl } })],
  ['@google/genai 2.x', (baseUrl) => new GoogleGenAI2({ apiKey: 'k', httpOptions: { baseUrl } })],
];

const still: SceneSpec = { width: 320, height: 240, noise: 4 };
const withVisitor: SceneSpec = {
  ...still,
  shapes: [{ x: 40, y: 80, width: 60, height: 120, color: [40, 60, 160] }],
};

/**
 * How long each wait allows for what comes within a second here: the camera's own flood of frames
 * shares a loaded CI machine with the other packages' tests. The test's timeout is above the sum.
 */
const WAIT_MS = 15_000;

/** Frames the camera sends each time it fires. */
const burst = 3;

/**
 * A camera: every 25 ms, sends the current scene to the session three times over, with fresh
 * sensor noise in every frame. Frames that arrive together come sooner than the next look however
 * slowly the machine runs, so the tool looks at one of them at most; the next one waits and the
 * last one replaces it: every burst passes at least one frame over.
 */
async function camera(session: LiveAgentSession, scenes: Record<'still' | 'visitor', SceneSpec>) {
  const encoded: Record<string, { bytes: Buffer; base64: string }[]> = {};
  for (const [name, spec] of Object.entries(scenes)) {
    const frames = await Promise.all(
      [1, 2, 3].map((seed) => encodeImage(renderScene({ ...spec, seed }), spec.width, spec.height)),
    );
    encoded[name] = frames.map((bytes) => ({ bytes, base64: bytes.toString('base64') }));
  }
  let showing: keyof typeof scenes = 'still';
  const sent: string[] = [];
  let bursts = 0;
  const timer = setInterval(() => {
    const frames = encoded[showing] ?? [];
    for (let i = 0; i < burst; i++) {
      const frame = frames[sent.length % frames.length];
      if (frame === undefined) return;
      sent.push(frame.base64);
      session.sendVideoFrame(frame.bytes);
    }
    bursts++;
  }, 25);
  return {
    show(name: keyof typeof scenes) {
      showing = name;
    },
    /** Every frame sent so far, base64, in order. */
    sent: sent as readonly string[],
    get bursts() {
      return bursts;
    },
    stop: () => clearInterval(timer),
  };
}

const eventOf = (r: RecordedFunctionResponse) => (r.output as { event?: string } | undefined)?.event;

describe.each(sdks)('monitor_video_stream end to end over %s', (_name, makeAi) => {
  it('sees the frames the app sends and streams changes with their scheduling and a snapshot until the server cancels', async () => {
    await using server = await createFakeLiveServer();
    const agent = createLiveAgent({
      ai: makeAi(server.url),
      model: 'gemini-live-test',
      tools: createVideoTools(),
    });
    const connected = server.waitForConnection();
    const session = await agent.connect();
    const conn = await connected;
    const cam = await camera(session, { still, visitor: withVisitor });
    try {
      expect(conn.declarations.map((d) => d.name)).toEqual(['monitor_video_stream', 'stop_streaming']);
      const id = conn.callTool('monitor_video_stream', {
        watchFor: 'someone coming in',
        intervalSeconds: 0.1,
        interrupt: true,
      });
      await conn.waitForToolResponse(id, (r) => eventOf(r) === 'watching', { timeoutMs: WAIT_MS });
      cam.show('visitor');
      await conn.waitForToolResponse(id, (r) => eventOf(r) === 'motion_stopped', { timeoutMs: WAIT_MS });

      const responses = conn.toolResponses(id);
      expect(responses.map((r) => [eventOf(r), r.scheduling, r.willContinue])).toEqual([
        ['watching', 'SILENT', true],
        ['motion_started', 'INTERRUPT', true],
        ['motion_stopped', 'INTERRUPT', true],
      ]);
      const started = responses[1]?.output as Record<string, unknown>;
      expect(started).toMatchObject({ analyzer: 'local-change-detector', watchFor: 'someone coming in' });
      expect(started.description).toMatch(/^Motion started on the .*left/);
      expect(Date.parse(String(started.frameTime))).toBeGreaterThan(0);

      // Each change comes with the frame it is about, as FunctionResponse.parts on the wire; the
      // SILENT first look comes without one.
      expect(agent.delivery).toBe('function-response');
      expect(responses[0]?.raw.parts).toBeUndefined();
      for (const change of responses.slice(1)) {
        expect((change.output as Record<string, unknown>).snapshot).toBe('attached');
        const parts = change.raw.parts as { inlineData?: { mimeType?: string; data?: string } }[] | undefined;
        expect(parts).toHaveLength(1);
        expect(parts?.[0]?.inlineData?.mimeType).toBe('image/jpeg');
        expect(cam.sent).toContain(parts?.[0]?.inlineData?.data);
      }

      // The first look is the first frame the tool saw; motion stops after at least two calm looks.
      const counts = responses.map((r) => {
        const output = r.output as unknown as VideoReportOutput;
        return { analyzed: output.analyzedFrames, skipped: output.skippedFrames };
      });
      expect(counts[0]).toEqual({ analyzed: 1, skipped: 0 });
      expect(counts[1]?.analyzed).toBeGreaterThanOrEqual(1);
      expect(counts[2]?.analyzed).toBeGreaterThanOrEqual(2);
      // The bursts that showed the visitor came after the first look, and each passed a frame over:
      // either before the look that saw motion start, or just after it (then counted with the stop).
      const skipped = counts.reduce((sum, c) => sum + c.skipped, 0);
      expect(skipped).toBeGreaterThan(0);
      // Every frame counted is one the app sent.
      expect(counts.reduce((sum, c) => sum + c.analyzed + c.skipped, 0)).toBeLessThanOrEqual(cam.sent.length);

      const ended = new Promise<string>((resolve) => {
        const sub = session.events$.subscribe((e) => {
          if (e.type === 'tool-end' && e.callId === id) {
            sub.unsubscribe();
            resolve(`${e.reason}:${e.cancelledBy}`);
          }
        });
      });
      conn.cancelToolCalls(id);
      expect(await ended).toBe('cancelled:server');
      const count = conn.toolResponses(id).length;
      cam.show('still');
      const burstsAtCancel = cam.bursts;
      await conn.waitForFrame(() => cam.bursts > burstsAtCancel + 8, {
        includePast: false,
        timeoutMs: WAIT_MS,
      });
      expect(conn.toolResponses(id)).toHaveLength(count);

      // The frames went to the server too, as realtime video input: every one, in order.
      cam.stop();
      await conn.waitForFrame(() => conn.realtimeInputCount === cam.sent.length, { timeoutMs: WAIT_MS });
      const videos = conn.realtimeInputs.map((r) => r.video);
      expect(videos).toHaveLength(cam.sent.length);
      expect(
        videos.findIndex((video, i) => video?.mimeType !== 'image/jpeg' || video.data !== cam.sent[i]),
      ).toBe(-1);
    } finally {
      cam.stop();
      await session.close();
    }
  }, 90_000);
});
