import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { coreVersion } from '@livetools/core';
import { packageNameProblem } from '@livetools/core/internal';
import { CliError } from './cli-error.js';
import { cliVersion } from './cli-version.js';
import { scaffoldFiles, TEMPLATES } from './init-templates.js';

/** Options of {@link initPackage}. */
export interface InitPackageOptions {
  /** Where to create the package: a new or empty directory. */
  readonly dir: string;
  /** Its npm name. Default: the directory's name. */
  readonly name?: string;
  /** Where a relative `dir` is resolved from. Default: `process.cwd()`. */
  readonly cwd?: string;
  /**
   * The tool it starts with: `timer` (default: a streaming countdown on `ctx.scheduler`),
   * `polling` (reads a URL every few seconds, `fetch` injectable), `video` (reads the session's
   * video frames) or `one-shot` (a tool that answers once). See {@link initTemplates}.
   */
  readonly template?: string;
}

/**
 * The names `initPackage`'s `template` accepts, the default first.
 *
 * @example
 * ```ts
 * console.log(`templates: ${initTemplates.join(', ')}`);
 * ```
 */
export const initTemplates: readonly string[] = [...TEMPLATES.keys()];

/** What {@link initPackage} created. */
export interface InitPackageResult {
  /** The package's directory, absolute. */
  readonly dir: string;
  /** Its npm name. */
  readonly name: string;
  /** The files written, relative to `dir`. */
  readonly files: readonly string[];
  /** The template used. */
  readonly template: string;
}

/**
 * Creates a new tool package: package.json (ESM, exports with types first, `files`,
 * `@livetools/core`, `rxjs` and `zod` as peers), tsconfig, a streaming tool (`start_timer`) with
 * its `toolPackage` manifest in `src/index.ts`, an end-to-end test with the real `@google/genai`
 * client against the fake Live server, and a README. It passes `livetools check` once built.
 *
 * @param options - The directory and the npm name.
 * @returns The directory, name and files written.
 * @throws {@link CliError} `INVALID_PACKAGE_NAME` when npm would refuse the name,
 * `DIRECTORY_NOT_EMPTY` when `dir` exists and is not an empty directory (nothing is overwritten),
 * `UNKNOWN_TEMPLATE` when `template` is not one of {@link initTemplates}.
 *
 * @example
 * ```ts
 * const { dir, files } = await initPackage({ dir: 'tools-timer', name: '@acme/tools-timer' });
 * ```
 */
export async function initPackage(options: InitPackageOptions): Promise<InitPackageResult> {
  const templateName = options.template ?? 'timer';
  const template = TEMPLATES.get(templateName);
  if (template === undefined) {
    throw new CliError(
      'UNKNOWN_TEMPLATE',
      `There is no template "${templateName}": choose one of ${initTemplates.join(', ')}.`,
    );
  }
  const dir = resolve(options.cwd ?? process.cwd(), options.dir);
  const name = options.name ?? basename(dir);
  const problem = packageNameProblem(name);
  if (problem) {
    throw new CliError(
      'INVALID_PACKAGE_NAME',
      options.name === undefined
        ? `The directory name "${name}" is not a valid npm package name (${problem}): pass one with --name @scope/tools-name.`
        : `"${name}" is not a valid npm package name: ${problem}.`,
    );
  }
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) {
      throw new CliError('DIRECTORY_NOT_EMPTY', `${dir} exists and is not a directory: choose another path.`);
    }
    const entries = readdirSync(dir);
    if (entries.length > 0) {
      throw new CliError(
        'DIRECTORY_NOT_EMPTY',
        `${dir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}): ` +
          'livetools init never overwrites files; choose a new directory or empty this one.',
      );
    }
  }
  const files = scaffoldFiles({ name, coreVersion, cliVersion }, template);
  for (const [path, content] of files) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content, { flag: 'wx' });
  }
  return { dir, name, files: [...files.keys()], template: templateName };
}
