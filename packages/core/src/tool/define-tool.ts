import type { ObservableInput } from 'rxjs';
import { describeError, ToolDefinitionError } from '../errors.js';
import type { FunctionBehavior } from '../profiles/model-profile.js';
import type { ToolContext } from './context.js';
import { markContextUse } from './context-use.js';
import { assertFunctionName, STOP_STREAMING } from './function-name.js';
import {
  assertOutputSchema,
  type ContractEmission,
  type NoContract,
  type OutputSchema,
  toOutputJsonSchema,
} from './output-contract.js';
import { SCHEDULINGS, type ScheduledEmission, type Scheduling } from './scheduling.js';
import {
  assertObjectSchema,
  type JsonSchema,
  type ParametersSchema,
  toParametersJsonSchema,
} from './schema.js';
import type { StandardSchemaV1 } from './standard-schema.js';

/** What the runner does when a tool is called while an earlier call of it is still running. */
export type DuplicatePolicy = 'allow' | 'replace' | 'reject' | 'queue';

/** What the runner does with a running call when the user interrupts the model. */
export type InterruptionPolicy = 'keep' | 'cancel';

/** A function declaration as sent to the Live API in `setup.tools[].functionDeclarations`. */
export interface LiveFunctionDeclaration {
  /** The function name. */
  name: string;
  /** What it does, for the model. */
  description: string;
  /**
   * How the model runs the call. A tool's own `declaration()` marks streaming tools `NON_BLOCKING`
   * and leaves it out for one-shot tools; what a session sends always states it, as the model
   * profile allows (see `declaredBehavior`): `BLOCKING` or `NON_BLOCKING`.
   */
  behavior?: FunctionBehavior;
  /** The arguments' JSON Schema, sent verbatim by the SDK. */
  parametersJsonSchema: JsonSchema;
  /**
   * The JSON Schema of the tool's output contract (its `output`), when it declares one. A session
   * sends it only where the model profile accepts it (`functionCalling.responseJsonSchema`);
   * otherwise it is dropped from what goes on the wire.
   */
  responseJsonSchema?: JsonSchema;
}

/** Options shared by every tool. */
export interface ToolOptionsBase<S extends ParametersSchema, O extends OutputSchema = OutputSchema> {
  /** The function name the model calls: a letter or `_`, then letters, digits, `_ . : -`; at most 128. */
  readonly name: string;
  /** What the tool does and when to call it, for the model. */
  readonly description: string;
  /** A zod object schema for the arguments; document each field with `.describe()` for the model. */
  readonly parameters: S;
  /**
   * The output contract: a zod schema of every value `execute` sends to the model (zod 4, or zod
   * 3.25+ like `parameters`). It types what `execute` may produce (a value outside it does not
   * compile), is shown by `livetools check` and `livetools info`, is declared to the model as
   * `responseJsonSchema` where the model profile accepts it, and is checked against real values
   * in tests with `checkToolOutput` (never while a session runs). Optional.
   */
  readonly output?: O;
}

/** Per-tool policies of a streaming tool. */
export interface StreamingToolPolicies {
  /** Default scheduling of each emission. Default `WHEN_IDLE`. */
  readonly scheduling?: Scheduling;
  /** Scheduling of the final response sent when the tool completes. Default `SILENT`. */
  readonly completionScheduling?: Scheduling;
  /**
   * When the tool is called while a call of it is running: `allow` runs both (default), `replace`
   * stops the running call, `reject` answers the new call with an error, `queue` starts it when the
   * running one ends.
   */
  readonly onDuplicate?: DuplicatePolicy;
  /** `keep` (default) lets the call run through user interruptions; `cancel` stops it. */
  readonly interruption?: InterruptionPolicy;
  /**
   * Stops the call after this many milliseconds, with a final response. At most {@link MAX_TIMER_MS}
   * (about 24.8 days, the most a timer holds); longer values are refused at definition.
   */
  readonly maxDurationMs?: number;
  /**
   * At most one emission per this many milliseconds. Emissions in between are coalesced to the
   * newest, which is delivered when the interval ends with the most urgent scheduling among them.
   * At most {@link MAX_TIMER_MS}.
   */
  readonly minIntervalMs?: number;
  /**
   * When the session is handed over to a new connection because no resumable handle was held:
   * `continue` (default) keeps the call running, and its later results reach the new session as
   * text turns; `end` stops it (its final response is not sent: the session it answered is gone),
   * with `cancelledBy: 'handoff'`.
   */
  readonly onHandoff?: HandoffPolicy;
}

/**
 * What a streaming call does when its session is handed over to a new connection: keep running
 * (`continue`) or stop (`end`).
 *
 * @example
 * ```ts
 * const policy: HandoffPolicy = 'end';
 * ```
 */
export type HandoffPolicy = 'continue' | 'end';

/** The arguments type of a tool, inferred from its schema. */
export type ToolArgs<S extends ParametersSchema> = StandardSchemaV1.InferOutput<S>;

/** Definition of a streaming tool, given to {@link defineStreamingTool}. */
export interface StreamingToolConfig<S extends ParametersSchema, T, O extends OutputSchema = OutputSchema>
  extends ToolOptionsBase<S, O>,
    StreamingToolPolicies {
  /**
   * Starts the tool. Every value the returned Observable (or Promise, async iterable, array) emits
   * is sent to the model as an intermediate result; wrap a value with `withScheduling()` to give it its own
   * scheduling. Completion ends the call. A function that declares no second parameter and never
   * reads `arguments` is called without a context (none is built: it could not read it).
   */
  readonly execute: (args: ToolArgs<S>, ctx: ToolContext) => ObservableInput<T>;
}

/** Definition of a one-shot tool, given to {@link defineTool}. */
export interface OneShotToolConfig<S extends ParametersSchema, T, O extends OutputSchema = OutputSchema>
  extends ToolOptionsBase<S, O> {
  /**
   * Computes the single result (a value or a Promise). A function that declares no second
   * parameter and never reads `arguments` is called without a context (none is built: it could
   * not read it).
   */
  readonly execute: (args: ToolArgs<S>, ctx: ToolContext) => T | PromiseLike<T>;
}

/** The value sent to the model for an emission of type `T` (an {@link ScheduledEmission} is unwrapped). */
export type ToolOutput<T> = T extends ScheduledEmission<infer U> ? U : T;

/**
 * A streaming tool, made by {@link defineStreamingTool}. `T` is what `execute` emits (values,
 * possibly wrapped with `withScheduling()`); {@link ToolOutput} gives what the model receives.
 */
export interface StreamingTool<S extends ParametersSchema = ParametersSchema, T = unknown> {
  /** Discriminant: a streaming tool. */
  readonly kind: 'streaming';
  /** The function name. */
  readonly name: string;
  /** The description given to the model. */
  readonly description: string;
  /** The arguments' schema. */
  readonly parameters: S;
  /** The declared output contract, if any (see {@link ToolOptionsBase.output}). */
  readonly output?: OutputSchema;
  /** Resolved policies, with defaults applied. */
  readonly policies: Required<Omit<StreamingToolPolicies, 'maxDurationMs' | 'minIntervalMs' | 'onHandoff'>> &
    Pick<StreamingToolPolicies, 'maxDurationMs' | 'minIntervalMs' | 'onHandoff'>;
  /** Starts one call (the runner calls it; tests may call it directly). */
  execute(args: ToolArgs<S>, ctx: ToolContext): ObservableInput<T>;
  /** A fresh Gemini function declaration (a new object on every call: the SDK mutates what it gets). */
  declaration(): LiveFunctionDeclaration;
}

/** A one-shot tool, made by {@link defineTool}. */
export interface OneShotTool<S extends ParametersSchema = ParametersSchema, T = unknown> {
  /** Discriminant: a one-shot tool. */
  readonly kind: 'one-shot';
  /** The function name. */
  readonly name: string;
  /** The description given to the model. */
  readonly description: string;
  /** The arguments' schema. */
  readonly parameters: S;
  /** The declared output contract, if any (see {@link ToolOptionsBase.output}). */
  readonly output?: OutputSchema;
  /** Computes one call's result (the runner calls it; tests may call it directly). */
  execute(args: ToolArgs<S>, ctx: ToolContext): T | PromiseLike<T>;
  /** A fresh Gemini function declaration (a new object on every call). */
  declaration(): LiveFunctionDeclaration;
}

/** Any tool the runner can run. */
export type AnyTool = StreamingTool | OneShotTool;

function checkCommon(config: ToolOptionsBase<ParametersSchema>, reservedOk = false): void {
  if (typeof config !== 'object' || config === null) {
    throw new ToolDefinitionError(
      'A tool definition must be an object with name, description, parameters and execute.',
    );
  }
  assertFunctionName(config.name);
  if (!reservedOk && config.name === STOP_STREAMING) {
    throw new ToolDefinitionError(
      `"${STOP_STREAMING}" is declared by livetools itself whenever a streaming tool is present; choose another name.`,
    );
  }
  if (typeof config.description !== 'string' || config.description.trim() === '') {
    throw new ToolDefinitionError(
      `Tool "${config.name}" needs a description: the model reads it to decide when to call it.`,
    );
  }
  assertObjectSchema(config.name, config.parameters);
  assertOutputSchema(config.name, config.output);
  if (typeof (config as { execute?: unknown }).execute !== 'function') {
    throw new ToolDefinitionError(`Tool "${config.name}" needs an \`execute(args, ctx)\` function.`);
  }
}

/**
 * The longest duration, in milliseconds, a tool's `maxDurationMs` or `minIntervalMs` may have:
 * 2^31-1 ms, about 24.8 days, the most a JavaScript timer holds (Node fires a longer one after
 * 1 ms). A longer value is refused by {@link defineStreamingTool}.
 */
export const MAX_TIMER_MS = 2_147_483_647;

function checkDuration(toolName: string, key: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new ToolDefinitionError(
      `Tool "${toolName}": \`${key}\` must be a positive number of milliseconds, got ${describeError(value)}. Leave it out for no limit.`,
    );
  }
  if (value > MAX_TIMER_MS) {
    throw new ToolDefinitionError(
      `Tool "${toolName}": \`${key}\` is ${value} ms, but a timer holds at most ${MAX_TIMER_MS} ms (about 24.8 days). ` +
        'Check the unit (milliseconds), or leave it out for no limit.',
    );
  }
}

function checkOneOf(toolName: string, key: string, value: unknown, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    throw new ToolDefinitionError(
      `Tool "${toolName}": \`${key}\` must be one of ${allowed.join(', ')}, got ${describeError(value)}.`,
    );
  }
}

/**
 * Defines a streaming tool: called once by the model, it keeps sending results until it
 * completes, fails or is stopped. `args` is typed from the zod schema.
 *
 * @example
 * ```ts
 * import { defineStreamingTool } from '@livetools/core';
 * import { interval, map, take } from 'rxjs';
 * import { z } from 'zod';
 *
 * export const countdown = defineStreamingTool({
 *   name: 'countdown',
 *   description: 'Counts down from n, one number a second.',
 *   parameters: z.object({ n: z.number().int().min(1).max(100) }),
 *   execute: ({ n }, ctx) => interval(1000, ctx.scheduler).pipe(take(n), map((i) => ({ remaining: n - i - 1 }))),
 * });
 * ```
 * @throws {@link ToolDefinitionError} when the name, schema or options are invalid.
 */
export function defineStreamingTool<
  S extends ParametersSchema,
  T extends ContractEmission<O>,
  O extends OutputSchema = NoContract,
>(config: StreamingToolConfig<S, T, O>): StreamingTool<S, T> {
  return makeStreamingTool(config, false);
}

function makeStreamingTool<S extends ParametersSchema, T>(
  config: StreamingToolConfig<S, T>,
  reservedOk: boolean,
): StreamingTool<S, T> {
  checkCommon(config, reservedOk);
  const name = config.name;
  checkOneOf(name, 'scheduling', config.scheduling, SCHEDULINGS);
  checkOneOf(name, 'completionScheduling', config.completionScheduling, SCHEDULINGS);
  checkOneOf(name, 'onDuplicate', config.onDuplicate, ['allow', 'replace', 'reject', 'queue']);
  checkOneOf(name, 'interruption', config.interruption, ['keep', 'cancel']);
  checkOneOf(name, 'onHandoff', config.onHandoff, ['continue', 'end']);
  checkDuration(name, 'maxDurationMs', config.maxDurationMs);
  checkDuration(name, 'minIntervalMs', config.minIntervalMs);
  const { description, parameters, output } = config;
  const execute = config.execute;
  return {
    kind: 'streaming',
    name,
    description,
    parameters,
    ...(output === undefined ? {} : { output }),
    policies: {
      scheduling: config.scheduling ?? 'WHEN_IDLE',
      completionScheduling: config.completionScheduling ?? 'SILENT',
      onDuplicate: config.onDuplicate ?? 'allow',
      interruption: config.interruption ?? 'keep',
      onHandoff: config.onHandoff ?? 'continue',
      ...(config.maxDurationMs === undefined ? {} : { maxDurationMs: config.maxDurationMs }),
      ...(config.minIntervalMs === undefined ? {} : { minIntervalMs: config.minIntervalMs }),
    },
    execute: markContextUse((args, ctx) => execute(args, ctx), execute),
    declaration: () => ({
      name,
      description,
      behavior: 'NON_BLOCKING',
      parametersJsonSchema: toParametersJsonSchema(parameters),
      ...(output === undefined ? {} : { responseJsonSchema: toOutputJsonSchema(output) }),
    }),
  };
}

/**
 * Defines a one-shot tool: one call, one result (a value or a Promise).
 *
 * @example
 * ```ts
 * import { defineTool } from '@livetools/core';
 * import { z } from 'zod';
 *
 * export const add = defineTool({
 *   name: 'add',
 *   description: 'Adds two numbers.',
 *   parameters: z.object({ a: z.number(), b: z.number() }),
 *   execute: ({ a, b }) => ({ sum: a + b }),
 * });
 * ```
 * @throws {@link ToolDefinitionError} when the name or schema is invalid.
 */
export function defineTool<
  S extends ParametersSchema,
  T extends ContractEmission<O>,
  O extends OutputSchema = NoContract,
>(config: OneShotToolConfig<S, T, O>): OneShotTool<S, T> {
  return makeOneShotTool(config, false);
}

/** @internal Defines a one-shot tool whose name may be reserved (the built-in stop tool). */
export function defineToolUnchecked<S extends ParametersSchema, T>(
  config: OneShotToolConfig<S, T>,
): OneShotTool<S, T> {
  return makeOneShotTool(config, true);
}

function makeOneShotTool<S extends ParametersSchema, T>(
  config: OneShotToolConfig<S, T>,
  reservedOk: boolean,
): OneShotTool<S, T> {
  checkCommon(config, reservedOk);
  const { name, description, parameters, output } = config;
  const execute = config.execute;
  return {
    kind: 'one-shot',
    name,
    description,
    parameters,
    ...(output === undefined ? {} : { output }),
    execute: markContextUse((args, ctx) => execute(args, ctx), execute),
    declaration: () => ({
      name,
      description,
      parametersJsonSchema: toParametersJsonSchema(parameters),
      ...(output === undefined ? {} : { responseJsonSchema: toOutputJsonSchema(output) }),
    }),
  };
}
