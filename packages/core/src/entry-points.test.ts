import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const src = dirname(fileURLToPath(import.meta.url));
const entries = {
  '@livetools/core': join(src, 'index.ts'),
  '@livetools/core/testing': join(src, 'testing', 'index.ts'),
  '@livetools/core/internal': join(src, 'internal.ts'),
};

/** Each entry point's exported names (values and types), with the declaration each one stands for. */
function exportsOf(): Map<string, Map<string, ts.Declaration | undefined>> {
  const program = ts.createProgram(Object.values(entries), {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const result = new Map<string, Map<string, ts.Declaration | undefined>>();
  for (const [entry, file] of Object.entries(entries)) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`cannot read ${file}`);
    const names = new Map<string, ts.Declaration | undefined>();
    for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      names.set(symbol.name, target.declarations?.[0]);
    }
    result.set(entry, names);
  }
  return result;
}

describe('entry points: one name, one type (issue 20)', () => {
  const exported = exportsOf();

  it('reads every entry point', () => {
    for (const names of exported.values()) expect(names.size).toBeGreaterThan(3);
  });

  it('no name is exported by two entry points for two different declarations', () => {
    const seen = new Map<string, { entry: string; declaration: ts.Declaration | undefined }>();
    const clashes: string[] = [];
    for (const [entry, names] of exported) {
      for (const [name, declaration] of names) {
        const earlier = seen.get(name);
        if (earlier && earlier.declaration !== declaration) {
          const where = (d: ts.Declaration | undefined) => d?.getSourceFile().fileName.slice(src.length + 1);
          clashes.push(
            `${name}: ${earlier.entry} (${where(earlier.declaration)}) vs ${entry} (${where(declaration)})`,
          );
        }
        if (!earlier) seen.set(name, { entry, declaration });
      }
    }
    expect(clashes).toEqual([]);
  });

  it('exports each name from one entry point only', () => {
    const owners = new Map<string, string[]>();
    for (const [entry, names] of exported) {
      for (const name of names.keys()) owners.set(name, [...(owners.get(name) ?? []), entry]);
    }
    expect([...owners].filter(([, where]) => where.length > 1)).toEqual([]);
  });
});

describe('the root entry point: what users need, one type per idea (issue 20 review)', () => {
  const exported = exportsOf();
  const root = exported.get('@livetools/core')!;
  const internal = exported.get('@livetools/core/internal')!;

  it('exports the error-pattern helpers that third-party error classes follow', () => {
    for (const name of ['errorMarker', 'markError', 'hasErrorMarker']) {
      expect(root.has(name), name).toBe(true);
      expect(internal.has(name), name).toBe(false);
    }
  });

  it('keeps plumbing only livetools uses in /internal', () => {
    for (const name of ['toOutputJsonSchema', 'toParametersJsonSchema', 'normalizeModelName']) {
      expect(root.has(name), name).toBe(false);
      expect(internal.has(name), name).toBe(true);
    }
  });

  it('has one function-call type: the one a server message carries', () => {
    expect(root.has('WireFunctionCall')).toBe(true);
    expect(root.has('LiveFunctionCall')).toBe(false);
  });
});
