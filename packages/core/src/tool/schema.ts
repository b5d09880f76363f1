import type * as z4 from 'zod/v4/core';
import { toJSONSchema } from 'zod/v4/core';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { type ArgumentIssue, describeError, ToolArgumentsError, ToolDefinitionError } from '../errors.js';
import type { StandardSchemaV1 } from './standard-schema.js';

/** A JSON Schema object, as sent in `parametersJsonSchema`. */
export type JsonSchema = { [key: string]: unknown };

/**
 * The schema of a tool's arguments: a zod object schema (zod 4, or zod 3.25+ through `zod/v3`),
 * or any Standard Schema that also carries its JSON Schema (see {@link ParametersSchema}).
 */
export type ParametersSchema = StandardSchemaV1<unknown, Record<string, unknown>>;

interface Zod4Like {
  readonly _zod: { readonly def: { readonly type: string } };
}
interface Zod3Like {
  readonly _def: { readonly typeName?: string };
  readonly safeParse: unknown;
}

function isZod4(schema: unknown): schema is Zod4Like & z4.$ZodType {
  return typeof schema === 'object' && schema !== null && '_zod' in schema;
}

function isZod3(schema: unknown): schema is Zod3Like {
  return typeof schema === 'object' && schema !== null && '_def' in schema && !('_zod' in schema);
}

/**
 * Checks at definition time that `schema` is a zod object schema.
 *
 * @throws {@link ToolDefinitionError} naming the tool and what to pass instead.
 */
export function assertObjectSchema(toolName: string, schema: unknown): asserts schema is ParametersSchema {
  const isObject = isZod4(schema)
    ? schema._zod.def.type === 'object'
    : isZod3(schema)
      ? schema._def.typeName === 'ZodObject'
      : false;
  if (!isObject || !(typeof schema === 'object' && schema !== null && '~standard' in schema)) {
    throw new ToolDefinitionError(
      `Tool "${toolName}": \`parameters\` must be a zod object schema, e.g. z.object({ symbol: z.string() }); ` +
        'use z.object({}) for a tool without arguments.',
    );
  }
}

/** Each schema's JSON Schema, converted once (zod schemas are immutable). */
const jsonSchemas = new WeakMap<object, JsonSchema>();

/**
 * Converts a tool's zod schema to the JSON Schema sent as `parametersJsonSchema`: zod 4's own
 * converter for zod 4 schemas, `zod-to-json-schema` for zod 3 ones. The `$schema` key is dropped.
 * Returns a fresh object on every call.
 */
export function toParametersJsonSchema(schema: ParametersSchema): JsonSchema {
  let json = jsonSchemas.get(schema);
  if (json === undefined) {
    const converted = isZod4(schema)
      ? (toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema)
      : (zodToJsonSchema(schema as never, { $refStrategy: 'none', target: 'jsonSchema7' }) as JsonSchema);
    const { $schema: _ignored, ...rest } = converted;
    json = rest;
    jsonSchemas.set(schema, json);
  }
  // A copy each time: the caller (and the SDK after it) may change what it gets.
  return structuredClone(json);
}

function pathOf(issue: StandardSchemaV1.Issue): string {
  return (issue.path ?? [])
    .map((segment) => String(typeof segment === 'object' ? segment.key : segment))
    .join('.');
}

/** The outcome of {@link validateArguments}: the parsed arguments, or the error to answer with. */
export type ValidationOutcome =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly error: ToolArgumentsError };

function toOutcome(
  toolName: string,
  result: StandardSchemaV1.Result<Record<string, unknown>>,
): ValidationOutcome {
  if (result.issues) {
    const issues: ArgumentIssue[] = result.issues.map((i) => ({ path: pathOf(i), message: i.message }));
    return { ok: false, error: new ToolArgumentsError(toolName, issues) };
  }
  return { ok: true, value: result.value };
}

/**
 * Validates a call's arguments. Synchronous for synchronous schemas; a Promise only when the
 * schema has asynchronous refinements.
 */
export function validateArguments(
  toolName: string,
  schema: ParametersSchema,
  args: unknown,
): ValidationOutcome | Promise<ValidationOutcome> {
  const threw = (error: unknown): ValidationOutcome => ({
    ok: false,
    error: new ToolArgumentsError(toolName, [
      { path: '', message: `the schema threw: ${describeError(error)}` },
    ]),
  });
  let result: ReturnType<ParametersSchema['~standard']['validate']>;
  try {
    result = schema['~standard'].validate(args ?? {});
  } catch (error) {
    return threw(error);
  }
  // An asynchronous validation that rejects is answered like one that throws, never left pending.
  return result instanceof Promise
    ? result.then((r) => toOutcome(toolName, r), threw)
    : toOutcome(toolName, result);
}
