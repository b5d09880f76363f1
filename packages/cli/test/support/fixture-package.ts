import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A tool package as built output: package.json and dist/index.js (+ .d.ts), with overrides. */
export interface FixtureOptions {
  /** Merged over the good package.json (a key set to `undefined` is removed). */
  readonly packageJson?: Record<string, unknown>;
  /** The whole of dist/index.js; default: one streaming tool and its manifest. */
  readonly source?: string;
  /** Write dist/index.d.ts. Default true. */
  readonly types?: boolean;
}

export const goodPackageJson = {
  name: '@fixture/tools-tick',
  version: '1.0.0',
  type: 'module',
  sideEffects: false,
  exports: {
    '.': { types: './dist/index.d.ts', import: './dist/index.js' },
    './package.json': './package.json',
  },
  files: ['dist'],
  peerDependencies: { '@livetools/core': '^0.1.0', rxjs: '^7.8.0', zod: '^3.25.0 || ^4.0.0' },
};

/** dist/index.js of a package with one tool; `manifest` overrides fields of its defineToolPackage call. */
export function toolSource(
  options: { manifest?: string; parameters?: string; description?: string; name?: string } = {},
): string {
  return `import { defineStreamingTool, defineToolPackage } from '@livetools/core';
import { interval, map } from 'rxjs';
import { z } from 'zod';

export const tick = defineStreamingTool({
  name: ${JSON.stringify(options.name ?? 'tick')},
  description: ${JSON.stringify(options.description ?? 'Ticks every few seconds.')},
  parameters: ${options.parameters ?? "z.object({ every: z.number().positive().describe('Seconds between ticks.') })"},
  execute: (args, ctx) => interval(1000, ctx.scheduler).pipe(map((i) => ({ i }))),
});

export const toolPackage = defineToolPackage({
  name: '@fixture/tools-tick',
  version: '1.0.0',
  core: '^0.1.0',
  tools: [tick],
  ${options.manifest ?? ''}
});
`;
}

/** Writes a fixture package into `dir`. */
export function writeFixture(dir: string, options: FixtureOptions = {}): string {
  const pkg: Record<string, unknown> = { ...goodPackageJson, ...options.packageJson };
  for (const [key, value] of Object.entries(pkg)) if (value === undefined) delete pkg[key];
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  writeFileSync(join(dir, 'dist/index.js'), options.source ?? toolSource());
  if (options.types !== false)
    writeFileSync(join(dir, 'dist/index.d.ts'), 'export declare const toolPackage: unknown;\n');
  return dir;
}
