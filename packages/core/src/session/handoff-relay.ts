import { createClientContentDelivery } from '../delivery/client-content-delivery.js';
import type { DeliveryContext, DeliveryStrategy } from '../delivery/delivery.js';
import { FALLBACK_PROFILES } from '../profiles/known-profiles.js';
import type { ModelProfile } from '../profiles/model-profile.js';
import type { LiveFunctionResponse } from '../protocol/function-calls.js';
import type { GenAILiveSession } from '../protocol/genai-like.js';
import { STOP_STREAMING } from '../tool/function-name.js';

/** @internal A call that keeps running in the new session after a handoff. */
export interface HandedOverCall {
  readonly callId: string;
  readonly toolName: string;
  /** Its arguments, as validated (or as the model wrote them, while validating). */
  readonly args: unknown;
  /** A streaming tool's call (it can be stopped with `stop_streaming`). */
  readonly streaming: boolean;
}

/** @internal What the relay writes through. */
export interface RelayTarget {
  /**
   * Where one result's text turn goes: `clientContent`, or realtime text where the model takes
   * `clientContent` only as initial history, through the writer, which knows the result while it
   * holds it (a later handoff takes it along).
   */
  readonly route: (response: LiveFunctionResponse) => {
    readonly channel: GenAILiveSession;
    readonly context: DeliveryContext;
  };
  readonly context: DeliveryContext;
  /** Tells the metrics that an intermediate result was dropped (the bound per call). */
  readonly dropped: (callId: string) => void;
  /** Reports a result that could not be encoded. */
  readonly failed: (callId: string, error: unknown) => void;
}

/** A result waiting for the briefing or the end of a resumption. */
interface Waiting {
  readonly response: LiveFunctionResponse;
  readonly intermediate: boolean;
}

/** Writes nothing: the first answer of a handed-over call was given in the old session. */
const NOWHERE: GenAILiveSession = {
  sendClientContent: () => {},
  sendRealtimeInput: () => {},
  sendToolResponse: () => {},
  close: () => {},
};

/**
 * How the session came to need a briefing: `handed-over`, a fresh session took over from one that
 * ended; `resumed`, the session resumed with a handle issued before these calls were made.
 */
export type BriefingKind = 'handed-over' | 'resumed';

const OPENINGS: Record<BriefingKind, string> = {
  'handed-over':
    '[session handed over] The connection of the earlier session ended and this session continues it. ' +
    'These function calls you made there are still running:',
  resumed:
    '[session resumed] The connection ended and this session resumed from an earlier point. ' +
    'These function calls you made after that point are still running:',
};

/**
 * The text turn that tells the model of a new session (after a handoff) which calls of the earlier
 * session are still running, how their results will reach it and how to stop them. `kind:
 * 'resumed'`: the session resumed from a point before these calls were made.
 *
 * @example
 * ```ts
 * handoffBriefing([{ callId: 'c1', toolName: 'watch_price', args: { symbol: 'AAPL' }, streaming: true }]);
 * ```
 * @internal
 */
export function handoffBriefing(
  calls: readonly HandedOverCall[],
  kind: BriefingKind = 'handed-over',
): string {
  const lines = calls.map((c) => {
    const stop = c.streaming
      ? ` To stop it, call ${STOP_STREAMING} with function_name "${c.toolName}" (or call_id "${c.callId}").`
      : '';
    return `- ${c.toolName} (call_id ${c.callId}) with arguments ${safeJson(c.args)}: its results will follow as messages starting with [tool result ${c.toolName} call_id=${c.callId}].${stop}`;
  });
  return [OPENINGS[kind], ...lines].join('\n');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return '"(arguments that cannot be written as JSON)"';
  }
}

/**
 * @internal
 * Delivers the results of calls handed over to a new session: their call ids mean nothing to it,
 * so every result goes as a tagged text turn (the `client-content` delivery's format, its first
 * answer marked as given). Results produced before the new session was briefed wait here, in
 * order (at most `perCall` intermediate results per call, the newest; finals always kept), and go
 * out right behind the briefing: first those the writer held unwritten for the old session when
 * the handoff started (given to {@link deliver} right after {@link adopt}), then those produced
 * meanwhile. Results of calls ended by the handoff are dropped: their session is gone.
 *
 * While the session resumes with a handle, results of the calls made after that handle are parked
 * here ({@link park}): once the resumed connection is up, the session takes them back
 * ({@link unpark}) and sends each where it belongs (through the relay for calls the resumed state
 * never made, as usual for the others).
 */
export class HandoffRelay {
  readonly #delivery: DeliveryStrategy;
  readonly #calls = new Set<string>();
  readonly #ended = new Set<string>();
  /** Results waiting for the briefing; `undefined` once it went out. */
  #waiting: Waiting[] | undefined;
  /** Which calls' results are parked while a resumption is under way; `undefined`: none. */
  #parkIf: ((callId: string) => boolean) | undefined;
  #parked: Waiting[] = [];

  readonly #target: RelayTarget;
  readonly #perCall: number;

  constructor(profile: ModelProfile | undefined, target: RelayTarget, perCall: number) {
    this.#target = target;
    this.#perCall = perCall;
    this.#delivery = createClientContentDelivery(profile ?? FALLBACK_PROFILES['gemini-api']);
  }

  /** True when a response of `callId` goes through the relay (or is dropped by it). */
  owns(callId: string): boolean {
    // Nothing handed over and no resumption under way (almost always): no lookup.
    if (this.#parkIf === undefined && this.#calls.size === 0 && this.#ended.size === 0) return false;
    return this.#calls.has(callId) || this.#ended.has(callId) || this.#parkIf?.(callId) === true;
  }

  /** A resumption starts: results of the calls `test` picks wait here until {@link unpark}. */
  park(test: (callId: string) => boolean): void {
    this.#parkIf = test;
  }

  /** The server cancelled the calls `ids`: their parked results are dropped, in one pass. */
  discardParked(ids: readonly string[]): void {
    if (this.#parked.length === 0 || ids.length === 0) return;
    const cancelled = new Set(ids);
    this.#parked = this.#parked.filter((w) => !cancelled.has(w.response.id));
  }

  /** The resumption is done: parking stops, and the results parked are returned, in order. */
  unpark(): LiveFunctionResponse[] {
    this.#parkIf = undefined;
    return this.#parked.splice(0).map((w) => w.response);
  }

  /** A handoff starts: `calls` continue in the new session; the responses of `ended` are dropped. */
  adopt(calls: readonly HandedOverCall[], ended: readonly string[]): void {
    for (const id of ended) this.#ended.add(id);
    this.#waiting ??= [];
    for (const c of calls) {
      this.#calls.add(c.callId);
      // The first answer went (or would have gone) to the old session: later results are text turns.
      this.#delivery.deliver(
        [{ id: c.callId, name: c.toolName, response: { output: null }, willContinue: true }],
        NOWHERE,
        this.#target.context,
      );
    }
  }

  /** Delivers one response of a call the relay owns. */
  deliver(response: LiveFunctionResponse): void {
    if (this.#ended.has(response.id)) return;
    if (!this.#calls.has(response.id) && this.#parkIf?.(response.id) === true) {
      this.#hold(this.#parked, response);
      return;
    }
    // A one-shot call's only result ends it: say so in its tag.
    const r = response.willContinue === undefined ? { ...response, willContinue: false } : response;
    if (r.willContinue === false) this.#calls.delete(r.id);
    if (this.#waiting) {
      this.#hold(this.#waiting, r);
      return;
    }
    this.#send(r);
  }

  /** The new session is up: `brief` writes the briefing, then the results that waited go out in order. */
  briefed(brief: () => void): void {
    brief();
    const waiting = this.#waiting ?? [];
    this.#waiting = undefined;
    for (const w of waiting) this.#send(w.response);
  }

  /** True while the relay carries call `callId` (handed over and not ended yet). */
  carries(callId: string): boolean {
    return this.#calls.has(callId);
  }

  /** Queues `r` in `waiting`, keeping the newest `perCall` intermediate results of its call. */
  #hold(waiting: Waiting[], r: LiveFunctionResponse): void {
    const intermediate = r.willContinue === true;
    waiting.push({ response: r, intermediate });
    if (!intermediate) return;
    const mine = waiting.filter((w) => w.intermediate && w.response.id === r.id);
    if (mine.length > this.#perCall) {
      waiting.splice(waiting.indexOf(mine[0]!), 1);
      this.#target.dropped(r.id);
    }
  }

  #send(r: LiveFunctionResponse): void {
    try {
      const { channel, context } = this.#target.route(r);
      this.#delivery.deliver([r], channel, context);
    } catch (error) {
      this.#target.failed(r.id, error);
    }
  }
}
