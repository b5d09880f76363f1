import { describe, expect, it } from 'vitest';
import { createConsoleAgent } from '../src/agent.js';
import { SIMULATOR_KEEP_FRAMES } from '../src/simulator.js';

describe('the offline simulator of npm start', () => {
  it('keeps only its newest frames per connection, so that a console left running does not grow', async () => {
    const console = await createConsoleAgent({});
    try {
      const simulator = console.simulator;
      if (!simulator) throw new Error('expected the offline simulator');
      await using session = await console.agent.connect();
      const connection = await simulator.waitForConnection();
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
      expect(connection.sentFrames.length).toBeLessThanOrEqual(SIMULATOR_KEEP_FRAMES);
    } finally {
      await console.close();
    }
  });
});
