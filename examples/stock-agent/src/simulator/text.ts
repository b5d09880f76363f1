/**
 * Small text helpers of the simulator: what it says about an error, and cutting long text.
 */

/** A short description of `error` for what the simulated model says; never throws. */
export function describeError(error: unknown): string {
  try {
    if (error instanceof Error) return error.message || error.name;
    if (typeof error === 'string') return error;
    const message = (error as { message?: unknown } | null)?.message;
    if (typeof message === 'string') return message;
    return JSON.stringify(error) ?? String(error);
  } catch {
    return 'an error that cannot be described';
  }
}

/** Cuts `text` to at most `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
