import type { SchedulerLike } from 'rxjs';
import type { DeliveryStrategy } from '../delivery/delivery.js';
import type { ModelProfile } from '../profiles/model-profile.js';
import type { GenAIClient, LiveSessionConfig } from '../protocol/genai-like.js';
import type { Logger } from '../tool/context.js';
import type { AnyTool } from '../tool/define-tool.js';
import type { TracerLike } from './tool-tracing.js';
import type { VideoRoutingOptions } from './video-routing.js';

/** @internal Everything a session needs, resolved by `createLiveAgent`. */
export interface SessionSettings {
  readonly ai: GenAIClient;
  readonly model: string;
  readonly tools: readonly AnyTool[];
  readonly config: LiveSessionConfig;
  readonly delivery: DeliveryStrategy;
  readonly scheduler: SchedulerLike;
  readonly logger: Logger;
  readonly connectTimeoutMs: number;
  readonly closeTimeoutMs: number;
  readonly reconnect: {
    readonly attempts: number;
    readonly initialDelayMs: number;
    readonly maxDelayMs: number;
    /** Resumptions in a row (each connection shorter than `stableAfterMs`) before the session gives up. */
    readonly maxConsecutive: number;
    /** How long a connection must last for the next resumption to start a new series. */
    readonly stableAfterMs: number;
  };
  readonly bufferedResultsPerCall: number;
  /** With session resumption: how many written messages are kept for a replay at most. */
  readonly maxUnacknowledged: number;
  /** Measure the JSON length of every function response. */
  readonly measureBytes: boolean;
  /**
   * Transparent resumption: the setup asks for it, and a handle covers the client messages up to
   * its `lastConsumedClientMessageIndex` (without it, what was written when the handle arrived).
   */
  readonly transparentResumption: boolean;
  /** Where tool-call spans go; none when absent. */
  readonly tracer?: TracerLike | undefined;
  /**
   * Handoff: without a resumable handle, the session moves to a fresh connection instead of
   * ending. `marginMs`: how long before a goAway's `timeLeft` runs out the session stops waiting
   * for a resumable handle. Off when absent.
   */
  readonly handoff?: { readonly enabled: boolean; readonly marginMs: number } | undefined;
  /** What the model supports (e.g. its idle signal); the 2025 behaviour when absent. */
  readonly profile?: ModelProfile | undefined;
  /** Where video frames go and the caps on each side (checked); every frame to both when absent. */
  readonly video?: VideoRoutingOptions | undefined;
}
