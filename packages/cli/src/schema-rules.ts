import type { JsonSchema } from '@livetools/core';

/** How bad a schema construct is for the Live API: rejected (`error`) or ignored or risky (`warning`). */
export type SchemaSeverity = 'error' | 'warning';

/** One documented rule of {@link lintParametersSchema}. */
export interface SchemaRule {
  /** The JSON Schema keyword or construct. */
  readonly construct: string;
  /** `error` when the Live API rejects it or it cannot be expressed; `warning` when it is ignored or risky. */
  readonly severity: SchemaSeverity;
  /** What happens, and what to write in zod instead. */
  readonly advice: string;
  /** The JSON Schema keywords that are this construct wherever they appear, for rules found by keyword. */
  readonly keywords?: readonly string[];
}

/**
 * What `livetools check` reports in a tool's parameters JSON Schema. Conservative: Gemini accepts
 * a subset of JSON Schema (`type`, `description`, `properties`, `required`, `enum`, `format`,
 * `items`, `minItems`/`maxItems`, `minimum`/`maximum`, `anyOf`, `nullable` types,
 * `additionalProperties`), and support for the rest varies by model and endpoint. Constructs known
 * to be rejected, or that cannot be expressed, are errors; constructs that are ignored are
 * warnings. Keywords that are merely ignored but enforced by livetools anyway (zod validates
 * every call's arguments: `minLength`, `pattern`, `exclusiveMinimum`, `multipleOf`...) are not
 * reported.
 *
 * @example
 * ```ts
 * for (const rule of SCHEMA_RULES) console.log(`${rule.severity}  ${rule.construct}: ${rule.advice}`);
 * ```
 */
export const SCHEMA_RULES: readonly SchemaRule[] = [
  {
    construct: 'recursive $ref',
    severity: 'error',
    advice: 'recursive schemas (z.lazy) cannot be declared to the Live API; flatten the structure',
  },
  {
    construct: 'unresolvable $ref',
    severity: 'error',
    advice: 'the reference points nowhere in the schema',
  },
  {
    construct: '$ref',
    severity: 'warning',
    advice: 'not every Live model resolves references; reuse the zod schema inline instead of registering it',
  },
  {
    construct: 'items: [...]',
    severity: 'error',
    advice: 'tuple-style items arrays are rejected; use an object with named fields',
  },
  {
    construct: 'items: false',
    severity: 'error',
    advice:
      'a zod 4 z.tuple() declares its fixed length with a boolean schema (items: false), which is outside the JSON Schema subset Gemini documents; use an object with named fields',
  },
  {
    construct: 'if/then/else',
    keywords: ['if', 'then', 'else'],
    severity: 'error',
    advice: 'conditional schemas are rejected; use separate optional fields',
  },
  {
    construct: 'not',
    keywords: ['not'],
    severity: 'error',
    advice: 'negated schemas are rejected; describe the constraint instead',
  },
  {
    construct: 'patternProperties',
    keywords: ['patternProperties'],
    severity: 'error',
    advice: 'rejected; use z.record(z.string(), ...) or named properties',
  },
  {
    construct: 'dependentSchemas/dependentRequired/dependencies',
    keywords: ['dependentSchemas', 'dependentRequired', 'dependencies'],
    severity: 'error',
    advice: 'rejected; validate the combination with a zod refinement',
  },
  {
    construct: 'unevaluatedProperties/unevaluatedItems',
    keywords: ['unevaluatedProperties', 'unevaluatedItems'],
    severity: 'error',
    advice: 'rejected; use additionalProperties (z.object is strict by default in the declaration)',
  },
  {
    construct: '$dynamicRef/$recursiveRef',
    keywords: ['$dynamicRef', '$recursiveRef'],
    severity: 'error',
    advice: 'rejected; flatten the structure',
  },
  {
    construct: 'array without items',
    severity: 'error',
    advice: 'Gemini needs the item type of every array; use z.array(z.string()) rather than z.array(z.any())',
  },
  {
    construct: 'type: [a, b]',
    severity: 'warning',
    advice:
      'Gemini documents one type per value (plus "null"); a union of primitives may be rejected, so prefer one type',
  },
  {
    construct: 'allOf',
    keywords: ['allOf'],
    severity: 'warning',
    advice: 'intersections are not supported; merge them into one z.object',
  },
  {
    construct: 'oneOf',
    keywords: ['oneOf'],
    severity: 'warning',
    advice:
      'Gemini reads oneOf as anyOf, so the model may send a value that matches several options, which zod then rejects (z.xor); a z.discriminatedUnion, which zod 4 also declares as oneOf, is not reported: its tag tells the options apart',
  },
  {
    construct: 'const',
    keywords: ['const'],
    severity: 'warning',
    advice: 'may be ignored by the model; use z.enum([value]) for a fixed value',
  },
  {
    construct: 'prefixItems',
    keywords: ['prefixItems'],
    severity: 'warning',
    advice:
      'tuples (a zod 4 z.tuple() with a rest element) are ignored by some Live models; use an object with named fields',
  },
  {
    construct: 'contains/minContains/maxContains',
    keywords: ['contains', 'minContains', 'maxContains'],
    severity: 'warning',
    advice: 'ignored by the model (zod still checks it)',
  },
  {
    construct: 'propertyNames',
    keywords: ['propertyNames'],
    severity: 'warning',
    advice: 'ignored by the model; record keys are unconstrained for it (zod still checks them)',
  },
  {
    construct: 'enum of non-strings',
    severity: 'warning',
    advice: 'enums of strings or numbers are safest; use z.enum([...]) of strings',
  },
  {
    construct: 'no type',
    severity: 'warning',
    advice:
      "the model is told nothing about this value (z.any(), z.unknown(), a loose object's extra keys, or a zod 4 z.coerce.date()); give it a type",
  },
];

/** One problem {@link lintParametersSchema} found. */
export interface SchemaFinding {
  /** Where, as a dotted path from the parameters (`symbol`, `filters.items`, `(root)`). */
  readonly path: string;
  /** Which rule of {@link SCHEMA_RULES}. */
  readonly construct: string;
  /** How bad it is. */
  readonly severity: SchemaSeverity;
  /** A sentence saying what is wrong and what to do. */
  readonly message: string;
}

/** Keyword → the rule it breaks, for the rules found by keyword. */
const KEYWORD_RULES = new Map<string, string>(
  SCHEMA_RULES.flatMap((rule) =>
    (rule.keywords ?? []).map((keyword): [string, string] => [keyword, rule.construct]),
  ),
);

const RULES = new Map(SCHEMA_RULES.map((r) => [r.construct, r]));
const TYPED_BY = ['type', 'anyOf', 'oneOf', 'allOf', 'enum', 'const', '$ref', 'not', 'if'];

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * True when every option is an object that requires one same property, each with its own fixed
 * value (`const` or a one-value `enum`): what zod 4 makes of a z.discriminatedUnion.
 */
function isDiscriminated(options: unknown): boolean {
  if (!Array.isArray(options) || options.length === 0) return false;
  const tagsOf = (option: unknown): Map<string, string> => {
    const tags = new Map<string, string>();
    if (!isSchema(option) || !isSchema(option.properties) || !Array.isArray(option.required)) return tags;
    for (const key of option.required) {
      const property = typeof key === 'string' ? option.properties[key] : undefined;
      if (!isSchema(property)) continue;
      const value =
        'const' in property
          ? property.const
          : Array.isArray(property.enum) && property.enum.length === 1
            ? property.enum[0]
            : undefined;
      if (value !== undefined) tags.set(key, JSON.stringify(value));
    }
    return tags;
  };
  const all = options.map(tagsOf);
  const [first, ...rest] = all;
  return [...(first?.keys() ?? [])].some((key) => {
    const values = all.map((tags) => tags.get(key));
    return rest.every((tags) => tags.has(key)) && new Set(values).size === values.length;
  });
}

/** Resolves a local JSON pointer (`#`, `#/$defs/x`, `#/definitions/x`). */
function resolvePointer(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    let key: string;
    try {
      key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    } catch {
      return undefined; // a malformed escape (`%`) points nowhere: reported as unresolvable
    }
    if (!isSchema(node)) return undefined;
    node = node[key];
  }
  return isSchema(node) ? node : undefined;
}

/** The local references reachable from `node` (through nested subschemas, not through references). */
function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refsIn(item, out);
  else if (isSchema(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value);
      else if (key !== 'enum' && key !== 'const' && key !== 'default' && key !== 'examples')
        refsIn(value, out);
    }
  }
  return out;
}

/** True when following references from `ref` leads back to it. */
function isRecursive(root: JsonSchema, ref: string): boolean {
  const seen = new Set<string>();
  const queue = [ref];
  while (queue.length > 0) {
    const current = queue.shift()!;
    const target = resolvePointer(root, current);
    if (!target) continue;
    for (const next of refsIn(target)) {
      if (next === ref) return true;
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}

/**
 * Lists what in a tool's parameters JSON Schema the Live API rejects or ignores, following
 * {@link SCHEMA_RULES}. Pass the `parametersJsonSchema` of the tool's `declaration()`.
 *
 * @param schema - The parameters' JSON Schema.
 * @returns Every finding, errors and warnings, in document order.
 *
 * @example
 * ```ts
 * const findings = lintParametersSchema(tool.declaration().parametersJsonSchema);
 * for (const f of findings) console.log(`${f.severity} at ${f.path}: ${f.message}`);
 * ```
 */
export function lintParametersSchema(schema: JsonSchema): SchemaFinding[] {
  const findings: SchemaFinding[] = [];
  const add = (path: string, construct: string, detail = ''): void => {
    const rule = RULES.get(construct)!;
    findings.push({
      path: path || '(root)',
      construct,
      severity: rule.severity,
      message: `${path || 'the parameters'}: ${detail || construct} — ${rule.advice}.`,
    });
  };

  const seenRefs = new Set<string>();
  const visit = (node: unknown, path: string): void => {
    if (!isSchema(node)) return;
    for (const key of Object.keys(node)) {
      const construct = KEYWORD_RULES.get(key);
      // z.record(z.string(), ...) says its keys are strings: nothing is lost when that is ignored.
      const trivial =
        (key === 'propertyNames' && JSON.stringify(node[key]) === '{"type":"string"}') ||
        // A fixed-length tuple is reported once, by its items: false.
        (key === 'prefixItems' && node.items === false) ||
        (key === 'oneOf' && isDiscriminated(node.oneOf));
      if (construct && !trivial) add(path, construct, key);
    }
    if (typeof node.$ref === 'string' && !seenRefs.has(node.$ref)) {
      const ref = node.$ref;
      seenRefs.add(ref);
      if (!resolvePointer(schema, ref)) add(path, 'unresolvable $ref', `$ref "${ref}"`);
      else if (isRecursive(schema, ref)) add(path, 'recursive $ref', `$ref "${ref}" refers back to itself`);
      else add(path, '$ref', `$ref "${ref}"`);
    }
    const type = node.type;
    if (Array.isArray(type) && type.filter((t) => t !== 'null').length > 1) {
      add(path, 'type: [a, b]', `type ${JSON.stringify(type)}`);
    }
    const isArray = type === 'array' || (Array.isArray(type) && type.includes('array'));
    if (Array.isArray(node.items)) add(path, 'items: [...]', 'items is an array (a tuple)');
    else if (node.items === false) add(path, 'items: false', 'items: false (a fixed-length tuple)');
    else if (isArray && !isSchema(node.items) && node.prefixItems === undefined)
      add(path, 'array without items');
    if (Array.isArray(node.enum) && node.enum.some((v) => typeof v !== 'string' && typeof v !== 'number')) {
      add(path, 'enum of non-strings', `enum ${JSON.stringify(node.enum)}`);
    }
    if (path !== '' && !TYPED_BY.some((k) => k in node)) add(path, 'no type');

    if (isSchema(node.properties)) {
      for (const [name, child] of Object.entries(node.properties)) visit(child, join(path, name));
    }
    if (isSchema(node.items)) visit(node.items, join(path, '[]'));
    const each = (list: unknown, at: (i: number) => string): void => {
      if (Array.isArray(list)) for (const [i, child] of list.entries()) visit(child, at(i));
    };
    each(node.items, (i) => join(path, `[${i}]`));
    each(node.prefixItems, (i) => join(path, `[${i}]`));
    if (isSchema(node.additionalProperties)) visit(node.additionalProperties, join(path, '*'));
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const)
      each(node[key], (i) => join(path, `${key}[${i}]`));
    for (const key of ['$defs', 'definitions'] as const) {
      const defs = node[key];
      if (isSchema(defs))
        for (const [name, child] of Object.entries(defs)) visit(child, join(path, `${key}.${name}`));
    }
  };
  visit(schema, '');
  return findings;
}

/**
 * The parameters (dotted paths, nested objects and array items included) that have no
 * `description`: the model reads descriptions to fill arguments in, so each one should have one
 * (`z.number().describe('...')`).
 *
 * @param schema - The parameters' JSON Schema.
 * @returns The paths of the parameters without a description, in document order.
 *
 * @example
 * ```ts
 * undocumentedParameters({ type: 'object', properties: { n: { type: 'number' } } }); // ['n']
 * ```
 */
export function undocumentedParameters(schema: JsonSchema): string[] {
  const missing: string[] = [];
  const describedAt = (node: unknown): boolean => {
    if (!isSchema(node)) return false;
    if (typeof node.description === 'string' && node.description.trim() !== '') return true;
    return typeof node.$ref === 'string' && describedAt(resolvePointer(schema, node.$ref));
  };
  const visit = (node: unknown, path: string): void => {
    if (!isSchema(node)) return;
    if (isSchema(node.properties)) {
      for (const [name, child] of Object.entries(node.properties)) {
        const childPath = join(path, name);
        if (!describedAt(child)) missing.push(childPath);
        visit(child, childPath);
      }
    }
    if (isSchema(node.items)) visit(node.items, join(path, '[]'));
    for (const key of ['anyOf', 'oneOf'] as const) {
      const options = node[key];
      if (Array.isArray(options)) for (const child of options) visit(child, path);
    }
  };
  visit(schema, '');
  return missing;
}
