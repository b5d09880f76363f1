import * as video from '@livetools/tools-video';
import { describe, expect, it, vi } from 'vitest';
import { cameraRouting, createConsoleAgent } from '../src/agent.js';
import { withOfflineSession } from './support/offline-session.js';
import { WAIT_MS } from './support/waiters.js';

// Watches how the console builds its frame analyzer.
vi.mock('@livetools/tools-video', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@livetools/tools-video')>();
  return { ...actual, createChangeDetector: vi.fn(actual.createChangeDetector) };
});

describe('the console agent', () => {
  it('decodes camera frames on worker threads, since one process serves several sessions', async () => {
    const agent = await createConsoleAgent({});
    try {
      const calls = vi.mocked(video.createChangeDetector).mock.calls;
      expect(calls).toHaveLength(1);
      expect(calls[0]?.[0]?.workers).toBeGreaterThanOrEqual(1);
    } finally {
      await agent.close();
    }
  });

  it('sends the camera to the watching tool and at most one frame every two seconds to the model', async () => {
    expect(cameraRouting).toEqual({ to: 'both', maxModelFps: 0.5 });
    await withOfflineSession({ recordMedia: true }, async ({ session, connection }) => {
      const frame = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
      for (let i = 0; i < 10; i++) session.sendVideoFrame(frame); // a burst: the page's 10 a second
      session.sendText('after the frames');
      await connection.waitForFrame(
        (f) => f.clientContent?.turns?.[0]?.parts?.[0]?.text === 'after the frames',
        { timeoutMs: WAIT_MS }, // the simulator's server allows 2 s by default
      );
      expect(connection.realtimeInputs.filter((r) => r.video)).toHaveLength(1);
      expect(session.metrics().video).toEqual({
        frames: 10,
        toModel: 1,
        toTools: 10,
        modelCapped: 9,
        toolCapped: 0,
      });
    });
  });
});
