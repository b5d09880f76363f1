/** @internal Default of `ToolRunnerOptions.endedCallMemory`. */
export const DEFAULT_ENDED_CALL_MEMORY = 10_000;

/**
 * @internal
 * The ids of the calls that ended, so that an id the model reuses is refused instead of answered a
 * second time. Bounded: past `capacity` ids, the oldest are forgotten first.
 */
export class EndedCallIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  /** Remembers that the call `id` ended. */
  add(id: string): void {
    if (this.capacity <= 0) return;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next();
      if (!oldest.done) this.ids.delete(oldest.value);
    }
  }

  /** True when a call with this id ended and is still remembered. */
  has(id: string): boolean {
    return this.ids.has(id);
  }
}
