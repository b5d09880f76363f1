import type { ModelProfile } from '../profiles/model-profile.js';
import type { WireFunctionCall } from '../protocol/genai-like.js';
import type { LiveFunctionDeclaration } from '../tool/define-tool.js';

/**
 * @internal
 * Which calls of a `toolCall` message the server would cancel on new input: those of functions
 * declared `BLOCKING` (a name not declared: the profile's default behaviour) on a profile whose
 * `functionCalling.blockingCancelledOnNewInput` is true (`gemini-3.8-live`). `undefined` on every
 * other profile.
 *
 * @example
 * ```ts
 * const pick = cancellableBlockingCalls(profile, declarations);
 * const ids = pick?.([{ id: 'c1', name: 'lookup' }]) ?? []; // ['c1'] where lookup is BLOCKING on gemini-3.8-live
 * ```
 */
export function cancellableBlockingCalls(
  profile: ModelProfile | undefined,
  declarations: readonly LiveFunctionDeclaration[],
): ((calls: readonly WireFunctionCall[]) => string[]) | undefined {
  const functionCalling = profile?.functionCalling;
  if (functionCalling?.blockingCancelledOnNewInput !== true) return undefined;
  const behaviors = new Map<string, string | undefined>();
  for (const d of declarations) behaviors.set(d.name, d.behavior);
  const byDefault = functionCalling.defaultBehavior;
  return (calls) => {
    const ids: string[] = [];
    for (const call of calls) {
      // The runner reports a call that is not an object or has no id; it is never answered.
      if (typeof call !== 'object' || call === null || typeof call.id !== 'string' || call.id === '')
        continue;
      const name = call.name ?? '';
      const behavior = behaviors.has(name) ? (behaviors.get(name) ?? byDefault) : byDefault;
      if (behavior === 'BLOCKING') ids.push(call.id);
    }
    return ids;
  };
}

/** @internal What {@link BlockingCallHold} tells: the session's outbound writer. */
export interface BlockingHoldWriter {
  blockingCalls(ids: readonly string[]): void;
  blockingSettled(ids: readonly string[], isOpen: (id: string) => boolean): void;
}

/** @internal What runs the calls: the session's tool runner. */
export interface CallRunner {
  handleToolCall(calls: readonly WireFunctionCall[]): void;
  activeCalls(): readonly { readonly callId: string }[];
}

/**
 * @internal
 * Hands a `toolCall` message's calls to the runner, telling the writer first which of them the
 * server would cancel on new input (see {@link cancellableBlockingCalls}): while one runs, the
 * writer holds the results it would write as text (`client-content`, `realtime-text`, the handoff
 * relay), since text is new input. Told before the calls run, so that a call answered at once (an
 * unknown tool) ends its hold at once; after, the calls the runner neither answered nor keeps
 * (a reused id) are let go. On a profile without the rule it only hands the calls on.
 */
export class BlockingCallHold {
  /** `null`: no call is ever cancelled by new input on this profile; worked out at the first call. */
  #pick: ((calls: readonly WireFunctionCall[]) => string[]) | null | undefined;

  readonly #profile: ModelProfile | undefined;
  readonly #declarations: () => readonly LiveFunctionDeclaration[];
  readonly #writer: BlockingHoldWriter;

  constructor(
    profile: ModelProfile | undefined,
    declarations: () => readonly LiveFunctionDeclaration[],
    writer: BlockingHoldWriter,
  ) {
    this.#profile = profile;
    this.#declarations = declarations;
    this.#writer = writer;
  }

  /** Runs the calls of one `toolCall` message on `runner`. */
  run(calls: readonly WireFunctionCall[], runner: CallRunner): void {
    if (this.#pick === undefined)
      this.#pick = cancellableBlockingCalls(this.#profile, this.#declarations()) ?? null;
    if (this.#pick === null) {
      // No call is cancelled by new input on this profile: nothing to tell the writer.
      runner.handleToolCall(calls);
      return;
    }
    const blocking = this.#pick(calls);
    this.#writer.blockingCalls(blocking);
    runner.handleToolCall(calls);
    if (blocking.length === 0) return;
    // The running calls are listed only when asked: a call answered at once (a synchronous tool)
    // has ended its hold already, and the writer asks nothing.
    let open: Set<string> | undefined;
    this.#writer.blockingSettled(blocking, (id) => {
      open ??= new Set(runner.activeCalls().map((c) => c.callId));
      return open.has(id);
    });
  }
}
