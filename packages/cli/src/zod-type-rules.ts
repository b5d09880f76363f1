import type { SchemaFinding, SchemaRule } from './schema-rules.js';

/**
 * The zod types no JSON value can satisfy: the model sends JSON, so a parameter of one of these
 * types fails every call with `INVALID_ARGUMENTS`. Their JSON Schema cannot tell them apart (zod 4
 * turns most of them into `{}`, zod 3 into a plain string or array, or leaves them out), so
 * `livetools check` finds them in the zod schema itself. Each is an error, with what to write instead.
 */
export const ZOD_TYPE_RULES: readonly SchemaRule[] = [
  {
    construct: 'z.date()',
    severity: 'error',
    advice:
      'no JSON value is a Date; use z.iso.datetime() (zod 3: z.string().datetime()) and make the Date in execute, or z.coerce.date()',
  },
  {
    construct: 'z.bigint()',
    severity: 'error',
    advice:
      'no JSON value is a bigint; use z.number().int(), or a string of digits (z.string().regex(/^\\d+$/)) passed to BigInt() in execute',
  },
  {
    construct: 'z.set()',
    severity: 'error',
    advice: 'JSON has no sets; use an array (z.array(...), and new Set() in execute if you need one)',
  },
  {
    construct: 'z.map()',
    severity: 'error',
    advice: 'JSON has no maps; use a record (z.record(z.string(), ...)) or an array of objects',
  },
  {
    construct: 'z.symbol()',
    severity: 'error',
    advice: 'JSON has no symbols; use z.string() or z.enum([...])',
  },
  {
    construct: 'z.custom()',
    severity: 'error',
    advice:
      'the model is told nothing about a z.custom() or z.instanceof() value, and no JSON value is a class instance; describe it with a JSON type (z.string(), z.object({...})) and add .refine() for the check',
  },
  {
    construct: 'z.undefined()',
    severity: 'error',
    advice: 'only a missing value passes; remove the parameter',
  },
  {
    construct: 'z.void()',
    severity: 'error',
    advice: 'only a missing value passes; remove the parameter',
  },
  {
    construct: 'z.never()',
    severity: 'error',
    advice: 'no value passes; remove the parameter',
  },
  {
    construct: 'z.nan()',
    severity: 'error',
    advice: 'JSON has no NaN; use z.number()',
  },
  {
    construct: 'z.function()',
    severity: 'error',
    advice: 'JSON has no functions; take a name (z.enum([...])) and pick the function in execute',
  },
  {
    construct: 'z.promise()',
    severity: 'error',
    advice:
      'arguments arrive as plain JSON; use the inner schema (z.string() rather than z.promise(z.string()))',
  },
  {
    construct: 'z.file()',
    severity: 'error',
    advice: 'JSON has no files; take a URL or a base64 string (z.string()) and fetch or decode it in execute',
  },
  {
    construct: 'recursive z.lazy() (zod 3)',
    severity: 'error',
    advice:
      'zod-to-json-schema cuts a recursive zod 3 schema off here, so the model is told nothing below it, and the Live API takes no recursive schemas; flatten the structure',
  },
];

/** How deep a schema is walked: deeper than any real parameters, shallow enough for any stack. */
const MAX_DEPTH = 64;

const RULES = new Map(ZOD_TYPE_RULES.map((r) => [r.construct, r]));

/** zod 4 `def.type` → the rule. */
const ZOD4: Readonly<Record<string, string>> = {
  date: 'z.date()',
  bigint: 'z.bigint()',
  set: 'z.set()',
  map: 'z.map()',
  symbol: 'z.symbol()',
  custom: 'z.custom()',
  undefined: 'z.undefined()',
  void: 'z.void()',
  never: 'z.never()',
  nan: 'z.nan()',
  function: 'z.function()',
  promise: 'z.promise()',
  file: 'z.file()',
};

/** zod 3 `_def.typeName` → the rule. */
const ZOD3: Readonly<Record<string, string>> = {
  ZodDate: 'z.date()',
  ZodBigInt: 'z.bigint()',
  ZodSet: 'z.set()',
  ZodMap: 'z.map()',
  ZodSymbol: 'z.symbol()',
  ZodUndefined: 'z.undefined()',
  ZodVoid: 'z.void()',
  ZodNever: 'z.never()',
  ZodNaN: 'z.nan()',
  ZodFunction: 'z.function()',
  ZodPromise: 'z.promise()',
};

type Def = Readonly<Record<string, unknown>>;

function record(value: unknown): Def | undefined {
  return typeof value === 'object' && value !== null ? (value as Def) : undefined;
}

/** zod 4's definition of a schema (`schema._zod.def`), or undefined. */
function def4(schema: unknown): Def | undefined {
  return record(record(record(schema)?._zod)?.def);
}

/** zod 3's definition of a schema (`schema._def`, without `_zod`), or undefined. */
function def3(schema: unknown): Def | undefined {
  const s = record(schema);
  return s && !('_zod' in s) ? record(s._def) : undefined;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function call(value: unknown): unknown {
  try {
    return typeof value === 'function' ? (value as () => unknown)() : value;
  } catch {
    return undefined;
  }
}

/**
 * Walks a tool's zod parameters schema (zod 4, or zod 3.25+ through `zod/v3`) and lists the
 * parameters whose type no JSON value can satisfy ({@link ZOD_TYPE_RULES}), at the dotted paths
 * `lintParametersSchema` uses for the same place in the JSON Schema (`a.b`, `list.[]`, `map.*`,
 * `either.anyOf[1]`). Anything that is not a zod schema yields nothing.
 *
 * @param schema - The tool's `parameters`.
 * @returns One error per such parameter, in document order.
 *
 * @example
 * ```ts
 * unsatisfiableTypes(z.object({ since: z.date() }))[0]?.construct; // 'z.date()'
 * ```
 */
export function unsatisfiableTypes(schema: unknown): SchemaFinding[] {
  const findings: SchemaFinding[] = [];
  const add = (path: string, construct: string): void => {
    const rule = RULES.get(construct)!;
    findings.push({
      path: path || '(root)',
      construct,
      severity: rule.severity,
      message: `${path || 'the parameters'}: ${construct} — ${rule.advice}.`,
    });
  };
  // Schemas on the current branch: a recursive (z.lazy or getter) schema is walked once per branch.
  const onPath = new Set<unknown>();

  const visit = (node: unknown, path: string): void => {
    const d4 = def4(node);
    const d3 = d4 ? undefined : def3(node);
    if (!d4 && !d3) return;
    if (onPath.has(node)) {
      // zod 4 declares recursion with a $ref (reported from the JSON Schema); zod 3's converter drops it.
      if (d3) add(path, 'recursive z.lazy() (zod 3)');
      return;
    }
    if (onPath.size >= MAX_DEPTH) return;
    onPath.add(node);
    try {
      if (d4) visit4(d4, path);
      else if (d3) visit3(d3, path);
    } finally {
      onPath.delete(node);
    }
  };

  const visit4 = (def: Def, path: string): void => {
    const type = String(def.type);
    const rule = ZOD4[type];
    if (rule) {
      // A coerced date or bigint takes a string or number: JSON can satisfy it.
      if (!(def.coerce === true && (type === 'date' || type === 'bigint'))) add(path, rule);
      return;
    }
    switch (type) {
      case 'object': {
        const shape = record(call(def.shape));
        for (const [name, child] of Object.entries(shape ?? {})) visit(child, join(path, name));
        // A strict object's catchall is z.never(): no extra key allowed, not a parameter of that type.
        if (def.catchall !== undefined && def4(def.catchall)?.type !== 'never')
          visit(def.catchall, join(path, '*'));
        return;
      }
      case 'array':
        visit(def.element, join(path, '[]'));
        return;
      case 'tuple':
        for (const [i, item] of list(def.items).entries()) visit(item, join(path, `[${i}]`));
        if (def.rest) visit(def.rest, join(path, '[]'));
        return;
      case 'record':
        visit(def.valueType, join(path, '*'));
        return;
      case 'union': {
        // zod 4 declares a discriminated union as oneOf, any other union as anyOf.
        const key = def.discriminator === undefined ? 'anyOf' : 'oneOf';
        for (const [i, option] of list(def.options).entries()) visit(option, join(path, `${key}[${i}]`));
        return;
      }
      case 'intersection':
        visit(def.left, path);
        visit(def.right, path);
        return;
      case 'pipe':
        // Arguments are parsed from the input side (a transform's input is what JSON must satisfy).
        visit(def.in, path);
        return;
      case 'lazy':
        visit(call(def.getter), path);
        return;
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'nonoptional':
      case 'catch':
      case 'readonly':
        visit(def.innerType, path);
        return;
      default:
        return;
    }
  };

  const visit3 = (def: Def, path: string): void => {
    const typeName = String(def.typeName);
    const rule = ZOD3[typeName];
    if (rule) {
      if (!(def.coerce === true && (typeName === 'ZodDate' || typeName === 'ZodBigInt'))) add(path, rule);
      return;
    }
    switch (typeName) {
      case 'ZodObject': {
        const shape = record(call(def.shape));
        for (const [name, child] of Object.entries(shape ?? {})) visit(child, join(path, name));
        return;
      }
      case 'ZodArray':
        visit(def.type, join(path, '[]'));
        return;
      case 'ZodTuple':
        for (const [i, item] of list(def.items).entries()) visit(item, join(path, `[${i}]`));
        if (def.rest) visit(def.rest, join(path, '[]'));
        return;
      case 'ZodRecord':
        visit(def.valueType, join(path, '*'));
        return;
      case 'ZodUnion':
      case 'ZodDiscriminatedUnion':
        for (const [i, option] of list(def.options).entries()) visit(option, join(path, `anyOf[${i}]`));
        return;
      case 'ZodIntersection':
        visit(def.left, join(path, 'allOf[0]'));
        visit(def.right, join(path, 'allOf[1]'));
        return;
      case 'ZodEffects': {
        // zod 3's z.custom() and z.instanceof() are z.any() with a refinement.
        const inner = def3(def.schema);
        if (inner?.typeName === 'ZodAny' && record(def.effect)?.type === 'refinement') {
          add(path, 'z.custom()');
          return;
        }
        visit(def.schema, path);
        return;
      }
      case 'ZodPipeline':
        visit(def.in, path);
        return;
      case 'ZodLazy':
        visit(call(def.getter), path);
        return;
      case 'ZodBranded':
        visit(def.type, path);
        return;
      case 'ZodOptional':
      case 'ZodNullable':
      case 'ZodDefault':
      case 'ZodCatch':
      case 'ZodReadonly':
        visit(def.innerType, path);
        return;
      default:
        return;
    }
  };

  visit(schema, '');
  return findings;
}
