import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CheckResult } from './check-package.js';
import { messageOf } from './cli-error.js';

interface PublintMessage {
  readonly code: string;
  readonly type: 'error' | 'warning' | 'suggestion';
  readonly args: unknown;
  readonly path: readonly (string | number)[];
}
interface PublintApi {
  publint(options: { pkgDir: string; strict?: boolean; level?: string }): Promise<{
    messages: PublintMessage[];
    pkg: Record<string, unknown>;
  }>;
}
interface PublintUtils {
  formatMessage(
    message: PublintMessage,
    pkg: Record<string, unknown>,
    opts?: { color?: boolean },
  ): string | undefined;
}

/**
 * Loads publint: the CLI's own copy first, else the one installed in the checked package. @internal
 */
export async function loadPublint(
  dir: string,
): Promise<{ api: PublintApi; utils: PublintUtils | undefined } | undefined> {
  const fromPackage = createRequire(join(dir, 'package.json'));
  const places: [() => Promise<unknown>, () => Promise<unknown>][] = [
    [() => import('publint'), () => import('publint/utils')],
    [
      () => import(pathToFileURL(fromPackage.resolve('publint')).href),
      () => import(pathToFileURL(fromPackage.resolve('publint/utils')).href),
    ],
  ];
  for (const [loadApi, loadUtils] of places) {
    let api: PublintApi;
    try {
      api = (await loadApi()) as PublintApi;
    } catch {
      continue;
    }
    if (typeof api.publint !== 'function') continue;
    const utils = (await loadUtils().catch(() => undefined)) as PublintUtils | undefined;
    return { api, utils };
  }
  return undefined;
}

/**
 * Lints `dir` with publint in strict mode (warnings count as errors, as npm users meet them):
 * one result per message, or one pass. @internal
 */
export async function publintResults(dir: string): Promise<CheckResult[]> {
  const publint = await loadPublint(dir);
  if (!publint) {
    return [
      {
        group: 'pack',
        status: 'fail',
        message: 'publint is not installed, so the package.json lint could not run',
        hint: 'npm install --save-dev publint (or reinstall @livetools/cli, which depends on it)',
      },
    ];
  }
  let result: Awaited<ReturnType<PublintApi['publint']>>;
  try {
    result = await publint.api.publint({ pkgDir: dir, strict: true, level: 'warning' });
  } catch (error) {
    return [{ group: 'pack', status: 'fail', message: `publint failed: ${messageOf(error)}` }];
  }
  const problems = result.messages.filter((m) => m.type !== 'suggestion');
  if (problems.length === 0) return [{ group: 'pack', status: 'pass', message: 'publint (strict): clean' }];
  return problems.map((m) => ({
    group: 'pack',
    status: 'fail',
    message: `publint ${m.code}: ${stripAnsi(
      publint.utils?.formatMessage(m, result.pkg, { color: false }) ?? m.path.join('.'),
    )}`,
    hint: `see https://publint.dev/rules#${m.code.toLowerCase()}`,
  }));
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are control characters
const stripAnsi = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');
