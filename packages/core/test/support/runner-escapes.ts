import { config as rxjsConfig } from 'rxjs';
import { afterAll, beforeAll } from 'vitest';

/**
 * Collects, for the test file that calls it, every error that escapes the code under test: RxJS's
 * unhandled-error hook and the process's unhandled rejections. Registers the hooks in `beforeAll`
 * and restores them in `afterAll`; returns the array they fill.
 */
export function captureEscapes(): unknown[] {
  const escaped: unknown[] = [];
  const onRejection = (reason: unknown) => escaped.push(reason);
  let previousHook: typeof rxjsConfig.onUnhandledError;
  beforeAll(() => {
    previousHook = rxjsConfig.onUnhandledError;
    rxjsConfig.onUnhandledError = (error) => escaped.push(error);
    process.on('unhandledRejection', onRejection);
  });
  afterAll(() => {
    rxjsConfig.onUnhandledError = previousHook;
    process.off('unhandledRejection', onRejection);
  });
  return escaped;
}
