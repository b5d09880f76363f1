/**
 * Whether a tool's `execute` can read the context it is called with.
 *
 * A call's {@link ToolContext} costs a few hundred nanoseconds to build (its `signal` is an own
 * accessor, which V8 can only add in its runtime), and most one-shot tools declare one parameter
 * and never read it. A function cannot reach an argument it declares no parameter for except
 * through `arguments` (or code that `eval` builds), so a function whose source shows one parameter
 * at most and neither word is called without a context: nothing it runs can tell. Everything the
 * check is not sure of counts as reading the context: two parameters or more, a rest parameter, a
 * parameter list with a quote, a comment or a slash in it, a bound or native function, a class.
 *
 * @internal
 * @packageDocumentation
 */

/** Marks the `execute` wrapper of a tool whose own `execute` cannot read its context. */
const CONTEXT_FREE: unique symbol = Symbol('livetools.contextFree');

/** A function, possibly marked context-free. */
type Marked = { [CONTEXT_FREE]?: true };

/**
 * @internal
 * Whether `fn` may read a second argument: false only when its source shows one parameter at most
 * (no rest parameter) and the words `arguments` and `eval` appear nowhere in it.
 */
export function mayReadContext(fn: (...args: never[]) => unknown): boolean {
  let source: string;
  try {
    if (fn.length >= 2) return true;
    source = Function.prototype.toString.call(fn);
  } catch {
    return true; // not a plain function (a revoked proxy, say)
  }
  if (/\b(?:arguments|eval)\b|\[native code\]|^class\b/.test(source)) return true;
  // A single parameter without parentheses: `x => ...`, `async x => ...`.
  if (/^(?:async\s+)?[\w$]+\s*=>/.test(source)) return false;
  const open = source.indexOf('(');
  if (open < 0) return true;
  const before = source.slice(0, open);
  if (before.includes('=>') || before.includes('{')) return true; // the first `(` is in the body
  return !singleParameter(source, open);
}

/**
 * Whether the parameter list that opens at `open` holds one parameter at most: no comma and no
 * `...` outside brackets. Gives up (false) on quotes, template strings, comments and slashes,
 * which could hide a bracket or a comma.
 */
function singleParameter(source: string, open: number): boolean {
  let depth = 0;
  for (let i = open + 1; i < source.length; i++) {
    const c = source[i];
    switch (c) {
      case '(':
      case '[':
      case '{':
        depth += 1;
        break;
      case ')':
      case ']':
      case '}':
        if (depth === 0) return c === ')';
        depth -= 1;
        break;
      case ',':
        if (depth === 0) return false;
        break;
      case '.':
        if (depth === 0 && source.startsWith('...', i)) return false;
        break;
      case '"':
      case "'":
      case '`':
      case '/':
        return false;
    }
  }
  return false;
}

/** @internal Marks `wrapper`, the `execute` of a tool made from `execute`, when `execute` cannot read its context. */
export function markContextUse<F extends (...args: never[]) => unknown>(
  wrapper: F,
  execute: (...args: never[]) => unknown,
): F {
  if (!mayReadContext(execute)) {
    Object.defineProperty(wrapper, CONTEXT_FREE, { value: true });
  }
  return wrapper;
}

/** @internal Whether a tool's `execute` needs the call's context (false only for a marked wrapper). */
export function needsContext(execute: unknown): boolean {
  return (execute as Marked)[CONTEXT_FREE] !== true;
}
