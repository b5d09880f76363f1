import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stepsArb } from '../support/runner-arbitraries.js';
import { captureEscapes } from '../support/runner-escapes.js';
import { checkRun, tally } from '../support/runner-invariants.js';
import { runScenario } from '../support/runner-world.js';

/** Errors that escaped: RxJS's unhandled-error hook and the process's unhandled rejections. */
const escaped = captureEscapes();

describe('ToolRunner under random interleavings (virtual time)', () => {
  it('keeps every invariant: one end per call, nothing after a final or a cancellation, results on their own id, upstreams released, nothing escapes', async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(stepsArb(30), async (steps) => {
        const record = await runScenario(steps, escaped);
        tally(record, seen);
        const violations = checkRun(record);
        expect(violations, violations.join('\n')).toEqual([]);
      }),
      { numRuns: Number(process.env.LIVETOOLS_PROPERTY_RUNS ?? 400) },
    );
    // The runs exercised every path (a broken tool catalogue would make the property vacuous).
    for (const key of [
      'result',
      'refused',
      'error UNSERIALIZABLE_VALUE',
      'queued',
      'reentrant stop',
      'end completed',
      'end failed',
      'error TOOL_EXECUTION',
      'error INVALID_ARGUMENTS',
      'error UNKNOWN_TOOL',
      'error DUPLICATE_CALL',
      'error STOP_NOTHING_MATCHED',
      'end cancelled by server',
      'end cancelled by model',
      'end cancelled by application',
      'end cancelled by interruption',
      'end cancelled by replaced',
      'end cancelled by max-duration',
      'end cancelled by session-end',
    ]) {
      expect(seen.get(key) ?? 0, `runs that reached "${key}"`).toBeGreaterThan(0);
    }
  }, 600_000);
});
