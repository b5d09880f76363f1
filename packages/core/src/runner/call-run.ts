import { needsContext } from '../tool/context-use.js';
import type { StreamingTool } from '../tool/define-tool.js';
import { CallContext } from './call-context.js';
import type { CallRecord, Phase } from './call-record.js';
import { cancel } from './call-stop.js';
import type { RunnerState } from './runner-state.js';
import { runOneShot, subscribeStreaming } from './tool-source.js';

/**
 * @internal
 * Starts an admitted call: publishes `tool-start`, then runs the tool with its context, when it
 * can read one (`tool-source.ts`), its values going through the wire check (and the coalescer,
 * for `minIntervalMs`) to the output room. `now`: the time of this turn when the call was received
 * in it (the clock is read otherwise).
 */
export function start(state: RunnerState, record: CallRecord, now?: number | undefined): void {
  record.phase = 'running';
  const time = now ?? state.scheduler.now();
  record.startedAt = time;
  const args = record.args as Record<string, unknown>;
  state.publish({ type: 'tool-start', callId: record.id, toolName: record.name, args, time });
  // A subscriber of events$ may have stopped the call on its tool-start: then it must not run.
  if ((record.phase as Phase) !== 'running') return;
  const tool = record.tool;
  // No context for a tool that cannot read it (`tool/context-use.ts`): building one costs more
  // than the rest of starting a one-shot call.
  const ctx = needsContext(tool.execute) ? new CallContext(state, record) : undefined;
  if (tool.kind === 'streaming') {
    armDeadline(state, record, tool);
    subscribeStreaming(state, record, tool, args, ctx);
  } else {
    runOneShot(state, record, tool, args, ctx);
  }
}

/** Cancels a streaming call after its tool's `maxDurationMs`. */
function armDeadline(state: RunnerState, record: CallRecord, tool: StreamingTool): void {
  const ms = tool.policies.maxDurationMs;
  if (ms === undefined) return;
  record.deadline = state.scheduler.schedule(() => cancel(state, record, 'max-duration'), ms);
}
