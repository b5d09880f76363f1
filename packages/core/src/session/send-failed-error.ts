import { errorMarker, hasErrorMarker, markError } from '../error-marker.js';
import { describeError, LivetoolsError } from '../errors.js';

const sendFailedErrorMarker = errorMarker('SendFailedError');

/**
 * A client message could not be written (the SDK threw while encoding or sending it). Published
 * as a session `error` event; the message is skipped and the messages behind it are still sent.
 * When it was a call's final function response, an error response takes its place, so that the
 * call still ends.
 *
 * @example
 * ```ts
 * session.events$.subscribe((e) => {
 *   if (e.type === 'error' && e.error instanceof SendFailedError) console.warn(e.error.callId, e.error.message);
 * });
 * ```
 */
export class SendFailedError extends LivetoolsError {
  /** The call whose response could not be sent; `undefined` for a user turn. */
  readonly callId: string | undefined;

  constructor(callId: string | undefined, cause: unknown) {
    const what = callId === undefined ? 'A user turn' : `A response of call ${callId}`;
    super(
      'SEND_FAILED',
      `${what} could not be sent to the Live API (${describeError(cause)}); it was skipped and the messages ` +
        'behind it were sent. Make sure tool results are plain JSON values.',
      { cause },
    );
    this.name = 'SendFailedError';
    markError(this, sendFailedErrorMarker);
    this.callId = callId;
  }

  /** True when `error` is a `SendFailedError`, even one created by another copy of the package. */
  static override isInstance(error: unknown): error is SendFailedError {
    return hasErrorMarker(error, sendFailedErrorMarker);
  }
}
