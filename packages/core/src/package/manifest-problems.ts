import { describeError } from '../errors.js';
import { assertFunctionName, STOP_STREAMING } from '../tool/function-name.js';
import type { ToolInputKind } from './define-tool-package.js';
import type { PackageIssue, PackageIssueCode } from './package-issue.js';
import { packageNameProblem } from './package-name.js';
import { isVersion, isVersionRange } from './version-range.js';

/** The realtime inputs a tool can need, matching `ctx.input.video$`, `audio$` and `text$`. */
const TOOL_INPUT_KINDS: readonly ToolInputKind[] = ['video', 'audio', 'text'];

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

/**
 * Every problem with a tool package manifest (or its definition), each with its code and one
 * sentence. Empty when it is well formed. Does not look at core compatibility.
 *
 * @internal
 */
export function manifestProblems(manifest: unknown): PackageIssue[] {
  try {
    return readManifest(manifest);
  } catch (error) {
    return [unreadableManifest(error)];
  }
}

/**
 * The issue of a manifest that threw while it was read (a Proxy, a getter that throws).
 *
 * @internal
 */
export function unreadableManifest(error: unknown): PackageIssue {
  return {
    code: 'UNREADABLE_MANIFEST',
    message: `The tool package could not be read (${describeError(error)}): export the plain object defineToolPackage() returns, without getters or proxies.`,
  };
}

function readManifest(manifest: unknown): PackageIssue[] {
  if (!isRecord(manifest)) {
    return [
      {
        code: 'NOT_A_TOOL_PACKAGE',
        message:
          'A tool package must be an object made with defineToolPackage({ name, version, core, tools }).',
      },
    ];
  }
  const problems: PackageIssue[] = [];
  const add = (code: PackageIssueCode, message: string, where: { toolName?: string; path?: string } = {}) =>
    problems.push({ code, message, ...where });
  const label = typeof manifest.name === 'string' && manifest.name ? manifest.name : 'The tool package';

  if (typeof manifest.name !== 'string' || manifest.name === '') {
    add('PACKAGE_NAME', 'The tool package needs its npm package name as `name`.', { path: 'name' });
  } else {
    const why = packageNameProblem(manifest.name);
    if (why) {
      add(
        'PACKAGE_NAME',
        `The tool package name ${JSON.stringify(manifest.name)} is not a valid npm package name: ${why}. Use the name in its package.json, such as "@scope/tools-clock".`,
        { path: 'name' },
      );
    }
  }
  if (typeof manifest.version !== 'string' || !isVersion(manifest.version)) {
    add(
      'PACKAGE_VERSION',
      `${label} needs \`version\`, the exact version in its package.json (e.g. "1.2.0"); got ${JSON.stringify(manifest.version) ?? 'nothing'}.`,
      { path: 'version' },
    );
  }
  if (typeof manifest.core !== 'string' || !isVersionRange(manifest.core)) {
    add(
      'CORE_RANGE',
      `${label} needs \`core\`, the range of @livetools/core versions it was built for (e.g. "^0.1.0"); got ${JSON.stringify(manifest.core) ?? 'nothing'}.`,
      { path: 'core' },
    );
  }

  const names: string[] = [];
  if (!Array.isArray(manifest.tools) || manifest.tools.length === 0) {
    add(
      'NO_TOOLS',
      `${label} needs \`tools\`: a non-empty array of tools made with defineStreamingTool() or defineTool().`,
      { path: 'tools' },
    );
  } else {
    const seen = new Set<string>();
    for (const [i, tool] of (manifest.tools as unknown[]).entries()) {
      const path = `tools[${i}]`;
      if (!isToolLike(tool)) {
        add(
          'NOT_A_TOOL',
          `${label}: ${path} is not a tool; make it with defineStreamingTool() or defineTool().`,
          {
            path,
          },
        );
        continue;
      }
      const named = typeof tool.name === 'string' ? { toolName: tool.name, path } : { path };
      try {
        assertFunctionName(tool.name);
      } catch (error) {
        add('TOOL_NAME', `${label}: ${describeError(error)}`, named);
        continue;
      }
      if (tool.name === STOP_STREAMING) {
        add(
          'RESERVED_TOOL_NAME',
          `${label}: "${STOP_STREAMING}" is declared by livetools itself; rename that tool.`,
          {
            toolName: tool.name,
            path,
          },
        );
      } else if (seen.has(tool.name)) {
        add(
          'DUPLICATE_TOOL_NAME',
          `${label} has two tools named "${tool.name}"; give each tool its own name.`,
          {
            toolName: tool.name,
            path,
          },
        );
      }
      if (typeof tool.description !== 'string' || tool.description.trim() === '') {
        add(
          'TOOL_DESCRIPTION',
          `${label}: tool "${tool.name}" needs a description; the model reads it to decide when to call it.`,
          { toolName: tool.name, path },
        );
      }
      seen.add(tool.name);
      names.push(tool.name);
    }
  }

  if (manifest.inputs !== undefined) {
    if (!isPlainObject(manifest.inputs)) {
      add(
        'INPUTS',
        `${label}: \`inputs\` must map tool names to lists of ${TOOL_INPUT_KINDS.map((k) => `"${k}"`).join(', ')}.`,
        { path: 'inputs' },
      );
    } else {
      for (const [toolName, kinds] of Object.entries(manifest.inputs)) {
        const path = `inputs.${toolName}`;
        if (Array.isArray(manifest.tools) && !names.includes(toolName)) {
          add(
            'INPUTS',
            `${label}: \`inputs\` names "${toolName}", which is not one of its tools (${names.join(', ') || 'none'}).`,
            { toolName, path },
          );
        }
        if (!Array.isArray(kinds)) {
          add('INPUTS', `${label}: ${path} must be a list such as ["video"].`, { toolName, path });
          continue;
        }
        for (const [i, kind] of kinds.entries()) {
          if (!(TOOL_INPUT_KINDS as readonly unknown[]).includes(kind)) {
            add(
              'INPUTS',
              `${label}: ${path} lists ${JSON.stringify(kind)}, which is not a realtime input; use "video", "audio" or "text".`,
              { toolName, path: `${path}[${i}]` },
            );
          } else if (kinds.indexOf(kind) !== i) {
            add('INPUTS', `${label}: ${path} lists "${kind}" twice.`, { toolName, path: `${path}[${i}]` });
          }
        }
      }
    }
  }

  if (manifest.defaults !== undefined) {
    const bad = isPlainObject(manifest.defaults) ? nonJsonAt(manifest.defaults, 'defaults') : 'defaults';
    if (bad) {
      add(
        'DEFAULTS',
        `${label}: \`defaults\` documents default settings and must be a plain JSON object; ${bad} is not JSON.`,
        { path: bad },
      );
    }
  }
  return problems;
}
