import { describeError } from '../errors.js';

/**
 * @internal
 * Deepest nesting of objects and arrays a value may have. Deeper values are refused rather than
 * risking a stack overflow while they are checked or serialised.
 */
export const MAX_WIRE_DEPTH = 256;

/** @internal Why a value cannot go on the wire, and where it is. */
export class WireRefusal {
  /** Keys from the offending value up to the root (reversed: pushed while unwinding). */
  readonly segments: (string | number)[] = [];

  /** What is wrong: `is a BigInt`, or a function of the path for cycles. */
  readonly #what: string | ((pathTo: (depth: number) => string) => string);

  constructor(
    what: string | ((pathTo: (depth: number) => string) => string),
    /** What to do about it. */
    readonly hint: string,
  ) {
    this.#what = what;
  }

  /** The path of the offending value, from `result`: `result.orders[3].id`. */
  get path(): string {
    return this.#pathTo(this.segments.length);
  }

  /** What is wrong with the value. */
  get problem(): string {
    return typeof this.#what === 'string' ? this.#what : this.#what((depth) => this.#pathTo(depth));
  }

  /** The path of the ancestor `depth` levels below the root. */
  #pathTo(depth: number): string {
    let path = 'result';
    for (let i = this.segments.length - 1; i >= this.segments.length - depth; i--) {
      const key = this.segments[i]!;
      path +=
        typeof key === 'number' ? `[${key}]` : IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    }
    return path;
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Marks an undefined property, which is left out. */
const DROP: unique symbol = Symbol('drop');

type Walked = unknown | WireRefusal | typeof DROP;

/**
 * @internal
 * Makes a tool's value safe to send as JSON, or says why it cannot be. Plain JSON data (strings,
 * finite numbers, booleans, null, plain objects and arrays of them) is returned as it is, without
 * a copy; values JSON would change silently are converted or refused, by one rule:
 *
 * - converted: a `Date` becomes its ISO string; an object or array with `toJSON()` becomes what it
 *   returns; a boxed primitive its primitive; an `undefined` property is left out; an `undefined`
 *   value as a whole becomes `null` (a tool that returns nothing);
 * - refused: BigInt, NaN and ±Infinity, functions, Symbols, an `undefined` array element (or an
 *   empty slot), an invalid Date, Map, Set, WeakMap, WeakSet, Promise, ArrayBuffer and typed
 *   arrays, cycles, nesting deeper than {@link MAX_WIRE_DEPTH}, and anything whose reading throws
 *   (a getter, a `toJSON`, a Proxy trap).
 *
 * Symbol-keyed and non-enumerable properties are ignored, as JSON does. Only a part that changes is
 * copied; the tool's own value is never modified.
 */
export function toWireValue(value: unknown): unknown | WireRefusal {
  try {
    if (isPlainJson(value)) return value;
  } catch {
    // a getter or a Proxy threw: the full walk below says where
  }
  try {
    const out = walk(value, 0, []);
    return out === DROP ? null : out;
  } catch (error) {
    return unreadable(error); // a value that changes while it is read; never thrown further
  }
}

/**
 * The fast path: true when `value` is plain JSON data that goes on the wire as it is. Allocates
 * nothing and tracks no ancestors (a cycle ends at the depth limit); anything unusual, or a read
 * that throws, sends the value to the full walk, which converts it or says what is wrong.
 */
function isPlainJson(value: unknown): boolean {
  if (typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'object') return value === null || isPlainContainer(value, 0);
  return false;
}

/**
 * {@link isPlainJson} for an object or array at `depth`. The members' types are checked in the
 * loops, without a call per member: most of a large result is leaves, and a call per leaf made
 * the check about a third slower. The two loops repeat the same member check on purpose: sharing
 * it through a helper (a leaf test, or a kind returned for both loops to act on) made the check
 * 12–19 % slower on a 12.4 KiB result, measured against this version in one process. Each test
 * is written `typeof member === '…'`, never through a variable holding the type: V8's optimizing
 * compiler then checks the type in place, where a kept `typeof` string is made by a call for every
 * member (with a variable, `toWireValue` took 24-25 ns on a four-field quote against 20 now, and
 * 1.7 µs on a 300-member result against 1.36-1.52, measured in one process each).
 */
function isPlainContainer(value: object, depth: number): boolean {
  if (depth >= MAX_WIRE_DEPTH) return false;
  if (Array.isArray(value)) {
    // JSON.stringify calls an array's `toJSON` too (none on Array.prototype: one read, cached).
    if ((value as { toJSON?: unknown }).toJSON !== undefined) return false;
    for (let i = 0; i < value.length; i++) {
      const member: unknown = value[i];
      if (typeof member === 'string' || typeof member === 'boolean') continue;
      if (typeof member === 'number') {
        if (Number.isFinite(member)) continue;
        return false;
      }
      if (typeof member !== 'object') return false;
      if (member !== null && !isPlainContainer(member, depth + 1)) return false;
    }
    return true;
  }
  const record = value as Record<string, unknown>;
  // `toJSON` first: reading it checks the object's shape, which then tells V8's optimizing
  // compiler its prototype (otherwise Object.getPrototypeOf is a call into the runtime).
  if (record.toJSON !== undefined) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  // for-in also visits inherited enumerable keys: they only make the check stricter.
  for (const key in record) {
    const member = record[key];
    if (typeof member === 'string' || typeof member === 'boolean') continue;
    if (typeof member === 'number') {
      if (Number.isFinite(member)) continue;
      return false;
    }
    if (typeof member !== 'object') return false;
    if (member !== null && !isPlainContainer(member, depth + 1)) return false;
  }
  return true;
}

function refuse(problem: string, hint: string): WireRefusal {
  return new WireRefusal(problem, hint);
}

function walk(value: unknown, depth: number, ancestors: object[]): Walked {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value)
        ? value
        : refuse(`is ${value}`, 'JSON has no NaN or Infinity: send null, a string, or leave it out.');
    case 'undefined':
      return DROP;
    case 'bigint':
      return refuse(
        'is a BigInt',
        'Convert it to a string (String(n)), or to a number when it is small enough.',
      );
    case 'function':
      return refuse('is a function', 'Send data, not functions: call it, or leave it out.');
    case 'symbol':
      return refuse('is a Symbol', 'Send a string instead (its description).');
  }
  if (value === null) return null;
  const object = value as object;
  if (depth >= MAX_WIRE_DEPTH) {
    return refuse(`is nested deeper than ${MAX_WIRE_DEPTH} levels`, 'Send a flatter value.');
  }
  const cycle = ancestors.indexOf(object);
  if (cycle !== -1) {
    return new WireRefusal(
      (pathTo) => `refers back to ${pathTo(cycle)} (a cycle)`,
      'Send a tree: copy the fields you need instead of the object that contains itself.',
    );
  }
  let plain: boolean;
  try {
    const converts = typeof (object as { toJSON?: unknown }).toJSON === 'function';
    if (Array.isArray(object)) {
      if (!converts) return walkArray(object as unknown[], depth, ancestors);
      plain = false;
    } else {
      const proto: unknown = Object.getPrototypeOf(object);
      plain = (proto === Object.prototype || proto === null) && !converts;
    }
  } catch (error) {
    return unreadable(error);
  }
  return plain ? walkObject(object, depth, ancestors) : walkSpecial(object, depth, ancestors);
}

function unreadable(error: unknown): WireRefusal {
  return refuse(
    `could not be read (${describeError(error)})`,
    'Send plain data: a getter, toJSON() or Proxy threw while it was read.',
  );
}

/** Objects that are neither plain objects nor arrays: dates, collections, class instances. */
function walkSpecial(object: object, depth: number, ancestors: object[]): Walked {
  try {
    if (object instanceof Date) {
      const time = object.getTime();
      return Number.isNaN(time)
        ? refuse('is an invalid Date', 'Check how the date is made, or send null.')
        : object.toISOString();
    }
    if (object instanceof Map) {
      return refuse('is a Map', 'Convert it: Object.fromEntries(map), or [...map] for an array of pairs.');
    }
    if (object instanceof Set) return refuse('is a Set', 'Convert it to an array: [...set].');
    if (object instanceof WeakMap || object instanceof WeakSet) {
      return refuse(`is a ${object instanceof WeakMap ? 'WeakMap' : 'WeakSet'}`, 'Send plain data instead.');
    }
    if (object instanceof Promise) {
      return refuse('is a Promise', 'Await it before returning or emitting the value.');
    }
    const toJSON = (object as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      const json: unknown = toJSON.call(object, '');
      // An object that gives itself is read as a plain object (an array as an array, as JSON
      // does); anything else is checked in turn.
      if (json !== object) return walk(json, depth + 1, ancestors);
      return Array.isArray(object)
        ? walkArray(object as unknown[], depth, ancestors)
        : walkObject(object, depth, ancestors);
    }
    if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer) {
      const type = Object.prototype.toString.call(object).slice(8, -1);
      return refuse(
        `is ${/^[AEIO]/.test(type) ? 'an' : 'a'} ${type}`,
        'Send its bytes as a base64 string or an array of numbers.',
      );
    }
    if (object instanceof Number || object instanceof String || object instanceof Boolean) {
      return object.valueOf();
    }
  } catch (error) {
    return unreadable(error);
  }
  return walkObject(object, depth, ancestors);
}

function walkObject(object: object, depth: number, ancestors: object[]): Walked {
  let keys: string[];
  try {
    keys = Object.keys(object);
  } catch (error) {
    return unreadable(error);
  }
  const source = object as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  ancestors.push(object);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    let child: unknown;
    try {
      child = source[key];
    } catch (error) {
      ancestors.pop();
      return at(unreadable(error), key);
    }
    const out = walk(child, depth + 1, ancestors);
    if (out instanceof WireRefusal) {
      ancestors.pop();
      return at(out, key);
    }
    if (copy === undefined && out !== child) {
      // The first change: copy what came before (already checked), then go on in the copy.
      copy = {};
      for (let j = 0; j < i; j++) {
        const k = keys[j]!;
        let before: unknown;
        try {
          before = source[k];
        } catch (error) {
          ancestors.pop();
          return at(unreadable(error), k);
        }
        if (before !== undefined) define(copy, k, before);
      }
    }
    if (copy !== undefined && out !== DROP) define(copy, key, out);
  }
  ancestors.pop();
  return copy ?? object;
}

function walkArray(array: unknown[], depth: number, ancestors: object[]): Walked {
  let length: number;
  try {
    length = array.length;
  } catch (error) {
    return unreadable(error);
  }
  let copy: unknown[] | undefined;
  ancestors.push(array);
  for (let i = 0; i < length; i++) {
    let child: unknown;
    try {
      child = array[i];
    } catch (error) {
      ancestors.pop();
      return at(unreadable(error), i);
    }
    const out = walk(child, depth + 1, ancestors);
    if (out instanceof WireRefusal) {
      ancestors.pop();
      return at(out, i);
    }
    if (out === DROP) {
      ancestors.pop();
      return at(
        refuse(
          'is undefined (or an empty slot)',
          'JSON would turn it into null: put null there yourself, or leave the element out.',
        ),
        i,
      );
    }
    if (copy === undefined && out !== child) copy = array.slice(0, i);
    copy?.push(out);
  }
  ancestors.pop();
  return copy ?? array;
}

function at(refusal: WireRefusal, key: string | number): WireRefusal {
  refusal.segments.push(key);
  return refusal;
}

/** Sets a property, even one named `__proto__`, as JSON.parse would. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
