import { describe, expect, it } from 'vitest';
import { createConsoleAgent, defaultModel } from '../src/agent.js';

describe('the console agent’s defaults', () => {
  it('asks for gemini-3.8-live with context-window compression, so camera sessions outlast 2 minutes', async () => {
    const console = await createConsoleAgent({});
    try {
      const simulator = console.simulator;
      if (!simulator) throw new Error('expected the offline simulator');
      await using session = await console.agent.connect();
      const connection = await simulator.waitForConnection();

      expect(defaultModel).toBe('gemini-3.8-live');
      expect(connection.setup.model).toBe('models/gemini-3.8-live');
      expect(connection.setup.contextWindowCompression).toEqual({ slidingWindow: {} });
      expect(session.isOpen).toBe(true);
    } finally {
      await console.close();
    }
  });
});
