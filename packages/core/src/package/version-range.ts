/**
 * A small, dependency-free subset of npm's semver: exact versions, `^`, `~`, `x`/`*` wildcards,
 * partial versions, `<`, `<=`, `>`, `>=`, `=`, hyphen ranges and `||`, with npm's pre-release rule
 * (a pre-release only satisfies a range that names a pre-release of the same `major.minor.patch`).
 *
 * @packageDocumentation
 */

type Identifier = string | number;

/** A parsed semantic version. @internal */
export interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease: readonly Identifier[];
}

type Operator = '<' | '<=' | '>' | '>=' | '=';

interface Comparator {
  readonly op: Operator;
  readonly version: SemVer;
}

/** One `||` alternative: every comparator must hold. An empty set matches any release. */
type ComparatorSet = readonly Comparator[];

const NUM = '0|[1-9]\\d*';
const PRE_ID = `(?:${NUM}|\\d*[A-Za-z-][0-9A-Za-z-]*)`;
const PRE = `(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?`;
const BUILD = '(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?';
const VERSION = new RegExp(`^(${NUM})\\.(${NUM})\\.(${NUM})${PRE}${BUILD}$`);
const XR = `(${NUM}|x|X|\\*)`;
const PARTIAL = new RegExp(`^v?${XR}(?:\\.${XR}(?:\\.${XR}${PRE}${BUILD})?)?$`);
const TOKEN = /^(<=|>=|<|>|=|~>|~|\^)?(.*)$/;

function parsePrerelease(text: string | undefined): Identifier[] {
  if (!text) return [];
  return text.split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id));
}

/** Parses a strict `major.minor.patch[-pre][+build]` version. @internal */
export function parseVersion(text: string): SemVer | undefined {
  if (typeof text !== 'string') return undefined;
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (![major, minor, patch].every(Number.isSafeInteger)) return undefined;
  return { major, minor, patch, prerelease: parsePrerelease(m[4]) };
}

function compareIdentifiers(a: Identifier, b: Identifier): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares two versions by semver precedence (build metadata ignored). @internal */
export function compareVersions(a: SemVer, b: SemVer): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return Math.sign(core);
  // A release ranks above its pre-releases.
  if (a.prerelease.length === 0) return b.prerelease.length === 0 ? 0 : 1;
  if (b.prerelease.length === 0) return -1;
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const c = compareIdentifiers(x, y);
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}

interface PartialVersion {
  readonly major: number | undefined;
  readonly minor: number | undefined;
  readonly patch: number | undefined;
  readonly prerelease: readonly Identifier[];
}

function parsePartial(text: string): PartialVersion | undefined {
  const m = PARTIAL.exec(text);
  if (!m) return undefined;
  const num = (s: string | undefined): number | undefined =>
    s === undefined || s === 'x' || s === 'X' || s === '*' ? undefined : Number(s);
  const major = num(m[1]);
  const minor = major === undefined ? undefined : num(m[2]);
  const patch = minor === undefined ? undefined : num(m[3]);
  return { major, minor, patch, prerelease: patch === undefined ? [] : parsePrerelease(m[4]) };
}

const v = (major: number, minor: number, patch: number, prerelease: readonly Identifier[] = []): SemVer => ({
  major,
  minor,
  patch,
  prerelease,
});
/** `<X.Y.Z-0`: below every pre-release of X.Y.Z. */
const below = (major: number, minor: number, patch: number): Comparator => ({
  op: '<',
  version: v(major, minor, patch, [0]),
});
const NOTHING: ComparatorSet = [below(0, 0, 0)];
const ANY: ComparatorSet = [];

/** `^`, `~` or x-range (`1.2`, `1.x`, `1.2.3`) with no operator. */
function desugarRange(kind: '^' | '~' | '=', p: PartialVersion): ComparatorSet {
  const { major, minor, patch, prerelease } = p;
  if (major === undefined) return ANY;
  if (minor === undefined) return [{ op: '>=', version: v(major, 0, 0) }, below(major + 1, 0, 0)];
  if (patch === undefined) {
    const upper = kind === '^' && major > 0 ? below(major + 1, 0, 0) : below(major, minor + 1, 0);
    return [{ op: '>=', version: v(major, minor, 0) }, upper];
  }
  const exact = v(major, minor, patch, prerelease);
  if (kind === '=') return [{ op: '=', version: exact }];
  const upper =
    kind === '~'
      ? below(major, minor + 1, 0)
      : major > 0
        ? below(major + 1, 0, 0)
        : minor > 0
          ? below(0, minor + 1, 0)
          : below(0, 0, patch + 1);
  return [{ op: '>=', version: exact }, upper];
}

/** `<`, `<=`, `>`, `>=` with a possibly partial version. */
function desugarPrimitive(op: Exclude<Operator, '='>, p: PartialVersion): ComparatorSet {
  const { major, minor, patch, prerelease } = p;
  if (major === undefined) return op === '<' || op === '>' ? NOTHING : ANY;
  if (minor !== undefined && patch !== undefined)
    return [{ op, version: v(major, minor, patch, prerelease) }];
  const m = minor ?? 0;
  switch (op) {
    case '>':
      return [{ op: '>=', version: minor === undefined ? v(major + 1, 0, 0) : v(major, m + 1, 0) }];
    case '>=':
      return [{ op: '>=', version: v(major, m, 0) }];
    case '<':
      return [below(major, m, 0)];
    case '<=':
      return [minor === undefined ? below(major + 1, 0, 0) : below(major, m + 1, 0)];
  }
}

function desugarToken(token: string): ComparatorSet | undefined {
  const [, rawOp = '', rest = ''] = TOKEN.exec(token) ?? [];
  const p = parsePartial(rest);
  if (!p) return undefined;
  if (rawOp === '^') return desugarRange('^', p);
  if (rawOp === '~' || rawOp === '~>') return desugarRange('~', p);
  if (rawOp === '' || rawOp === '=') return desugarRange('=', p);
  return desugarPrimitive(rawOp as Exclude<Operator, '='>, p);
}

function desugarHyphen(from: string, to: string): ComparatorSet | undefined {
  const a = parsePartial(from);
  const b = parsePartial(to);
  if (!a || !b) return undefined;
  const lower: Comparator[] =
    a.major === undefined
      ? []
      : [{ op: '>=', version: v(a.major, a.minor ?? 0, a.patch ?? 0, a.prerelease) }];
  const upper: Comparator[] =
    b.major === undefined
      ? []
      : b.minor === undefined
        ? [below(b.major + 1, 0, 0)]
        : b.patch === undefined
          ? [below(b.major, b.minor + 1, 0)]
          : [{ op: '<=', version: v(b.major, b.minor, b.patch, b.prerelease) }];
  return [...lower, ...upper];
}

/** Parses a range into its `||` alternatives; `undefined` when it is not a valid range. @internal */
export function parseRange(range: string): ComparatorSet[] | undefined {
  if (typeof range !== 'string' || range.length > 256) return undefined;
  const sets: ComparatorSet[] = [];
  for (const alternative of range.split('||')) {
    const part = alternative.trim();
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(part);
    if (hyphen) {
      const set = desugarHyphen(hyphen[1]!, hyphen[2]!);
      if (!set) return undefined;
      sets.push(set);
      continue;
    }
    const tokens = part
      .replace(/(<=|>=|<|>|=|~>|~|\^)\s+/g, '$1')
      .split(/\s+/)
      .filter((t) => t !== '');
    const set: Comparator[] = [];
    for (const token of tokens) {
      const comparators = desugarToken(token);
      if (!comparators) return undefined;
      set.push(...comparators);
    }
    sets.push(set);
  }
  return sets;
}

function holds(c: Comparator, version: SemVer): boolean {
  const order = compareVersions(version, c.version);
  switch (c.op) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '=':
      return order === 0;
  }
}

function setAllows(set: ComparatorSet, version: SemVer): boolean {
  if (!set.every((c) => holds(c, version))) return false;
  if (version.prerelease.length === 0) return true;
  // npm's rule: a pre-release only matches when the range opts in to pre-releases of that exact version.
  return set.some(
    (c) =>
      c.version.prerelease.length > 0 &&
      c.version.major === version.major &&
      c.version.minor === version.minor &&
      c.version.patch === version.patch,
  );
}

/** The lowest version a range could admit (ignoring upper bounds), for error messages. @internal */
export function lowestOf(sets: readonly ComparatorSet[]): SemVer {
  let lowest: SemVer | undefined;
  for (const set of sets) {
    let floor = v(0, 0, 0);
    for (const c of set) {
      if ((c.op === '>=' || c.op === '>' || c.op === '=') && compareVersions(c.version, floor) > 0) {
        floor = c.version;
      }
    }
    if (!lowest || compareVersions(floor, lowest) < 0) lowest = floor;
  }
  return lowest ?? v(0, 0, 0);
}

/**
 * True when `version` is a valid semantic version (`1.2.3`, `1.2.3-beta.1`, `1.2.3+build`).
 *
 * @example
 * ```ts
 * isVersion('0.1.0'); // true
 * isVersion('v1'); // false
 * ```
 */
export function isVersion(version: string): boolean {
  return parseVersion(version) !== undefined;
}

/**
 * True when `range` is a version range livetools understands: exact versions, `^`, `~`, `x`/`*`,
 * partial versions (`1.2`), `<`, `<=`, `>`, `>=`, `=`, hyphen ranges (`1.2.3 - 2.0.0`) and `||`.
 *
 * @example
 * ```ts
 * isVersionRange('^0.1.0 || ^1.0.0'); // true
 * isVersionRange('latest'); // false
 * ```
 */
export function isVersionRange(range: string): boolean {
  return parseRange(range) !== undefined;
}

/**
 * True when `version` satisfies `range`, with npm's semantics: `^0.1.0` means `>=0.1.0 <0.2.0`,
 * and a pre-release (`1.0.0-beta.1`) only satisfies a range that names a pre-release of the same
 * `major.minor.patch`. False when either argument is invalid (see {@link isVersion} and
 * {@link isVersionRange}).
 *
 * @example
 * ```ts
 * versionSatisfies('0.1.3', '^0.1.0'); // true
 * versionSatisfies('0.2.0', '^0.1.0'); // false
 * versionSatisfies('2.0.0-rc.1', '>=2.0.0-rc.0'); // true
 * ```
 */
export function versionSatisfies(version: string, range: string): boolean {
  const parsed = parseVersion(version);
  const sets = parseRange(range);
  if (!parsed || !sets) return false;
  return sets.some((set) => setAllows(set, parsed));
}
