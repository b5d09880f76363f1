/** One error class a package exports: the module file that defines it, and how to make an instance. */
export interface ErrorPatternCase {
  /** The defining module, as the test file imports it (`'./errors.js'`). */
  readonly file: string;
  /** Makes an instance with the class given (the exported one, or the second copy's). */
  readonly make: (Class: never) => Error;
}

/** What {@link checkErrorPattern} checks. */
export interface ErrorPatternOptions {
  /** The package's entry module (`import * as entry from './index.js'`). */
  readonly entry: Record<string, unknown>;
  /** Every error class the entry exports, by exported name. */
  readonly classes: Readonly<Record<string, ErrorPatternCase>>;
  /**
   * Imports a fresh instance of `file`, as a second installed copy of the package would load it:
   * `(file) => import(\`${file}?copy=2\`)` from the test file.
   */
  readonly importCopy: (file: string) => Promise<Record<string, unknown>>;
  /** More values no class may accept (a related class's instances, say). */
  readonly others?: readonly unknown[];
}

interface ErrorClass {
  new (...args: never[]): Error;
  isInstance(value: unknown): boolean;
}

const describe = (name: string, value: string): string => `${name}: ${value}`;

/**
 * Checks that a package's error classes follow livetools' error pattern: the entry exports exactly
 * the classes listed, each instance has a string `code`, `isInstance` recognises an instance made by
 * a second copy of the defining module (and that copy recognises the original), and refuses a
 * lookalike object, `{}`, `null`, a plain `Error`, a Proxy whose traps throw, the other classes'
 * instances and `others`. Resolves to the problems found, `[]` when every rule holds.
 *
 * @example
 * ```ts
 * expect(
 *   await checkErrorPattern({
 *     entry,
 *     classes: { FeedError: { file: './feed-error.js', make: (C: typeof FeedError) => new C('DOWN', 'm') } },
 *     importCopy: (file) => import(`${file}?copy=2`),
 *   }),
 * ).toEqual([]);
 * ```
 */
export async function checkErrorPattern(options: ErrorPatternOptions): Promise<string[]> {
  const problems: string[] = [];
  const exported = new Map<string, ErrorClass>(
    Object.entries(options.entry).filter(
      (pair): pair is [string, ErrorClass] =>
        typeof pair[1] === 'function' && (pair[1] as { prototype?: unknown }).prototype instanceof Error,
    ),
  );
  const listed = Object.keys(options.classes).sort();
  const found = [...exported.keys()].sort();
  if (found.join() !== listed.join())
    problems.push(`the entry exports [${found}], the list names [${listed}]`);

  const hostile = new Proxy(
    {},
    {
      get: () => {
        throw new Error('trap');
      },
    },
  );
  for (const name of listed) {
    const Class = exported.get(name);
    if (Class === undefined) continue;
    const make = (With: ErrorClass) => options.classes[name]!.make(With as never);
    const real = make(Class);
    if (typeof (real as { code?: unknown }).code !== 'string')
      problems.push(describe(name, 'no string code'));
    const Copy = (await options.importCopy(options.classes[name]!.file))[name] as ErrorClass | undefined;
    if (Copy === undefined || Copy === Class)
      problems.push(describe(name, 'the second copy is not a fresh class'));
    else {
      if (!Class.isInstance(make(Copy)))
        problems.push(describe(name, "isInstance refuses the second copy's instance"));
      if (!Copy.isInstance(real))
        problems.push(describe(name, "the second copy's isInstance refuses an instance"));
    }
    const others = listed.filter((other) => other !== name && exported.has(other));
    const refused: [string, unknown][] = [
      ['a lookalike object', { ...real, name, code: (real as { code?: unknown }).code }],
      ['{}', {}],
      ['null', null],
      ['a plain Error', new Error('m')],
      ['a Proxy whose traps throw', hostile],
      ...others.map((other): [string, unknown] => [
        `a ${other}`,
        options.classes[other]!.make(exported.get(other) as never),
      ]),
      ...(options.others ?? []).map((value, i): [string, unknown] => [`others[${i}]`, value]),
    ];
    for (const [label, value] of refused) {
      let accepted: boolean;
      try {
        accepted = Class.isInstance(value);
      } catch {
        problems.push(describe(name, `isInstance threw on ${label}`));
        continue;
      }
      if (accepted) problems.push(describe(name, `isInstance accepts ${label}`));
    }
  }
  return problems;
}
