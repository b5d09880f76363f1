/**
 * A tool's declared output contract: the schema of what its `execute` sends to the model. It types
 * what the tool may emit (at compile time), can be declared to the model where the API takes it
 * (`responseJsonSchema`, opt-in per model profile), and is checked against real values in the
 * author's tests with {@link checkToolOutput}. It is never checked on the hot path.
 *
 * @packageDocumentation
 */

import { errorMarker, hasErrorMarker, markError } from '../error-marker.js';
import { describeError, LivetoolsError, ToolDefinitionError } from '../errors.js';
import { isScheduledEmission, type ScheduledEmission } from './scheduling.js';
import { type JsonSchema, type ParametersSchema, toParametersJsonSchema } from './schema.js';
import type { StandardSchemaV1 } from './standard-schema.js';

/**
 * The schema of a tool's output: any zod schema (zod 4, or zod 3.25+ through `zod/v3`), typically
 * `z.object({...})`. A value is within the contract when the schema accepts it.
 *
 * @example
 * ```ts
 * const output: OutputSchema = z.object({ price: z.number(), at: z.iso.datetime() });
 * ```
 */
export type OutputSchema = StandardSchemaV1<unknown, unknown>;

/**
 * The type of a value within an output contract: what the schema accepts (its input type), which
 * is what the model receives as it is.
 *
 * @example
 * ```ts
 * const schema = z.object({ price: z.number() });
 * const value: OutputValue<typeof schema> = { price: 1 };
 * ```
 */
export type OutputValue<O extends OutputSchema> = StandardSchemaV1.InferInput<O>;

/**
 * What `execute` may produce under an output contract: a value within it, or such a value wrapped
 * with `withScheduling()` or `withMedia()`.
 *
 * @example
 * ```ts
 * const schema = z.object({ price: z.number() });
 * const item: ContractEmission<typeof schema> = withScheduling({ price: 2 }, 'INTERRUPT');
 * ```
 */
export type ContractEmission<O extends OutputSchema> = OutputValue<O> | ScheduledEmission<OutputValue<O>>;

/**
 * The output schema a tool without a contract has, for typing only: it accepts every value, so a
 * tool that declares no `output` may emit anything, as before.
 */
export type NoContract = StandardSchemaV1<unknown, unknown>;

interface Zod4Like {
  readonly _zod: { readonly def: { readonly type: string } };
}
interface Zod3Like {
  readonly _def: { readonly typeName?: string };
}

function zodKind(schema: unknown): string | undefined {
  if (typeof schema !== 'object' || schema === null || !('~standard' in schema)) return undefined;
  if ('_zod' in schema) return (schema as Zod4Like)._zod.def.type;
  if ('_def' in schema) return (schema as Zod3Like)._def.typeName ?? 'unknown';
  return undefined;
}

/**
 * @internal
 * Checks at definition time that `output` (when given) is a zod schema whose JSON Schema can be
 * made: the contract is shown by `livetools check` and may be declared to the model.
 *
 * @throws {@link ToolDefinitionError} naming the tool and what to pass instead.
 */
export function assertOutputSchema(toolName: string, output: unknown): asserts output is OutputSchema {
  if (output === undefined) return;
  if (zodKind(output) === undefined) {
    throw new ToolDefinitionError(
      `Tool "${toolName}": \`output\` must be a zod schema, e.g. z.object({ price: z.number() }); ` +
        'leave it out for a tool without an output contract.',
    );
  }
  try {
    toOutputJsonSchema(output as OutputSchema);
  } catch (error) {
    throw new ToolDefinitionError(
      `Tool "${toolName}": \`output\` cannot be turned into JSON Schema (${describeError(error)}); ` +
        'describe the output with JSON types (objects, arrays, strings, numbers, booleans, null).',
    );
  }
}

/**
 * The JSON Schema of an output contract, as declared in `responseJsonSchema`. A fresh object on
 * every call.
 *
 * @example
 * ```ts
 * toOutputJsonSchema(z.object({ price: z.number() }));
 * // { type: 'object', properties: { price: { type: 'number' } }, required: ['price'], ... }
 * ```
 */
export function toOutputJsonSchema(output: OutputSchema): JsonSchema {
  // The converter takes any zod schema; the parameters type only narrows it to objects.
  return toParametersJsonSchema(output as unknown as ParametersSchema);
}

/** One way a value breaks a tool's output contract: where (dotted path, `''` for the root) and what. */
export interface OutputIssue {
  /** The dotted path of the offending field, `''` for the value itself. */
  readonly path: string;
  /** What is wrong, as the schema says it. */
  readonly message: string;
}

/**
 * The outcome of {@link checkToolOutput}: `ok` with no issues when the value is within the
 * contract (or the tool declares none), else every issue found.
 */
export type ToolOutputCheck = ToolOutputAccepted | ToolOutputRejected;

/**
 * A value that fits the tool's output contract (or a tool with no contract).
 *
 * @example
 * ```ts
 * const accepted: ToolOutputAccepted = { ok: true, issues: [] };
 * ```
 */
export interface ToolOutputAccepted {
  /** The value fits. */
  readonly ok: true;
  /** Nothing is wrong. */
  readonly issues: readonly [];
}

/**
 * A value outside the tool's output contract, with what is wrong where.
 *
 * @example
 * ```ts
 * const rejected: ToolOutputRejected = { ok: false, issues: [{ path: 'price', message: 'Expected number' }] };
 * ```
 */
export interface ToolOutputRejected {
  /** The value does not fit. */
  readonly ok: false;
  /** Each problem, with its path in the value. */
  readonly issues: readonly OutputIssue[];
}

const toolOutputErrorMarker = errorMarker('ToolOutputError');

/**
 * A value a tool produced is outside its declared output contract. Raised by
 * {@link assertToolOutput} (in tests), never by a running session.
 *
 * @example
 * ```ts
 * try {
 *   assertToolOutput(quote, { price: 'high' });
 * } catch (error) {
 *   if (error instanceof ToolOutputError) console.log(error.code, error.issues); // 'OUTPUT_CONTRACT'
 * }
 * ```
 */
export class ToolOutputError extends LivetoolsError {
  /** The tool whose contract was broken. */
  readonly toolName: string;
  /** Every issue found. */
  readonly issues: readonly OutputIssue[];

  constructor(toolName: string, issues: readonly OutputIssue[]) {
    const list = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    super(
      'OUTPUT_CONTRACT',
      `Tool "${toolName}" produced a value outside its output contract: ${list}. ` +
        "Change what execute emits, or the tool's `output` schema (a breaking change for its users when it narrows).",
    );
    this.name = 'ToolOutputError';
    markError(this, toolOutputErrorMarker);
    this.toolName = toolName;
    this.issues = issues;
  }

  /** True when `error` is a `ToolOutputError`, even one created by another copy of the package. */
  static override isInstance(error: unknown): error is ToolOutputError {
    return hasErrorMarker(error, toolOutputErrorMarker);
  }
}

/** The part of a tool {@link checkToolOutput} reads. */
export interface ToolWithOutput {
  /** The tool's name, for messages. */
  readonly name: string;
  /** The declared output contract, if any. */
  readonly output?: OutputSchema | undefined;
}

function issuePath(issue: StandardSchemaV1.Issue): string {
  return (issue.path ?? [])
    .map((segment) => String(typeof segment === 'object' ? segment.key : segment))
    .join('.');
}

/**
 * Checks one value a tool produced against its declared output contract: for the author's tests
 * (the runner never checks, so a running session pays nothing). A value wrapped with `withScheduling()`
 * or `withMedia()` is checked by what it carries. A tool without a contract accepts everything.
 *
 * @param tool - A tool made by `defineStreamingTool` or `defineTool` (or anything with `name` and `output`).
 * @param value - One emission (or a one-shot tool's result), as `execute` produced it.
 * @returns `{ ok: true }` or `{ ok: false, issues }`, each issue with its path.
 * @throws {@link ToolDefinitionError} when the contract has asynchronous refinements (an output
 * contract must be checkable at once), or the schema itself throws.
 *
 * @example
 * ```ts
 * const values = await lastValueFrom(from(quote.execute({ symbol: 'ACME' }, ctx)).pipe(take(3), toArray()));
 * for (const value of values) expect(checkToolOutput(quote, value).issues).toEqual([]);
 * ```
 */
export function checkToolOutput(tool: ToolWithOutput, value: unknown): ToolOutputCheck {
  const output = tool.output;
  if (output === undefined) return { ok: true, issues: [] };
  const carried = isScheduledEmission(value) ? value.value : value;
  let result: ReturnType<OutputSchema['~standard']['validate']>;
  try {
    result = output['~standard'].validate(carried);
  } catch (error) {
    throw new ToolDefinitionError(
      `Tool "${tool.name}": its \`output\` schema threw while checking a value: ${describeError(error)}.`,
    );
  }
  if (result instanceof Promise) {
    result.catch(() => undefined); // not awaited: never an unhandled rejection
    throw new ToolDefinitionError(
      `Tool "${tool.name}": its \`output\` schema is asynchronous; an output contract must be checkable at once (drop async refinements).`,
    );
  }
  if (!result.issues) return { ok: true, issues: [] };
  return {
    ok: false,
    issues: result.issues.map((issue) => ({ path: issuePath(issue), message: issue.message })),
  };
}

/**
 * Like {@link checkToolOutput}, but throws {@link ToolOutputError} (code `OUTPUT_CONTRACT`) naming
 * every issue when the value is outside the contract: one line in a test.
 *
 * @example
 * ```ts
 * const result = await add.execute({ a: 1, b: 2 }, ctx);
 * assertToolOutput(add, result);
 * ```
 */
export function assertToolOutput(tool: ToolWithOutput, value: unknown): void {
  const check = checkToolOutput(tool, value);
  if (!check.ok) throw new ToolOutputError(tool.name, check.issues);
}
