// The fake Live server of peer-adk.mjs, in its own process. Each client connects under a label;
// the server then times sequential one-shot round trips on that connection: `toolCall` (optionally
// followed by `turnComplete`) → the first function response frame received, both on this
// process's clock (performance.now(), the receipt taken first thing in the frame listener).
//
// Requests (lib/child.mjs): expect { label }, run { label, iterations, turnComplete, name },
// probe { label, name, args, waitMs, turnComplete }, declarations { label }.
import { performance } from 'node:perf_hooks';
import { createFakeLiveServer } from '@livetools/core/testing';
import { serve } from './child.mjs';
import { cpuMs } from './stats.mjs';

// Responses are read as they arrive (onFrame): the server keeps none of the frames of a run (about
// half a million each way), so that its heap, and its collections, stay small.
const server = await createFakeLiveServer({ timeoutMs: 60_000, keepFrames: 0 });
const connections = new Map();
let callCounter = 0;

/** One connection's function responses, as they arrive: waits for the next one. */
function responses(connection) {
  let waiter;
  const seen = [];
  connection.onFrame((_frame, _index, list) => {
    const at = performance.now();
    if (list.length === 0) return;
    for (const r of list) seen.push({ at, response: r.raw });
    if (waiter) {
      const w = waiter;
      waiter = undefined;
      w(at);
    }
  });
  return {
    seen,
    /** Resolves with the receipt time of the next response frame, or undefined after `ms`. */
    next(ms = 10_000) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiter = undefined;
          resolve(undefined);
        }, ms);
        waiter = (at) => {
          clearTimeout(timer);
          resolve(at);
        };
      });
    },
  };
}

serve(
  {
    /** Waits for the next accepted connection and files it under `label`. */
    async expect({ label }) {
      const connection = await server.waitForConnection({ timeoutMs: 30_000 });
      connections.set(label, { connection, responses: responses(connection) });
      return {
        model: connection.setup.model,
        apiVersion: connection.apiVersion,
        declarations: connection.declarations,
      };
    },
    /**
     * Times `iterations` sequential round trips; resolves with the samples (ms) and their start
     * times (absolute ms: performance.timeOrigin + performance.now()).
     */
    async run({ label, iterations, turnComplete, name = 'add' }) {
      const { connection, responses: r } = connections.get(label);
      const samples = new Float64Array(iterations);
      const starts = new Float64Array(iterations);
      for (let i = 0; i < iterations; i++) {
        // The same id for every client but its number (not the label: a client whose label is
        // longer would parse, copy, send and remember a longer id on every call).
        const id = `call-${++callCounter}`;
        const received = r.next();
        const t0 = performance.now();
        connection.callTool(name, { a: i, b: 1 }, id);
        if (turnComplete) connection.turnComplete();
        const t1 = await received;
        if (t1 === undefined) throw new Error(`${label}: no function response for ${id} within 10 s`);
        samples[i] = t1 - t0;
        starts[i] = performance.timeOrigin + t0;
      }
      return { samples, starts };
    },
    /** Issues one call and reports the responses seen within `waitMs`. */
    async probe({ label, name, args = {}, waitMs = 500, turnComplete = false }) {
      const { connection, responses: r } = connections.get(label);
      const before = r.seen.length;
      const t0 = performance.now();
      const id = connection.callTool(name, args, `${label}-probe-${++callCounter}`);
      if (turnComplete) connection.turnComplete();
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      return {
        id,
        responses: r.seen.slice(before).map((s) => ({ afterMs: s.at - t0, response: s.response })),
      };
    },
    /** CPU time used by this process so far (ms). */
    cpu() {
      return cpuMs();
    },
    /** The last function response received on a connection. */
    lastResponse({ label }) {
      return connections.get(label).responses.seen.at(-1)?.response;
    },
    /** Sends `turnComplete` on a connection. */
    turnComplete({ label }) {
      connections.get(label).connection.turnComplete();
      return true;
    },
  },
  () => server.close(),
);

process.send({ type: 'ready', url: server.url });
