import type { Subscription } from 'rxjs';
import type { GenAILiveSession } from '../protocol/genai-like.js';
import type { ConnectAttempt } from './connect-attempt.js';

/** @internal One working connection of a session. */
export interface Connection {
  readonly session: GenAILiveSession;
  /** Counts the session's connect attempts: a message or close of an older connection is told apart by it. */
  readonly generation: number;
  /** The attempt that opened it: it closes the socket for sure. */
  readonly attempt: ConnectAttempt;
}

/** @internal The wait before the next reconnection attempt, cut short by `close()`. */
export interface Backoff {
  readonly timer: Subscription;
  readonly resolve: () => void;
}

/**
 * @internal
 * How a session is connected, one variant per phase. What exists only in a phase lives in its
 * variant: the current connection while `open`; the attempt under way while `connecting` or
 * `reconnecting`; the connection being left and the backoff while `reconnecting`.
 */
export type ConnectionState =
  | {
      readonly kind: 'connecting';
      /** The first connect attempt, aborted by `close()`. */
      pending: ConnectAttempt | undefined;
    }
  | {
      readonly kind: 'open';
      readonly connection: Connection;
      /**
       * After a goAway while no resumable handle is held: the timer that hands the session over
       * when no handle came in time (cancelled when one comes, or on close).
       */
      handleWait: Subscription | undefined;
    }
  | {
      readonly kind: 'reconnecting';
      /** `resume`: with the stored handle; `handoff`: a fresh session that takes over the running calls. */
      readonly mode: 'resume' | 'handoff';
      /** While resuming after a goAway: the connection being left, open until the resumption ends. */
      readonly leaving: Connection | undefined;
      /** The connect attempt under way, aborted by `close()`. */
      pending: ConnectAttempt | undefined;
      /** The wait before the next attempt. */
      backoff: Backoff | undefined;
    }
  | { readonly kind: 'closing' }
  | { readonly kind: 'closed' };
