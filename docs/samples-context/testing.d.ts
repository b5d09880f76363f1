/**
 * The setup that the samples of the testing guide marked `context=testing` continue from: the
 * first test's tools and helpers, a running fake server, and the usual imports.
 */

declare const createLiveAgent: typeof import('@livetools/core').createLiveAgent;
declare const createFakeLiveServer: typeof import('@livetools/core/testing').createFakeLiveServer;
declare const GoogleGenAI: typeof import('@google/genai').GoogleGenAI;
declare const expect: typeof import('vitest').expect;

/** The fake Live server of the test. */
declare const server: import('@livetools/core/testing').FakeLiveServer;
/** Prices that `watchPrice` reports. */
declare const prices: import('rxjs').Subject<number>;
/** `watch_price` from the first test. */
declare const watchPrice: import('@livetools/core').StreamingTool;
/** `ping` from the first test. */
declare const ping: import('@livetools/core').OneShotTool;
/** Resolves once the client has handled every frame sent before it. */
declare function barrier(connection: import('@livetools/core/testing').FakeLiveConnection): Promise<void>;
/** `countdown` from the streaming tools guide. */
declare const countdown: import('@livetools/core').StreamingTool;
/** `watch_camera` from the live sessions guide. */
declare const watchCamera: import('@livetools/core').StreamingTool;
