/**
 * Loads `ws`, an optional peer dependency of `@livetools/core` that only the fake Live server
 * needs, when a server starts: importing `@livetools/core/testing` never loads it.
 *
 * @packageDocumentation
 */

import type { WebSocketServer } from 'ws';
import { TestKitError } from './test-kit-error.js';

/** The `WebSocketServer` class of `ws`. */
type WebSocketServerClass = typeof WebSocketServer;

/** True for the error `import()` rejects with when a package is not installed. */
function isNotFound(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/**
 * @internal
 * The `WebSocketServer` class of `ws`, imported on first use. `load` stands in for `import('ws')`
 * in tests.
 *
 * @throws {@link TestKitError} (rejects) `WS_MISSING` when `ws` is not installed.
 */
export async function loadWebSocketServer(
  load: () => Promise<unknown> = () => import('ws'),
): Promise<WebSocketServerClass> {
  let module: unknown;
  try {
    module = await load();
  } catch (error) {
    if (!isNotFound(error)) throw error;
    throw new TestKitError(
      'WS_MISSING',
      'createFakeLiveServer needs the `ws` package, an optional peer dependency of @livetools/core that ' +
        'is not installed: run `npm install -D ws` (8.x).',
    );
  }
  const found = (module as { WebSocketServer?: unknown }).WebSocketServer;
  if (typeof found !== 'function') {
    throw new TestKitError(
      'WS_MISSING',
      'The installed `ws` package has no WebSocketServer export: install ws 8.x with `npm install -D ws@8`.',
    );
  }
  return found as WebSocketServerClass;
}
