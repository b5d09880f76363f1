import { describe, expect, it } from 'vitest';
import { defaultModel } from '../src/agent.js';
import { withOfflineSession } from './support/offline-session.js';

describe('the console agent’s defaults', () => {
  it('asks for gemini-3.8-live with context-window compression, so camera sessions outlast 2 minutes', async () => {
    await withOfflineSession({}, async ({ session, connection }) => {
      expect(defaultModel).toBe('gemini-3.8-live');
      expect(connection.setup.model).toBe('models/gemini-3.8-live');
      expect(connection.setup.contextWindowCompression).toEqual({ slidingWindow: {} });
      expect(session.isOpen).toBe(true);
    });
  });
});
