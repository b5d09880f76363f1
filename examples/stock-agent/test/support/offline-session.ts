import type { LiveAgentSession } from '@livetools/core';
import type { FakeLiveConnection } from '@livetools/core/testing';
import { createConsoleAgent } from '../../src/agent.js';

/**
 * Runs `body` with a session of the console agent connected to its offline simulator (no
 * GEMINI_API_KEY) and the simulator's side of that connection; closes both afterwards, whatever
 * `body` does. `recordMedia`: the simulator keeps every frame, media included.
 */
export async function withOfflineSession(
  options: { readonly recordMedia?: boolean },
  body: (run: { session: LiveAgentSession; connection: FakeLiveConnection }) => Promise<void>,
): Promise<void> {
  const console = await createConsoleAgent({}, options);
  try {
    const simulator = console.simulator;
    if (!simulator) throw new Error('expected the offline simulator');
    await using session = await console.agent.connect();
    const connection = await simulator.waitForConnection();
    await body({ session, connection });
  } finally {
    await console.close();
  }
}
