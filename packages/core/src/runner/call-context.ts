import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { CallCancelledError } from '../errors.js';
import { childLogger, silentLogger } from '../logger.js';
import type { Logger, ToolContext, ToolInputStreams } from '../tool/context.js';
import { type CallRecord, NO_INPUT } from './call-record.js';
import type { RunnerState } from './runner-state.js';

/** What a context takes from its runner. */
type ContextSource = Pick<RunnerState, 'logger' | 'input' | 'scheduler' | 'mediaParts'>;

/**
 * @internal
 * The context a call's tool runs with. Its own enumerable properties are those of a plain
 * {@link ToolContext} (a spread copy keeps `signal` and `logger`), but `signal` is an accessor
 * shared by every context, made on first read: an AbortController costs microseconds and most
 * tools never read it, and an object literal with a getter of its own costs several microseconds
 * to create in V8 (a new closure and accessor pair for every call). The logger is made at once:
 * the session's own when it is silent (the default), otherwise a set of closures, which costs
 * less than defining one more accessor. A tool that cannot read its context gets none
 * (`tool/context-use.ts`): defining the accessor is most of what a context costs.
 */
export class CallContext implements ToolContext {
  declare readonly callId: string;
  declare readonly toolName: string;
  declare readonly signal: AbortSignal;
  declare readonly input: ToolInputStreams;
  declare readonly logger: Logger;
  declare readonly scheduler: SchedulerLike;
  declare readonly mediaInResults: boolean;
  readonly #record: CallRecord;

  constructor(state: ContextSource, record: CallRecord) {
    this.#record = record;
    const self = this as { -readonly [K in keyof ToolContext]: ToolContext[K] };
    self.callId = record.id;
    self.toolName = record.name;
    Object.defineProperty(this, 'signal', SIGNAL);
    self.input = state.input;
    // The session's logger, with `tool` and `callId` in every message's data.
    const logger = state.logger;
    self.logger =
      logger === silentLogger ? logger : childLogger(logger, { tool: record.name, callId: record.id });
    self.scheduler = state.scheduler;
    self.mediaInResults = state.mediaParts;
  }

  /** The call's AbortSignal, made on first read (most tools never read it: AbortController is costly). */
  static signalOf(ctx: CallContext): AbortSignal {
    const record = ctx.#record;
    if (record.abort === undefined) {
      record.abort = new AbortController();
      if (record.cancelledBy !== undefined)
        record.abort.abort(new CallCancelledError(record.id, record.cancelledBy));
    }
    return record.abort.signal;
  }
}

/** The one `signal` accessor of every context: enumerable, like the property of a plain object. */
const SIGNAL: PropertyDescriptor = {
  get(this: CallContext): AbortSignal {
    return CallContext.signalOf(this);
  },
  enumerable: true,
  configurable: true,
};

/**
 * A context that lives as long as the module and is never handed to a tool. V8 describes each
 * object by a hidden class, and reaches the classes a context goes through as its constructor
 * defines its properties by transitions it holds weakly: once no context is alive (between one-shot
 * calls, that is most of the time) a full garbage collection may drop them, which deoptimizes the
 * code that starts calls; the next calls then run unoptimized until V8 has compiled it again,
 * thousands of calls later. This one keeps those classes alive.
 *
 * @internal
 */
export const SHAPE_KEEPER: CallContext = new CallContext(
  { logger: silentLogger, input: NO_INPUT, scheduler: asyncScheduler, mediaParts: false },
  { id: '', name: '' } as CallRecord,
);
