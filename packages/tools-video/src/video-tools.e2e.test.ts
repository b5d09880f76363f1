import { GoogleGenAI as GoogleGenAI3 } from '@google/genai';
import { createLiveAgent, type GenAIClient, type LiveAgentSession } from '@livetools/core';
import { createFakeLiveServer, type RecordedFunctionResponse } from '@livetools/core/testing';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import { describe, expect, it } from 'vitest';
import { encodeImage, renderScene, type SceneSpec } from './test-support/frames.js';
import { createVideoTools } from './video-tools.js';

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
 * A camera: sends the current scene to the session every 25 ms, as a browser page does at its
 * frame rate, with fresh sensor noise in every frame.
 */
async function camera(session: LiveAgentSession, scenes: Record<'still' | 'visitor', SceneSpec>) {
  const encoded: Record<string, Buffer[]> = {};
  for (const [name, spec] of Object.entries(scenes)) {
    encoded[name] = await Promise.all(
      [1, 2, 3].map((seed) => encodeImage(renderScene({ ...spec, seed }), spec.width, spec.height)),
    );
  }
  let showing: keyof typeof scenes = 'still';
  let sent = 0;
  const timer = setInterval(() => {
    const frames = encoded[showing] ?? [];
    session.sendVideoFrame(frames[sent++ % frames.length] ?? Buffer.alloc(0));
  }, 25);
  return {
    show(name: keyof typeof scenes) {
      showing = name;
    },
    get sent() {
      return sent;
    },
    stop: () => clearInterval(timer),
  };
}

const eventOf = (r: RecordedFunctionResponse) => (r.output as { event?: string } | undefined)?.event;

describe.each(sdks)('monitor_video_stream end to end over %s', (_name, makeAi) => {
  it('sees the frames the app sends and streams changes with their scheduling until the server cancels', async () => {
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
      await conn.waitForToolResponse(id, (r) => eventOf(r) === 'watching', { timeoutMs: 5000 });
      cam.show('visitor');
      await conn.waitForToolResponse(id, (r) => eventOf(r) === 'motion_stopped', { timeoutMs: 5000 });

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

      // the frames went to the server too, as realtime video input
      const videos = conn.realtimeInputs.flatMap((r) => (r.video ? [r.video] : []));
      expect(videos.length).toBeGreaterThan(5);
      expect(videos[0]?.mimeType).toBe('image/jpeg');
      expect(Buffer.from(videos[0]?.data ?? '', 'base64').subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));

      // frames reach the tool much faster than it looks: the passed-over ones are counted
      const skipped = responses.reduce(
        (sum, r) => sum + Number((r.output as { skippedFrames: number }).skippedFrames),
        0,
      );
      expect(skipped).toBeGreaterThan(0);

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
      const framesAtCancel = cam.sent;
      await conn.waitForFrame(() => cam.sent > framesAtCancel + 8, { includePast: false, timeoutMs: 5000 });
      expect(conn.toolResponses(id)).toHaveLength(count);
    } finally {
      cam.stop();
      await session.close();
    }
  });
});
