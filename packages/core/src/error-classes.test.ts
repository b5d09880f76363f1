import { describe, expect, it } from 'vitest';
import * as root from './index.js';
import * as testing from './testing/index.js';

/**
 * Every error class of `@livetools/core` and `@livetools/core/testing`: the file that defines it
 * and how to make one. A second copy of that file (imported with `?copy=2`, a fresh module, as a
 * second installed copy of the package would be) must make errors the first copy recognises.
 */
const classes: Record<string, { file: string; make: (Class: never) => Error }> = {
  LivetoolsError: {
    file: './errors.js',
    make: (C: typeof root.LivetoolsError) => new C('INVALID_OPTION', 'm'),
  },
  ToolDefinitionError: { file: './errors.js', make: (C: typeof root.ToolDefinitionError) => new C('m') },
  ToolArgumentsError: { file: './errors.js', make: (C: typeof root.ToolArgumentsError) => new C('t', []) },
  UnknownToolError: { file: './errors.js', make: (C: typeof root.UnknownToolError) => new C('t', []) },
  DuplicateCallError: { file: './errors.js', make: (C: typeof root.DuplicateCallError) => new C('t', ['1']) },
  ToolExecutionError: { file: './errors.js', make: (C: typeof root.ToolExecutionError) => new C('t', 'x') },
  UnserializableValueError: {
    file: './errors.js',
    make: (C: typeof root.UnserializableValueError) => new C('t', 'result', 'is a BigInt', 'h'),
  },
  CallCancelledError: {
    file: './errors.js',
    make: (C: typeof root.CallCancelledError) => new C('1', 'model'),
  },
  IncompatiblePackageError: {
    file: './package/incompatible-package-error.js',
    make: (C: typeof root.IncompatiblePackageError) =>
      new C('p', '1.0.0', [{ code: 'CORE_MISMATCH', message: 'bad' }]),
  },
  SendFailedError: {
    file: './session/send-failed-error.js',
    make: (C: typeof root.SendFailedError) => new C('1', 'x'),
  },
  ToolOutputError: {
    file: './tool/output-contract.js',
    make: (C: typeof root.ToolOutputError) => new C('t', []),
  },
  InvalidMediaError: {
    file: './tool/result-media.js',
    make: (C: typeof root.InvalidMediaError) => new C('t', 'media', 'is bad', 'h'),
  },
  FakeLiveWaitError: {
    file: './testing/fake-live-wait-error.js',
    make: (C: typeof testing.FakeLiveWaitError) => new C('timeout', 'm'),
  },
  TestKitError: {
    file: './testing/test-kit-error.js',
    make: (C: typeof testing.TestKitError) => new C('WAIT_TIMEOUT', 'm'),
  },
};

interface ErrorClass {
  new (...args: never[]): Error;
  isInstance(value: unknown): boolean;
}

const exported = new Map<string, ErrorClass>();
for (const entry of [root, testing] as Record<string, unknown>[]) {
  for (const [name, value] of Object.entries(entry)) {
    if (typeof value === 'function' && value.prototype instanceof Error)
      exported.set(name, value as ErrorClass);
  }
}

/** A fresh instance of the module `file`, as a second installed copy of the package would load it. */
async function secondCopy(file: string): Promise<Record<string, unknown>> {
  const specifier = `${file}?copy=2`;
  return (await import(/* @vite-ignore */ specifier)) as Record<string, unknown>;
}

describe('one error pattern: a stable code and isInstance across copies (issue 20)', () => {
  it('lists every exported error class', () => {
    expect([...exported.keys()].sort()).toEqual(Object.keys(classes).sort());
  });

  it.each(Object.entries(classes))(
    '%s: an instance from a second copy of its module is recognised',
    async (name, { file, make }) => {
      const Class = exported.get(name)!;
      const Copy = (await secondCopy(file))[name] as ErrorClass;
      expect(Copy).not.toBe(Class); // really another copy
      const fromCopy = make(Copy as never);
      expect(Class.isInstance(fromCopy)).toBe(true);
      expect(Copy.isInstance(make(Class as never))).toBe(true);
      expect(typeof (fromCopy as { code?: unknown }).code).toBe('string');
    },
  );

  it.each(Object.keys(classes))(
    '%s: a plain object, a lookalike and a hostile proxy are not instances',
    (name) => {
      const Class = exported.get(name)!;
      const real = make(name);
      const lookalike = { name, code: (real as { code?: unknown }).code, message: real.message };
      const hostile = new Proxy(
        {},
        {
          get: () => {
            throw new Error('trap');
          },
        },
      );
      const { proxy: revoked, revoke } = Proxy.revocable({}, {});
      revoke();
      for (const value of [
        lookalike,
        {},
        null,
        undefined,
        'error',
        42,
        new Error(real.message),
        hostile,
        revoked,
      ]) {
        expect(Class.isInstance(value)).toBe(false);
      }
    },
  );

  it.each(Object.keys(classes))('%s.isInstance accepts its own class and its subclasses only', (name) => {
    const Class = exported.get(name)!;
    for (const other of Object.keys(classes)) {
      const instance = make(other);
      const expected = instance instanceof Class;
      expect({ other, is: Class.isInstance(instance) }).toEqual({ other, is: expected });
    }
  });
});

function make(name: string): Error {
  const entry = classes[name]!;
  return entry.make(exported.get(name) as never);
}
