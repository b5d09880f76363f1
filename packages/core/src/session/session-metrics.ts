import type { CancelSource } from '../errors.js';
import type { CallEndReason, ToolEndEvent } from '../runner/events.js';
import { IdTable } from '../runner/id-table.js';
import type { LiveEvent } from './live-events.js';
import type { VideoRoutingStats } from './video-routing.js';

const NO_VIDEO: VideoRoutingStats = { frames: 0, toModel: 0, toTools: 0, modelCapped: 0, toolCapped: 0 };

/**
 * A summary of one live session so far, from `session.metrics()`. Times are in the session
 * scheduler's clock (ms).
 *
 * @example
 * ```ts
 * const m = session.metrics();
 * console.log(`${m.calls.started} calls, p99 first result ${m.timeToFirstResultMs.p99} ms, ${m.reconnections} resumptions`);
 * ```
 */
export interface SessionMetrics {
  /** Tool calls by stage. */
  readonly calls: {
    /** Calls the model made (`tool-call` events), valid or not. */
    readonly received: number;
    /** Calls whose tool started. */
    readonly started: number;
    /** Calls not ended yet. */
    readonly active: number;
    /** Ended calls, by how they ended. */
    readonly ended: Readonly<Record<CallEndReason, number>>;
    /** Cancelled calls, by who cancelled them. */
    readonly cancelledBy: Readonly<Partial<Record<CancelSource, number>>>;
  };
  /** Results the tools sent. */
  readonly results: number;
  /** Length of the JSON of every function response sent. */
  readonly bytes: number;
  /** Emissions merged by tools' `minIntervalMs`. */
  readonly coalesced: number;
  /** Intermediate results dropped by the `bufferedResultsPerCall` bound. */
  readonly dropped: number;
  /** Values streaming tools emitted that JSON cannot carry: refused, not sent (each a `tool-result-refused` event). */
  readonly refused: number;
  /**
   * With session resumption: written messages no longer kept for a replay because more than
   * `maxUnacknowledged` were waiting for a resumption handle to cover them (oldest first).
   */
  readonly replayDropped: number;
  /** Client messages that could not be written (each reported as a `SEND_FAILED` error event). */
  readonly sendFailures: number;
  /**
   * Time from the start of a tool to its first result, over the last 1024 calls that sent one
   * (nearest-rank percentiles; `undefined` before the first).
   */
  readonly timeToFirstResultMs: {
    /** The median. */
    readonly p50: number | undefined;
    /** The 99th percentile. */
    readonly p99: number | undefined;
    /** How many calls the percentiles are over. */
    readonly samples: number;
  };
  /** Client messages written to the Live API (text turns, tool responses, realtime input). */
  readonly messagesSent: number;
  /** Successful resumptions (after `goAway` or a lost connection). */
  readonly reconnections: number;
  /**
   * Handoffs (`handed-over` events): to a fresh Live session when no resumable handle was held,
   * and after a resumption whose handle was issued before some running calls (those counted in
   * `reconnections` too).
   */
  readonly handoffs: number;
  /** Client messages sent again after a resumption because the state it resumed did not hold them. */
  readonly replayed: number;
  /** Video frames: how many went to the model and to the tools, and how many the caps kept back. */
  readonly video: VideoRoutingStats;
}

const WINDOW = 1024;

function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * @internal
 * Keeps the numbers of {@link SessionMetrics} from the session's events and from what only the
 * session sees (messages written, dropped, replayed). Also fills in `metrics.dropped` of `tool-end`.
 */
export class SessionMetricsRecorder {
  #received = 0;
  #started = 0;
  readonly #ended: Record<CallEndReason, number> = { completed: 0, failed: 0, cancelled: 0 };
  readonly #cancelledBy: Partial<Record<CancelSource, number>> = {};
  #results = 0;
  #bytes = 0;
  #coalesced = 0;
  #dropped = 0;
  #refused = 0;
  #replayDropped = 0;
  #sendFailures = 0;
  #messagesSent = 0;
  #reconnections = 0;
  #handoffs = 0;
  #replayed = 0;
  readonly #firstResult: number[] = [];
  #firstResultNext = 0;
  /** Drops of calls still running, until their `tool-end`. */
  readonly #dropsByCall = new Map<string, number>();
  /** The calls between their `tool-call` and `tool-end`. */
  readonly #active = new IdTable<true>();
  /** Bytes of the results of calls still running, counted as they are sent. */
  readonly #resultBytes = new Map<string, number>();

  /**
   * Counts one result sent (what its `tool-result` event counts), also when that event is not
   * built because nobody subscribes.
   */
  result(callId: string, bytes: number): void {
    this.#results += 1;
    this.#bytes += bytes;
    // Zero unless bytes are measured (`measureBytes`): no bookkeeping then.
    if (bytes !== 0) this.#resultBytes.set(callId, (this.#resultBytes.get(callId) ?? 0) + bytes);
  }

  /** Takes one event into account; returns the event to publish (`tool-end` with its drops). */
  record(event: LiveEvent): LiveEvent {
    switch (event.type) {
      case 'tool-call':
        this.#received += 1;
        this.#active.set(event.callId, true);
        return event;
      case 'tool-start':
        this.#started += 1;
        return event;
      case 'tool-result':
        this.result(event.callId, event.bytes);
        return event;
      case 'tool-result-refused':
        this.#refused += 1;
        return event;
      case 'tool-end':
        return this.#ended_(event);
      case 'connected':
        if (event.resumed) this.#reconnections += 1;
        return event;
      case 'handed-over':
        this.#handoffs += 1;
        return event;
      default:
        return event;
    }
  }

  /** An intermediate result of `callId` was dropped by the bound. */
  drop(callId: string | undefined): void {
    this.#dropped += 1;
    if (callId !== undefined && this.#active.has(callId)) {
      this.#dropsByCall.set(callId, (this.#dropsByCall.get(callId) ?? 0) + 1);
    }
  }

  /** A written message was no longer kept for a replay (the `maxUnacknowledged` bound). */
  replayDrop(): void {
    this.#replayDropped += 1;
  }

  /** A client message could not be written. */
  sendFailed(): void {
    this.#sendFailures += 1;
  }

  /** A client message was written; `replay` when it was sent again after a resumption. */
  sent(replay: boolean): void {
    this.#messagesSent += 1;
    if (replay) this.#replayed += 1;
  }

  /** The figures so far; `video`: the session's video routing counters (none sent when left out). */
  snapshot(video: VideoRoutingStats = NO_VIDEO): SessionMetrics {
    const sorted = [...this.#firstResult].sort((a, b) => a - b);
    return {
      calls: {
        received: this.#received,
        started: this.#started,
        active: this.#active.size,
        ended: { ...this.#ended },
        cancelledBy: { ...this.#cancelledBy },
      },
      results: this.#results,
      bytes: this.#bytes,
      coalesced: this.#coalesced,
      dropped: this.#dropped,
      refused: this.#refused,
      replayDropped: this.#replayDropped,
      sendFailures: this.#sendFailures,
      timeToFirstResultMs: {
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        samples: sorted.length,
      },
      messagesSent: this.#messagesSent,
      reconnections: this.#reconnections,
      handoffs: this.#handoffs,
      replayed: this.#replayed,
      video,
    };
  }

  #ended_(event: ToolEndEvent): ToolEndEvent {
    this.#active.delete(event.callId);
    this.#ended[event.reason] += 1;
    if (event.cancelledBy)
      this.#cancelledBy[event.cancelledBy] = (this.#cancelledBy[event.cancelledBy] ?? 0) + 1;
    // Both maps are empty unless results were dropped or bytes measured: no lookups then.
    let drops = 0;
    if (this.#dropsByCall.size > 0) {
      drops = this.#dropsByCall.get(event.callId) ?? 0;
      this.#dropsByCall.delete(event.callId);
    }
    const metrics =
      drops === 0 ? event.metrics : { ...event.metrics, dropped: event.metrics.dropped + drops };
    let counted = 0;
    if (this.#resultBytes.size > 0) {
      counted = this.#resultBytes.get(event.callId) ?? 0;
      this.#resultBytes.delete(event.callId);
    }
    this.#bytes += metrics.bytes - counted;
    this.#coalesced += metrics.coalesced;
    if (metrics.timeToFirstResultMs !== undefined) {
      this.#firstResult[this.#firstResultNext] = metrics.timeToFirstResultMs;
      this.#firstResultNext = (this.#firstResultNext + 1) % WINDOW;
    }
    return metrics === event.metrics ? event : { ...event, metrics };
  }
}
