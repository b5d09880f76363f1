import { LivetoolsError } from '../errors.js';
import { assertFunctionName, STOP_STREAMING } from '../tool/function-name.js';
import type { ToolInputKind } from './define-tool-package.js';
import { isVersion, isVersionRange } from './version-range.js';

/** The realtime inputs a tool can need, matching `ctx.input.video$`, `audio$` and `text$`. */
const TOOL_INPUT_KINDS: readonly ToolInputKind[] = ['video', 'audio', 'text'];

/** npm's rules for new package names (lowercase, URL-safe, optional scope, at most 214 characters). */
const PACKAGE_NAME = /^(?:@[a-z0-9-*~][a-z0-9-*._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Where a value is not JSON (a function, `undefined`, a class instance...), or `undefined` when it is. */
function nonJsonAt(value: unknown, path: string): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const bad = nonJsonAt(item, `${path}[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const bad = nonJsonAt(item, `${path}.${key}`);
      if (bad) return bad;
    }
    return undefined;
  }
  return path;
}

function isToolLike(value: unknown): value is { kind: string; name: unknown; description: unknown } {
  return (
    isRecord(value) &&
    (value.kind === 'streaming' || value.kind === 'one-shot') &&
    typeof value.declaration === 'function' &&
    typeof value.execute === 'function'
  );
}

/** Why `name` is not a valid npm package name, or `undefined` when it is. @internal */
export function packageNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'needs its npm package name as `name`';
  if (name.length > 214) return `has a name of ${name.length} characters; npm allows at most 214`;
  if (!PACKAGE_NAME.test(name)) {
    return `has the name "${name}", which npm does not accept: use lowercase letters, digits, "-", "." and "_", optionally scoped like "@scope/tools-name"`;
  }
  return undefined;
}

/**
 * Every problem with a tool package manifest (or its definition), one sentence each. Empty when it
 * is well formed. Does not look at core compatibility.
 *
 * @internal
 */
export function manifestProblems(manifest: unknown): string[] {
  if (!isRecord(manifest)) {
    return ['A tool package must be an object made with defineToolPackage({ name, version, core, tools }).'];
  }
  const problems: string[] = [];
  const label = typeof manifest.name === 'string' && manifest.name ? manifest.name : 'The tool package';

  const nameProblem = packageNameProblem(manifest.name);
  if (nameProblem) problems.push(`The tool package ${nameProblem}.`);
  if (typeof manifest.version !== 'string' || !isVersion(manifest.version)) {
    problems.push(
      `${label} needs \`version\`, the exact version in its package.json (e.g. "1.2.0"); got ${JSON.stringify(manifest.version) ?? 'nothing'}.`,
    );
  }
  if (typeof manifest.core !== 'string' || !isVersionRange(manifest.core)) {
    problems.push(
      `${label} needs \`core\`, the range of @livetools/core versions it was built for (e.g. "^0.1.0"); got ${JSON.stringify(manifest.core) ?? 'nothing'}.`,
    );
  }

  const names: string[] = [];
  if (!Array.isArray(manifest.tools) || manifest.tools.length === 0) {
    problems.push(
      `${label} needs \`tools\`: a non-empty array of tools made with defineStreamingTool() or defineTool().`,
    );
  } else {
    const seen = new Set<string>();
    for (const [i, tool] of (manifest.tools as unknown[]).entries()) {
      if (!isToolLike(tool)) {
        problems.push(
          `${label}: tools[${i}] is not a tool; make it with defineStreamingTool() or defineTool().`,
        );
        continue;
      }
      try {
        assertFunctionName(tool.name);
      } catch (error) {
        problems.push(`${label}: ${LivetoolsError.isInstance(error) ? error.message : String(error)}`);
        continue;
      }
      if (tool.name === STOP_STREAMING) {
        problems.push(`${label}: "${STOP_STREAMING}" is declared by livetools itself; rename that tool.`);
      } else if (seen.has(tool.name)) {
        problems.push(`${label} has two tools named "${tool.name}"; give each tool its own name.`);
      }
      if (typeof tool.description !== 'string' || tool.description.trim() === '') {
        problems.push(
          `${label}: tool "${tool.name}" needs a description; the model reads it to decide when to call it.`,
        );
      }
      seen.add(tool.name);
      names.push(tool.name);
    }
  }

  if (manifest.inputs !== undefined) {
    if (!isPlainObject(manifest.inputs)) {
      problems.push(
        `${label}: \`inputs\` must map tool names to lists of ${TOOL_INPUT_KINDS.map((k) => `"${k}"`).join(', ')}.`,
      );
    } else {
      for (const [tool, kinds] of Object.entries(manifest.inputs)) {
        if (Array.isArray(manifest.tools) && !names.includes(tool)) {
          problems.push(
            `${label}: \`inputs\` names "${tool}", which is not one of its tools (${names.join(', ') || 'none'}).`,
          );
        }
        if (!Array.isArray(kinds)) {
          problems.push(`${label}: inputs.${tool} must be a list such as ["video"].`);
          continue;
        }
        for (const [i, kind] of kinds.entries()) {
          if (!(TOOL_INPUT_KINDS as readonly unknown[]).includes(kind)) {
            problems.push(
              `${label}: inputs.${tool} lists ${JSON.stringify(kind)}, which is not a realtime input; use "video", "audio" or "text".`,
            );
          } else if (kinds.indexOf(kind) !== i) {
            problems.push(`${label}: inputs.${tool} lists "${kind}" twice.`);
          }
        }
      }
    }
  }

  if (manifest.defaults !== undefined) {
    const bad = isPlainObject(manifest.defaults) ? nonJsonAt(manifest.defaults, 'defaults') : 'defaults';
    if (bad) {
      problems.push(
        `${label}: \`defaults\` documents default settings and must be a plain JSON object; ${bad} is not JSON.`,
      );
    }
  }
  return problems;
}
