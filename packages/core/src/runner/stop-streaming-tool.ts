import { z } from 'zod/v4';
import { LivetoolsError } from '../errors.js';
import { defineToolUnchecked } from '../tool/define-tool.js';
import { STOP_STREAMING } from '../tool/function-name.js';

/** One call stopped by `stop_streaming` or `stopCalls`. */
export interface StoppedCall {
  /** The id of the stopped call. */
  readonly callId: string;
  /** The name of its tool. */
  readonly toolName: string;
  /** How many results the call had sent. */
  readonly results: number;
}

/**
 * @internal
 * A stopped or running call as the model reads it in the answer of `stop_streaming`: the
 * model-facing names are snake_case, as the tool's parameters are.
 */
export interface ModelStoppedCall {
  readonly call_id: string;
  readonly function_name: string;
  readonly results: number;
}

/** @internal The model's view of a {@link StoppedCall}. */
export function forModel(call: StoppedCall): ModelStoppedCall {
  return { call_id: call.callId, function_name: call.toolName, results: call.results };
}

const parameters = z.object({
  call_id: z.string().min(1).optional().describe('The id of the one call to stop.'),
  function_name: z.string().min(1).optional().describe('Stop every running call of this function.'),
});

/** @internal The answer of the stop handler. */
export interface StopOutcome {
  readonly stopped: StoppedCall[];
  readonly running: StoppedCall[];
}

/** @internal Builds the `stop_streaming` tool bound to a runner's stop handler. */
export function createStopStreamingTool(stop: (args: z.infer<typeof parameters>) => StopOutcome) {
  return defineToolUnchecked({
    name: STOP_STREAMING,
    description:
      'Stops a streaming function that is still sending results. Give call_id to stop one call, ' +
      'or function_name to stop every running call of that function.',
    parameters,
    execute: (args) => {
      const { stopped, running } = stop(args);
      if (stopped.length > 0) return { stopped: stopped.map(forModel) };
      const list = running.length
        ? `Running calls: ${running.map((r) => `${r.toolName} (call_id ${r.callId})`).join(', ')}.`
        : 'No streaming call is running.';
      const asked =
        args.call_id === undefined && args.function_name === undefined
          ? 'Give call_id or function_name.'
          : `Nothing matched ${JSON.stringify(args)}.`;
      throw new LivetoolsError('STOP_NOTHING_MATCHED', `${asked} ${list}`);
    },
  });
}
