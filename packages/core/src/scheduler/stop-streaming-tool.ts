import { z } from 'zod/v4';
import { LivetoolsError } from '../errors.js';
import { defineToolUnchecked } from '../tool/define-tool.js';
import { STOP_STREAMING } from '../tool/function-name.js';

/** One call stopped by `stop_streaming` or `ToolScheduler.stop`. */
export interface StoppedCall {
  /** The id of the stopped call. */
  readonly call_id: string;
  /** Its function name. */
  readonly function_name: string;
  /** How many results the call had sent. */
  readonly results: number;
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

/** @internal Builds the `stop_streaming` tool bound to a scheduler's stop handler. */
export function createStopStreamingTool(stop: (args: z.infer<typeof parameters>) => StopOutcome) {
  return defineToolUnchecked({
    name: STOP_STREAMING,
    description:
      'Stops a streaming function that is still sending results. Give call_id to stop one call, ' +
      'or function_name to stop every running call of that function.',
    parameters,
    execute: (args) => {
      const { stopped, running } = stop(args);
      if (stopped.length > 0) return { stopped };
      const list = running.length
        ? `Running calls: ${running.map((r) => `${r.function_name} (call_id ${r.call_id})`).join(', ')}.`
        : 'No streaming call is running.';
      const asked =
        args.call_id === undefined && args.function_name === undefined
          ? 'Give call_id or function_name.'
          : `Nothing matched ${JSON.stringify(args)}.`;
      throw new LivetoolsError('STOP_NOTHING_MATCHED', `${asked} ${list}`);
    },
  });
}
