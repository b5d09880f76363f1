import type { JsonSchema } from '@livetools/core';
import type { PackageSummary, ToolSummary } from './info-package.js';
import { alternativesOf, propertiesOf, requiredOf, schemaType } from './info-schema.js';

/** How a change affects the package's users: `breaking` fails the check, `info` is listed. */
export type ChangeSeverity = 'breaking' | 'info';

/** One difference between the previous version of a package and this one. */
export interface SchemaChange {
  /** Whether users built against the previous version can break. */
  readonly severity: ChangeSeverity;
  /** The name of the tool it concerns. */
  readonly toolName: string;
  /**
   * Where: `parameters.<name>` (nested `parameters.a.b`, array items `parameters.a[]`),
   * `output.<field>`, `output` for the contract as a whole, or `''` for the tool itself.
   */
  readonly path: string;
  /** What changed, in one sentence. */
  readonly message: string;
}

/**
 * A change to one schema, seen from the values it accepts: `narrowed` when some value it accepted
 * is now refused, `widened` when it now accepts a value it refused, `removed` / `added` for fields.
 */
type Direction = 'narrowed' | 'widened';

interface Finding {
  readonly path: string;
  readonly direction: Direction | 'removed' | 'added-required' | 'added-optional';
  readonly message: string;
}

const json = (value: unknown): string => JSON.stringify(value);

/** The JSON types a schema admits (`integer` is kept apart from `number`), or undefined for any. */
function typesOf(schema: JsonSchema): Set<string> | undefined {
  const alternatives = alternativesOf(schema);
  if (alternatives) {
    const all = new Set<string>();
    for (const alternative of alternatives) {
      const inner = typesOf(alternative);
      if (inner === undefined) return undefined;
      for (const t of inner) all.add(t);
    }
    return all;
  }
  if (typeof schema.type === 'string') return new Set([schema.type]);
  if (Array.isArray(schema.type))
    return new Set(schema.type.filter((t): t is string => typeof t === 'string'));
  if (Array.isArray(schema.enum)) {
    return new Set(
      schema.enum.map((v) =>
        v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? 'number' : typeof v,
      ),
    );
  }
  if (schema.const !== undefined) return typesOf({ enum: [schema.const] });
  return undefined;
}

/** True when every value of type `t` is accepted by one of `types`. */
const covered = (t: string, types: Set<string> | undefined): boolean =>
  types === undefined || types.has(t) || (t === 'integer' && types.has('number'));

const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'] as const;
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'] as const;
const EXACT = ['pattern', 'format', 'const', 'multipleOf'] as const;

function compareBounds(prev: JsonSchema, next: JsonSchema, path: string, out: Finding[]): void {
  // zod 4 gives every .int() the safe-integer range as bounds: those bound nothing a call can send.
  const num = (v: unknown): number | undefined =>
    typeof v === 'number' && Math.abs(v) < Number.MAX_SAFE_INTEGER ? v : undefined;
  for (const key of LOWER_BOUNDS) {
    const a = num(prev[key]);
    const b = num(next[key]);
    if (a === b) continue;
    if (b !== undefined && (a === undefined || b > a))
      out.push({ path, direction: 'narrowed', message: `${key} raised from ${a ?? 'none'} to ${b}` });
    else out.push({ path, direction: 'widened', message: `${key} lowered from ${a} to ${b ?? 'none'}` });
  }
  for (const key of UPPER_BOUNDS) {
    const a = num(prev[key]);
    const b = num(next[key]);
    if (a === b) continue;
    if (b !== undefined && (a === undefined || b < a))
      out.push({ path, direction: 'narrowed', message: `${key} lowered from ${a ?? 'none'} to ${b}` });
    else out.push({ path, direction: 'widened', message: `${key} raised from ${a} to ${b ?? 'none'}` });
  }
  for (const key of EXACT) {
    const a = prev[key];
    const b = next[key];
    if (json(a) === json(b)) continue;
    if (a === undefined) out.push({ path, direction: 'narrowed', message: `${key} ${json(b)} added` });
    else if (b === undefined) out.push({ path, direction: 'widened', message: `${key} ${json(a)} dropped` });
    else {
      const message = `${key} changed from ${json(a)} to ${json(b)}`;
      out.push({ path, direction: 'narrowed', message }, { path, direction: 'widened', message });
    }
  }
  if (prev.additionalProperties !== false && next.additionalProperties === false)
    out.push({
      path,
      direction: 'narrowed',
      message: 'no longer accepts other fields (additionalProperties: false)',
    });
}

function compareEnums(prev: JsonSchema, next: JsonSchema, path: string, out: Finding[]): void {
  const a = Array.isArray(prev.enum) ? prev.enum.map(json) : undefined;
  const b = Array.isArray(next.enum) ? next.enum.map(json) : undefined;
  if (a === undefined && b === undefined) return;
  if (a === undefined) {
    out.push({ path, direction: 'narrowed', message: `limited to ${b?.join(' | ')}` });
    return;
  }
  if (b === undefined) {
    out.push({ path, direction: 'widened', message: `no longer limited to ${a.join(' | ')}` });
    return;
  }
  const gone = a.filter((v) => !b.includes(v));
  const added = b.filter((v) => !a.includes(v));
  if (gone.length > 0)
    out.push({ path, direction: 'narrowed', message: `no longer allows ${gone.join(', ')}` });
  if (added.length > 0)
    out.push({ path, direction: 'widened', message: `now also allows ${added.join(', ')}` });
}

function compareSchemas(prev: JsonSchema, next: JsonSchema, path: string, out: Finding[]): void {
  if (json(prev) === json(next)) return;
  const prevAlternatives = alternativesOf(prev);
  const nextAlternatives = alternativesOf(next);
  const complex = (list: JsonSchema[] | undefined): boolean =>
    list?.some((s) => s.type === 'object' || s.type === 'array' || alternativesOf(s) !== undefined) === true;
  if (complex(prevAlternatives) || complex(nextAlternatives)) {
    // Unions of objects or arrays are not compared member by member: any change counts both ways.
    const message = `changed from ${schemaType(prev)} to ${schemaType(next)} (a union: not compared in detail, check it by hand)`;
    out.push({ path, direction: 'narrowed', message }, { path, direction: 'widened', message });
    return;
  }
  const a = typesOf(prev);
  const b = typesOf(next);
  const lost = a === undefined ? (b === undefined ? [] : ['any']) : [...a].filter((t) => !covered(t, b));
  const gained = b === undefined ? (a === undefined ? [] : ['any']) : [...b].filter((t) => !covered(t, a));
  const change = `type ${schemaType(prev)} → ${schemaType(next)}`;
  if (lost.length > 0)
    out.push({ path, direction: 'narrowed', message: `${change}: no longer accepts ${lost.join(', ')}` });
  if (gained.length > 0)
    out.push({ path, direction: 'widened', message: `${change}: now also accepts ${gained.join(', ')}` });
  compareEnums(prev, next, path, out);
  compareBounds(prev, next, path, out);
  if (prev.type === 'object' || next.type === 'object') compareObjects(prev, next, path, out);
  if (prev.type === 'array' && next.type === 'array') {
    const items = (s: JsonSchema): JsonSchema =>
      typeof s.items === 'object' && s.items !== null && !Array.isArray(s.items)
        ? (s.items as JsonSchema)
        : {};
    compareSchemas(items(prev), items(next), `${path}[]`, out);
  }
}

function compareObjects(prev: JsonSchema, next: JsonSchema, path: string, out: Finding[]): void {
  const a = propertiesOf(prev);
  const b = propertiesOf(next);
  const aRequired = requiredOf(prev);
  const bRequired = requiredOf(next);
  const at = (name: string): string => (path ? `${path}.${name}` : name);
  for (const [name, schema] of Object.entries(a)) {
    const now = b[name];
    if (now === undefined) {
      out.push({ path: at(name), direction: 'removed', message: 'removed (or renamed)' });
      continue;
    }
    if (!aRequired.has(name) && bRequired.has(name))
      out.push({ path: at(name), direction: 'narrowed', message: 'now required' });
    if (aRequired.has(name) && !bRequired.has(name))
      out.push({ path: at(name), direction: 'widened', message: 'now optional' });
    compareSchemas(schema, now, at(name), out);
  }
  for (const name of Object.keys(b)) {
    if (name in a) continue;
    out.push({
      path: at(name),
      direction: bRequired.has(name) ? 'added-required' : 'added-optional',
      message: bRequired.has(name) ? 'added, required' : 'added, optional',
    });
  }
}

/**
 * Parameters: the model sends arguments that fitted the previous schema, so every narrowing
 * (a removed or new required parameter, a tighter type, enum or bound) breaks; widening is info.
 */
function parameterChanges(toolName: string, prev: JsonSchema, next: JsonSchema): SchemaChange[] {
  const findings: Finding[] = [];
  compareObjects(prev, next, '', findings);
  return findings.map((f) => ({
    severity:
      f.direction === 'narrowed' || f.direction === 'removed' || f.direction === 'added-required'
        ? 'breaking'
        : 'info',
    toolName,
    path: `parameters.${f.path}`,
    message: `parameter ${f.path} ${f.message}`,
  }));
}

/**
 * Output: users read values that fitted the previous contract, so every widening (a removed
 * field, a field made optional, a looser type, enum or bound) breaks; narrowing is info.
 */
function outputChanges(toolName: string, prev: JsonSchema, next: JsonSchema): SchemaChange[] {
  const findings: Finding[] = [];
  compareSchemas(prev, next, '', findings);
  return findings.map((f) => ({
    severity: f.direction === 'widened' || f.direction === 'removed' ? 'breaking' : 'info',
    toolName,
    path: f.path ? `output.${f.path}` : 'output',
    message: `output${f.path ? ` field ${f.path}` : ''} ${f.message}`,
  }));
}

function toolChanges(prev: ToolSummary, next: ToolSummary): SchemaChange[] {
  const changes = parameterChanges(next.name, prev.parameters, next.parameters);
  if (prev.kind !== next.kind) {
    changes.push({
      severity: 'breaking',
      toolName: next.name,
      path: '',
      message: `changed from a ${prev.kind} tool to a ${next.kind} tool`,
    });
  }
  if (prev.output !== undefined && next.output === undefined) {
    changes.push({
      severity: 'breaking',
      toolName: next.name,
      path: 'output',
      message: 'output contract removed: users can no longer rely on what it sends',
    });
  } else if (prev.output === undefined && next.output !== undefined) {
    changes.push({ severity: 'info', toolName: next.name, path: 'output', message: 'output contract added' });
  } else if (prev.output !== undefined && next.output !== undefined) {
    changes.push(...outputChanges(next.name, prev.output, next.output));
  }
  return changes;
}

/**
 * Every change from the previous version of a tool package to this one that matters to its
 * users: removed tools, parameter changes (breaking when the model's calls that fitted the previous
 * schema may now fail) and output contract changes (breaking when what users read may no longer
 * fit the previous contract). Additions that break nothing are `info`.
 *
 * @param previous - The previous version, summarized.
 * @param next - This version, summarized.
 * @returns The changes, breaking ones first, each with its tool and path.
 *
 * @example
 * ```ts
 * const changes = compareSummaries(await summarizePackage(previousDir, cwd), await summarizePackage('.', cwd));
 * const breaking = changes.filter((c) => c.severity === 'breaking');
 * ```
 */
export function compareSummaries(previous: PackageSummary, next: PackageSummary): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const nextByName = new Map(next.tools.map((t) => [t.name, t]));
  const prevNames = new Set(previous.tools.map((t) => t.name));
  for (const prev of previous.tools) {
    const now = nextByName.get(prev.name);
    if (now === undefined) {
      changes.push({
        severity: 'breaking',
        toolName: prev.name,
        path: '',
        message: `tool ${prev.name} removed (or renamed): sessions and prompts that name it break`,
      });
    } else {
      changes.push(...toolChanges(prev, now));
    }
  }
  for (const tool of next.tools) {
    if (!prevNames.has(tool.name))
      changes.push({ severity: 'info', toolName: tool.name, path: '', message: `tool ${tool.name} added` });
  }
  return [
    ...changes.filter((c) => c.severity === 'breaking'),
    ...changes.filter((c) => c.severity === 'info'),
  ];
}
