/**
 * Testing helpers for a fleet: a real `nats-server` with JetStream (or without, to test that error),
 * started on a free port with a temporary store for each test, and a way to find the binary (to skip
 * tests where it is missing).
 *
 * @example
 * ```ts
 * import { startNatsServer } from '@livetools/quotes-nats/testing';
 *
 * const nats = await startNatsServer();
 * try {
 *   // startQuoteRelay({ servers: nats.url, ... }), createNatsQuoteSource({ servers: nats.url, ... })
 * } finally {
 *   await nats.stop();
 * }
 * ```
 *
 * @packageDocumentation
 */
export { findNatsServer } from './nats-binary.js';
export { type NatsTestServer, type StartNatsServerOptions, startNatsServer } from './nats-server.js';
