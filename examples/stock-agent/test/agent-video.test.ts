import * as video from '@livetools/tools-video';
import { describe, expect, it, vi } from 'vitest';
import { createConsoleAgent } from '../src/agent.js';

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
});
