import type { LiveFunctionResponse } from '../scheduler/wire.js';

/**
 * @internal
 * Holds function responses while no connection can take them. Intermediate results are kept
 * newest first up to `perCall` per call (older ones are dropped and counted); final responses
 * (`willContinue` not `true`) are always kept. `drain()` returns them in their original order.
 */
export class ResponseOutbox {
  private readonly items: { seq: number; response: LiveFunctionResponse }[] = [];
  private seq = 0;
  /** How many intermediate results were dropped because newer ones replaced them. */
  dropped = 0;

  constructor(private readonly perCall: number) {}

  /** Number of held responses. */
  get size(): number {
    return this.items.length;
  }

  push(response: LiveFunctionResponse): void {
    this.items.push({ seq: this.seq++, response });
    if (response.willContinue !== true) return;
    const same = this.items.filter((i) => i.response.id === response.id && i.response.willContinue === true);
    while (same.length > this.perCall) {
      const oldest = same.shift()!;
      this.items.splice(this.items.indexOf(oldest), 1);
      this.dropped += 1;
    }
  }

  /** Drops every held response of these calls (the server cancelled them: nothing more may be sent). */
  discard(ids: readonly string[]): void {
    const gone = new Set(ids);
    for (let i = this.items.length - 1; i >= 0; i--) {
      if (gone.has(this.items[i]!.response.id)) this.items.splice(i, 1);
    }
  }

  drain(): LiveFunctionResponse[] {
    const out = this.items.sort((a, b) => a.seq - b.seq).map((i) => i.response);
    this.items.length = 0;
    return out;
  }
}
