import { describe, expect, it } from 'vitest';
import { SIMULATOR_KEEP_FRAMES } from '../src/simulator.js';
import { withOfflineSession } from './support/offline-session.js';

describe('the offline simulator of npm start', () => {
  it('keeps only its newest frames per connection, so that a console left running does not grow', async () => {
    await withOfflineSession({}, async ({ session, connection }) => {
      const sent = SIMULATOR_KEEP_FRAMES + 50;
      let heard = 0;
      const allHeard = new Promise<void>((resolve) => {
        connection.onFrame((frame) => {
          if (frame.realtimeInput?.audioStreamEnd && ++heard === sent) resolve();
        });
      });
      for (let i = 0; i < sent; i++) session.sendAudioStreamEnd();
      await allHeard;

      const received = (connection.lastConsumedClientMessageIndex ?? -1) + 1;
      expect(received).toBeGreaterThanOrEqual(sent);
      expect(connection.frames).toHaveLength(1 + SIMULATOR_KEEP_FRAMES); // the setup, then the newest
      expect(connection.frames[0]?.setup).toBeDefined();
      expect(connection.forgottenFrames).toBe(received - SIMULATOR_KEEP_FRAMES);

      // The simulator alone sends only a few frames here: the test sends more, as a long session would.
      const before = connection.sentFrames.length + connection.forgottenSentFrames;
      for (let i = 0; i < sent; i++) connection.sendRaw({ usageMetadata: { totalTokenCount: i } });
      expect(connection.sentFrames).toHaveLength(SIMULATOR_KEEP_FRAMES);
      expect(connection.forgottenSentFrames).toBe(before + sent - SIMULATOR_KEEP_FRAMES);
    });
  });
});
