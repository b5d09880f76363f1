import type { AnyTool, ToolPackage } from '@livetools/core';
import { messageOf } from './cli-error.js';

/** One problem {@link checkDefaults} found, with what to do. */
export interface DefaultsProblem {
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** What to do about it. */
  readonly hint: string;
}

/** What {@link checkDefaults} found. */
export interface DefaultsCheck {
  /** The problems: a default for a required parameter, or a value the parameter refuses. */
  readonly problems: readonly DefaultsProblem[];
  /** The keys that name a parameter of some tool, and passed. */
  readonly checked: readonly string[];
  /** The keys that name no parameter (package options documented there): not checked. */
  readonly unmatched: readonly string[];
}

interface StandardLike {
  readonly '~standard': { validate(value: unknown): unknown };
}

type Issues = { readonly issues?: readonly { readonly message: string }[] };

/** A tool's top-level parameter schema by name (zod 4 `_zod.def.shape`, zod 3 `shape`), or undefined. */
function parameterSchema(tool: AnyTool, key: string): StandardLike | undefined {
  const parameters = tool.parameters as unknown as Record<string, unknown>;
  const zod4 = (parameters._zod as { def?: { shape?: unknown } } | undefined)?.def?.shape;
  const shape = (zod4 ?? parameters.shape) as Record<string, unknown> | undefined;
  const schema = shape && Object.hasOwn(shape, key) ? shape[key] : undefined;
  return typeof schema === 'object' && schema !== null && '~standard' in schema
    ? (schema as StandardLike)
    : undefined;
}

/** The issues of validating `value` synchronously; undefined when the validation is asynchronous. */
function issuesOf(schema: StandardLike, value: unknown): readonly { message: string }[] | undefined {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) return undefined;
  return (result as Issues).issues ?? [];
}

/**
 * Checks a manifest's `defaults` against the tools' parameters: a key that names a top-level
 * parameter of a tool must be a default for an optional parameter (a required one is always sent,
 * so its default never applies), and a value that parameter accepts, or `null` for "none when left
 * out". Keys that name no parameter
 * document package options (such as the quote source of a factory) and are not checked.
 *
 * @param manifest - The package's `toolPackage`.
 * @returns The problems, and which keys were checked or not.
 *
 * @example
 * ```ts
 * for (const p of checkDefaults(toolPackage).problems) console.log(p.message, p.hint);
 * ```
 */
export function checkDefaults(manifest: ToolPackage): DefaultsCheck {
  const problems: DefaultsProblem[] = [];
  const checked: string[] = [];
  const unmatched: string[] = [];
  const defaults =
    typeof manifest.defaults === 'object' && manifest.defaults !== null ? manifest.defaults : {};
  for (const [key, value] of Object.entries(defaults)) {
    let matched = false;
    let ok = true;
    for (const tool of manifest.tools) {
      let schema: StandardLike | undefined;
      try {
        schema = parameterSchema(tool, key);
        if (!schema) continue;
        matched = true;
        const absent = issuesOf(schema, undefined);
        if (absent !== undefined && absent.length > 0) {
          ok = false;
          problems.push({
            message: `defaults.${key} is a default for a required parameter of ${tool.name}: the model always sends it, so the default never applies.`,
            hint: `Make it optional in the schema (.optional(), or .default(${JSON.stringify(value)}) to apply it there), or drop it from defaults.`,
          });
          continue;
        }
        // null documents that leaving the parameter out means none (a watch that runs until stopped).
        if (value === null) continue;
        const issues = issuesOf(schema, value);
        if (issues !== undefined && issues.length > 0) {
          ok = false;
          problems.push({
            message: `defaults.${key} is ${JSON.stringify(value)}, which ${tool.name} does not accept for ${key}: ${issues.map((i) => i.message).join('; ')}.`,
            hint: 'Give the value the parameter takes, or fix the schema.',
          });
        }
      } catch (error) {
        ok = false;
        problems.push({
          message: `defaults.${key} could not be checked against ${tool.name}'s parameters: ${messageOf(error)}`,
          hint: 'Use a zod object schema for the parameters.',
        });
      }
    }
    if (!matched) unmatched.push(key);
    else if (ok) checked.push(key);
  }
  return { problems, checked, unmatched };
}
