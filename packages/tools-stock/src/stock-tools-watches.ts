import { errorMarker, hasErrorMarker, LivetoolsError, markError, type ToolContext } from '@livetools/core';
import { defer, finalize, type Observable, throwError } from 'rxjs';

/**
 * What `monitor_stock_price` does when a session asks to watch a symbol it already watches:
 * `refuse` (default) answers the new call with a `DUPLICATE_CALL` error that names the running
 * call, which keeps reporting; `allow` runs both (every move is then reported twice).
 *
 * @example
 * ```ts
 * const policy: DuplicateWatchPolicy = 'allow';
 * ```
 */
export type DuplicateWatchPolicy = 'refuse' | 'allow';

const duplicateWatchMarker = errorMarker('DuplicateWatchError');

/**
 * A session asked to watch a symbol it already watches (`code` `DUPLICATE_CALL`). The message
 * names the running call and says how to change its settings.
 *
 * @example
 * ```ts
 * session.events$.subscribe((event) => {
 *   if (event.type === 'tool-end' && DuplicateWatchError.isInstance(event.error)) {
 *     console.log(`${event.error.symbol} is already watched by ${event.error.runningCallId}`);
 *   }
 * });
 * ```
 */
export class DuplicateWatchError extends LivetoolsError {
  /** The symbol, normalised (trimmed, upper case). */
  readonly symbol: string;
  /** The call that already watches it. */
  readonly runningCallId: string;

  constructor(symbol: string, runningCallId: string) {
    super(
      'DUPLICATE_CALL',
      `${symbol} is already watched by call ${runningCallId}, which keeps reporting its moves. ` +
        `To change its alert levels or threshold, stop that call with stop_streaming, then watch ${symbol} again.`,
    );
    this.name = 'DuplicateWatchError';
    markError(this, duplicateWatchMarker);
    this.symbol = symbol;
    this.runningCallId = runningCallId;
  }

  /** True when `error` is a `DuplicateWatchError`, even one created by another copy of the package. */
  static override isInstance(error: unknown): error is DuplicateWatchError {
    return hasErrorMarker(error, duplicateWatchMarker);
  }
}

/**
 * The symbols each session watches, to refuse a second watch of one. A session is known by its
 * realtime input streams (`ctx.input`): every live session has its own, so two sessions (two
 * browser tabs) may watch one symbol, each with its own call. Entries go when their calls end.
 */
export class SessionWatches {
  readonly #bySession = new WeakMap<object, Map<string, string>>();

  /**
   * `watch$` for this call, or an error when its session already watches `symbol`. The check and
   * the registration happen when the call is subscribed; the registration ends with the call.
   */
  guard<T>(symbol: string, ctx: ToolContext, watch$: Observable<T>): Observable<T> {
    return defer(() => {
      const key = symbolKey(symbol);
      let watched = this.#bySession.get(ctx.input);
      if (watched === undefined) {
        watched = new Map();
        this.#bySession.set(ctx.input, watched);
      }
      const running = watched.get(key);
      if (running !== undefined && running !== ctx.callId) {
        return throwError(() => new DuplicateWatchError(key, running));
      }
      const session = watched;
      session.set(key, ctx.callId);
      return watch$.pipe(
        finalize(() => {
          if (session.get(key) === ctx.callId) session.delete(key);
        }),
      );
    });
  }
}

/** How symbols are compared: `' aapl '` and `AAPL` are one symbol. */
function symbolKey(symbol: string): string {
  return symbol.trim().toUpperCase();
}
