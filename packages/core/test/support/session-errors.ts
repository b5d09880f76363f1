/** Catching the typed error a synchronous call such as `createLiveAgent` throws. */
import { LivetoolsError } from '../../src/errors.js';

/**
 * The {@link LivetoolsError} `run` throws. Anything else it throws is rethrown, and a `run` that
 * returns fails the test.
 */
export function thrownBy(run: () => unknown): LivetoolsError {
  try {
    run();
  } catch (error) {
    if (LivetoolsError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a LivetoolsError to be thrown');
}
