/**
 * Built-in tools of the Live API (Google Search grounding, code execution, URL context, …) given in
 * `config.tools`, checked and merged with the function declarations livetools sends.
 *
 * @packageDocumentation
 */

import type { Tool } from '@google/genai';
import { describeError, ToolDefinitionError } from '../errors.js';
import { STOP_STREAMING } from './function-name.js';

/**
 * A built-in tool entry of the SDK's `config.tools`, e.g. `{ googleSearch: {} }` or
 * `{ codeExecution: {} }` (the SDK's `Tool` type). livetools declares the functions itself: an
 * entry's `functionDeclarations` must be empty.
 *
 * @example
 * ```ts
 * const search: BuiltInTool = { googleSearch: {} };
 * ```
 */
export type BuiltInTool = Tool;

const what = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;

const refuse = (message: string, cause?: unknown): ToolDefinitionError => {
  const error = new ToolDefinitionError(message);
  if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause, enumerable: false });
  return error;
};

/** The names in one entry's `functionDeclarations` (read once; a getter that throws is refused). */
function declaredNames(entry: Record<string, unknown>, index: number): string[] {
  const declarations = entry.functionDeclarations;
  if (declarations === undefined) return [];
  if (!Array.isArray(declarations)) {
    throw refuse(
      `config.tools[${index}].functionDeclarations is ${what(declarations)}; leave it out (livetools declares the functions).`,
    );
  }
  return declarations.map((declaration: unknown, at) => {
    const name = (declaration as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || name === '') {
      throw refuse(
        `config.tools[${index}].functionDeclarations[${at}] has no name; declare functions with defineTool or defineStreamingTool and pass them in createLiveAgent({ tools }).`,
      );
    }
    return name;
  });
}

/**
 * @internal
 * Checks `config.tools` (read once) and returns a copy of its entries: an array of plain tool objects
 * (`{ googleSearch: {} }`, `{ codeExecution: {} }`, …) without function declarations. livetools
 * answers every function call of a session, so a declaration here could never be answered: one
 * named like a livetools tool (or `stop_streaming`) is reported as a clash, any other as a function
 * to define with `defineTool`.
 *
 * @throws {@link ToolDefinitionError} naming the entry and what to do.
 */
export function checkBuiltInTools(config: unknown, livetoolsNames: ReadonlySet<string>): BuiltInTool[] {
  try {
    const tools = (config as { tools?: unknown } | undefined)?.tools;
    if (tools === undefined) return [];
    if (!Array.isArray(tools)) {
      throw refuse(
        `config.tools is ${what(tools)}; pass an array of built-in tools such as [{ googleSearch: {} }], and livetools tools through createLiveAgent({ tools }).`,
      );
    }
    return tools.map((entry: unknown, index) => {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        throw refuse(
          `config.tools[${index}] is ${what(entry)}; each entry is a built-in tool object such as { googleSearch: {} }.`,
        );
      }
      const fields = entry as Record<string, unknown>;
      // Any declaration is refused; the first one named in the error.
      const [name] = declaredNames(fields, index);
      if (name !== undefined) {
        if (livetoolsNames.has(name)) {
          throw refuse(
            `config.tools[${index}] declares a function "${name}", but livetools declares "${name}" itself${name === STOP_STREAMING ? ' (it stops streaming tools)' : ''}: two functions cannot share a name. Remove it from config.tools.`,
          );
        }
        throw refuse(
          `config.tools[${index}] declares a function "${name}": livetools answers every function call of the session, so it could not be answered. Define it with defineTool (or defineStreamingTool) and pass it in createLiveAgent({ tools }); config.tools is for built-in tools such as { googleSearch: {} }.`,
        );
      }
      return { ...fields } as BuiltInTool;
    });
  } catch (error) {
    if (ToolDefinitionError.isInstance(error)) throw error;
    throw refuse(`Reading config.tools failed (${describeError(error)}); pass plain data.`, error);
  }
}

/**
 * @internal
 * The `tools` of a live connect config: the built-in tools of the session's config (checked by
 * `createLiveAgent`, see {@link checkBuiltInTools}), then livetools' function declarations (when
 * there are any); `undefined` when there is neither.
 */
export function mergeTools(config: object, functionDeclarations: readonly unknown[]): unknown[] | undefined {
  const tools: unknown[] = [...((config as { tools?: readonly BuiltInTool[] }).tools ?? [])];
  if (functionDeclarations.length > 0) tools.push({ functionDeclarations });
  return tools.length > 0 ? tools : undefined;
}
