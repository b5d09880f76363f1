import type { JsonSchema } from '@livetools/core';

const isSchema = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A JSON value that satisfies `schema` as far as a smoke run needs: its `default`, first
 * `examples` entry, `const` or first `enum` value, else the smallest value of its type that meets
 * its bounds (`minimum`, `minLength`, `minItems`), objects with their required properties only.
 * Unknown shapes give `null`. @internal
 */
export function sampleValue(schema: unknown, depth = 0): unknown {
  if (!isSchema(schema) || depth > 8) return null;
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      const firstNonNull = options.find((o) => !(isSchema(o) && o.type === 'null')) ?? options[0];
      return sampleValue(firstNonNull, depth + 1);
    }
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return sampleString(schema);
    case 'integer':
    case 'number':
      return sampleNumber(schema, type === 'integer');
    case 'boolean':
      return true;
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const tuple = Array.isArray(schema.prefixItems) ? schema.prefixItems : schema.items;
      if (Array.isArray(tuple)) return tuple.map((item) => sampleValue(item, depth + 1));
      return Array.from({ length: min }, () => sampleValue(schema.items, depth + 1));
    }
    case 'object':
      return sampleArguments(schema, depth + 1);
    case 'null':
      return null;
    default:
      return isSchema(schema.properties) ? sampleArguments(schema, depth + 1) : null;
  }
}

function sampleNumber(schema: JsonSchema, integer: boolean): number {
  const min =
    typeof schema.minimum === 'number'
      ? schema.minimum
      : typeof schema.exclusiveMinimum === 'number'
        ? schema.exclusiveMinimum + (integer ? 1 : 0.5)
        : undefined;
  const max = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  let value = min ?? (max !== undefined && max < 1 ? max : 1);
  if (integer) value = Math.ceil(value);
  return value;
}

const FORMATS: Readonly<Record<string, string>> = {
  'date-time': '2026-01-01T00:00:00Z',
  date: '2026-01-01',
  time: '00:00:00',
  email: 'someone@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  uuid: '00000000-0000-4000-8000-000000000000',
};

function sampleString(schema: JsonSchema): string {
  if (typeof schema.format === 'string' && FORMATS[schema.format] !== undefined) {
    return FORMATS[schema.format] as string;
  }
  const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Math.max(min, 4);
  return 'abcd'
    .repeat(Math.ceil(Math.max(min, Math.min(4, max)) / 4))
    .slice(0, Math.max(min, Math.min(4, max)));
}

/**
 * Arguments for one smoke call of a tool, built from its parameters' JSON Schema: each required
 * property gets {@link sampleValue}; optional ones are left out (the tool's own defaults apply).
 *
 * @example
 * ```ts
 * sampleArguments({ type: 'object', properties: { seconds: { type: 'integer', minimum: 1 } }, required: ['seconds'] });
 * // { seconds: 1 }
 * ```
 * @internal
 */
export function sampleArguments(schema: JsonSchema, depth = 0): Record<string, unknown> {
  const properties = isSchema(schema.properties) ? (schema.properties as Record<string, unknown>) : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  return Object.fromEntries(
    Object.entries(properties)
      .filter(([name]) => required.has(name))
      .map(([name, p]) => [name, sampleValue(p, depth)]),
  );
}
