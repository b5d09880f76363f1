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
 * {@link ToolContext} (a spread copy keeps `signal` and `logger`), but `signal` and `logger` are
 * accessors shared by every context, each made on first read: an object literal with a getter of
 * its own costs several microseconds to create in V8 (a new closure and accessor pair for every
 * call), which was the largest part of a one-shot call's cost, and most tools read neither (the
 * call's logger is a set of closures when the session logs).
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
  readonly #parentLogger: Logger;
  #logger: Logger | undefined;

  constructor(state: ContextSource, record: CallRecord) {
    this.#record = record;
    this.#parentLogger = state.logger;
    const self = this as { -readonly [K in keyof ToolContext]: ToolContext[K] };
    self.callId = record.id;
    self.toolName = record.name;
    Object.defineProperty(this, 'signal', SIGNAL);
    self.input = state.input;
    Object.defineProperty(this, 'logger', LOGGER);
    self.scheduler = state.scheduler;
    self.mediaInResults = state.mediaParts;
  }

  /** The call's logger (the session's, with `tool` and `callId` in every message's data), made on first read. */
  static loggerOf(ctx: CallContext): Logger {
    ctx.#logger ??= childLogger(ctx.#parentLogger, { tool: ctx.toolName, callId: ctx.callId });
    return ctx.#logger;
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

/** The one `logger` accessor of every context: enumerable, like the property of a plain object. */
const LOGGER: PropertyDescriptor = {
  get(this: CallContext): Logger {
    return CallContext.loggerOf(this);
  },
  enumerable: true,
  configurable: true,
};

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
