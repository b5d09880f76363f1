import type { JsonSchema } from '@livetools/core';
import { lintParametersSchema, type SchemaFinding } from './schema-rules.js';
import { unsatisfiableTypes } from './zod-type-rules.js';

/** A finding's path without the union and intersection steps (`a.anyOf[1].b` → `a.b`). */
function place(path: string): string {
  return path
    .split('.')
    .filter((step) => !/^(anyOf|oneOf|allOf)\[\d+\]$/.test(step))
    .join('.');
}

/**
 * Everything `livetools check` reports about a tool's parameters: the parameter types no JSON value
 * can satisfy, found in the zod schema, and what the Live API rejects or ignores in its JSON Schema.
 * Where the zod schema already explains a parameter, what its JSON Schema says about it (or about
 * what lies inside it) is left out: `{}` for a `z.date()` is not a second problem.
 *
 * @param parameters - The tool's `parameters` (a zod 4 or zod 3 schema; anything else is linted by its JSON Schema alone).
 * @param jsonSchema - The `parametersJsonSchema` of the tool's declaration.
 * @returns The findings, the zod ones first at each place, in document order.
 *
 * @example
 * ```ts
 * const findings = lintToolParameters(tool.parameters, tool.declaration().parametersJsonSchema);
 * ```
 */
export function lintToolParameters(parameters: unknown, jsonSchema: JsonSchema): SchemaFinding[] {
  let typeFindings: SchemaFinding[];
  try {
    typeFindings = unsatisfiableTypes(parameters);
  } catch {
    // A schema whose definition throws when read (a proxy, a broken getter) is linted by its JSON Schema alone.
    typeFindings = [];
  }
  const explained = typeFindings.map((f) => place(f.path));
  const covered = (path: string): boolean => {
    const at = place(path);
    return explained.some((p) => p === '(root)' || at === p || at.startsWith(`${p}.`));
  };
  const jsonFindings = lintParametersSchema(jsonSchema).filter((f) => !covered(f.path));
  // In the order of the top-level parameters; at each, what its JSON Schema says first.
  const properties =
    typeof jsonSchema.properties === 'object' && jsonSchema.properties !== null
      ? Object.keys(jsonSchema.properties)
      : [];
  const rank = (f: SchemaFinding): number => {
    const i = properties.indexOf(place(f.path).split('.')[0] ?? '');
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  };
  return [...jsonFindings, ...typeFindings].sort((a, b) => rank(a) - rank(b));
}
