import { ToolDefinitionError } from '../errors.js';

const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;

/** The name of the stop tool declared automatically when a streaming tool is present. */
export const STOP_STREAMING = 'stop_streaming';

/**
 * Checks a function name against Gemini's rules: starts with a letter or an underscore, then
 * letters, digits, underscores, dots, colons and dashes, at most 128 characters.
 *
 * @throws `ToolDefinitionError` (from `@livetools/core`) with a message that says what to change.
 */
export function assertFunctionName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ToolDefinitionError('A tool needs a non-empty string `name`.');
  }
  if (!FUNCTION_NAME.test(name)) {
    const why =
      name.length > 128
        ? `it is ${name.length} characters long (at most 128)`
        : /^[A-Za-z_]/.test(name)
          ? 'it contains characters other than letters, digits, "_", ".", ":" and "-"'
          : 'it must start with a letter or an underscore';
    throw new ToolDefinitionError(
      `Tool name "${name}" is not a valid Gemini function name: ${why}. Use something like "monitor_stock_price".`,
    );
  }
}
