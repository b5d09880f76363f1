import type { JsonSchema } from '@livetools/core';

/** How deep {@link schemaType} spells out nested objects before it writes `{…}`. */
const MAX_DEPTH = 3;

const isSchema = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The properties of an object schema, `{}` when it has none. */
export function propertiesOf(schema: JsonSchema): Record<string, JsonSchema> {
  const properties = schema.properties;
  if (!isSchema(properties)) return {};
  const out: Record<string, JsonSchema> = {};
  for (const [name, value] of Object.entries(properties)) out[name] = isSchema(value) ? value : {};
  return out;
}

/** The names an object schema lists as required. */
export function requiredOf(schema: JsonSchema): Set<string> {
  return new Set(
    Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [],
  );
}

/** The alternatives of an `anyOf` / `oneOf` schema, or undefined. */
export function alternativesOf(schema: JsonSchema): JsonSchema[] | undefined {
  const list = Array.isArray(schema.anyOf)
    ? schema.anyOf
    : Array.isArray(schema.oneOf)
      ? schema.oneOf
      : undefined;
  return list?.filter(isSchema);
}

/**
 * A JSON Schema written as a short TypeScript-like type, for people: `number`, `"buy" | "sell"`,
 * `string[]`, `{ price: number, note?: string }`. Nested objects deeper than three levels are `{…}`.
 *
 * @param schema - A JSON Schema as zod emits it (`toJSONSchema` or zod-to-json-schema).
 * @param depth - How deep this schema sits in the one being written (0 for the whole).
 * @returns The type, on one line.
 *
 * @example
 * ```ts
 * schemaType({ type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] }); // '{ n: integer }'
 * ```
 */
export function schemaType(schema: JsonSchema, depth = 0): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ') || 'never';
  const alternatives = alternativesOf(schema);
  if (alternatives) return alternatives.map((a) => schemaType(a, depth)).join(' | ') || 'never';
  if (Array.isArray(schema.type))
    return schema.type.map((t) => schemaType({ ...schema, type: t }, depth)).join(' | ');
  switch (schema.type) {
    case 'array': {
      if (Array.isArray(schema.prefixItems)) {
        return `[${schema.prefixItems.map((i) => (isSchema(i) ? schemaType(i, depth + 1) : 'unknown')).join(', ')}]`;
      }
      const items = isSchema(schema.items) ? schemaType(schema.items, depth + 1) : 'unknown';
      return items.includes(' ') && !items.startsWith('{') ? `(${items})[]` : `${items}[]`;
    }
    case 'object': {
      const properties = propertiesOf(schema);
      const names = Object.keys(properties);
      if (names.length === 0)
        return isSchema(schema.additionalProperties)
          ? `Record<string, ${schemaType(schema.additionalProperties, depth + 1)}>`
          : '{}';
      if (depth >= MAX_DEPTH) return '{…}';
      const required = requiredOf(schema);
      const fields = names.map(
        (name) => `${name}${required.has(name) ? '' : '?'}: ${schemaType(properties[name] ?? {}, depth + 1)}`,
      );
      return `{ ${fields.join(', ')} }`;
    }
    case undefined:
      return 'unknown';
    default:
      return String(schema.type);
  }
}

/** One field of an object schema, described for people. */
export interface FieldDescription {
  /** The field's name. */
  readonly name: string;
  /** Its type, as {@link schemaType} writes it. */
  readonly type: string;
  /** True when the schema lists it as required. */
  readonly required: boolean;
  /** Its `description`, if any. */
  readonly description?: string;
}

/**
 * The fields of an object schema (a tool's parameters, or an object output contract), in order.
 *
 * @example
 * ```ts
 * describeFields(tool.declaration().parametersJsonSchema).map((f) => f.name);
 * ```
 */
export function describeFields(schema: JsonSchema): FieldDescription[] {
  const required = requiredOf(schema);
  return Object.entries(propertiesOf(schema)).map(([name, field]) => ({
    name,
    type: schemaType(field, 1),
    required: required.has(name),
    ...(typeof field.description === 'string' ? { description: field.description } : {}),
  }));
}

/**
 * A field as one line: `symbol (string, required): The ticker.`
 *
 * @example
 * ```ts
 * fieldLine({ name: 'n', type: 'integer', required: true }); // 'n (integer, required)'
 * ```
 */
export function fieldLine(field: FieldDescription): string {
  return `${field.name} (${field.type}${field.required ? ', required' : ''})${field.description ? `: ${field.description}` : ''}`;
}
