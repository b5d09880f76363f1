// What one one-shot tool call costs when the processor's caches no longer hold the code and data it
// runs on, as between two calls of a live session: the process sleeps while the server and the
// network run, and they evict it. Each call is a `toolCall` message pushed into a live session over
// the stub SDK (no JSON, no socket; `events$` subscribed as an application would), next to the
// same call handled by an application without livetools (the peer bench's raw client less the
// SDK, `answerAdd` of lib/peer-clients.mjs: zod's `safeParse` and one `sendToolResponse` on the
// same stub). Before each timed call of a cold round
// the tool writes one byte in every cache line of a buffer (16 MB by default); a warm round times
// calls back to back. Rounds alternate between the two handlers; the medians of the rounds are
// printed.
//
//   node benchmarks/tools/cold-call.mjs
//   node benchmarks/tools/cold-call.mjs --evict=4 --rounds=12 --calls=3000
//   node benchmarks/tools/cold-call.mjs --no-events     # nobody subscribes to events$
//
// The figures move with the machine's load far more than the warm ones (on a 2-vCPU machine the
// cold livetools call read 4.8-10.8 µs in runs minutes apart): compare the two handlers of one run.
import { performance } from 'node:perf_hooks';
import { createLiveAgent } from '@livetools/core';
import { median } from '../../packages/core/bench/lib/stats.mjs';
import { stubGenAI } from '../../packages/core/bench/lib/stub-genai.mjs';
import { wholeOption } from '../lib/options.mjs';
import { addTool, answerAdd, PEER_SCENARIOS } from '../lib/peer-clients.mjs';
import { sleep } from '../lib/stats.mjs';

const EVICT_MB = wholeOption('evict', 16);
const ROUNDS = wholeOption('rounds', 6);
const CALLS = wholeOption('calls', 3000);
const WARMUP = 60_000;
const model = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? PEER_SCENARIOS.A.model;

const { client, sessions } = stubGenAI();
const live = await createLiveAgent({ ai: client, model, tools: [addTool] }).connect();
const quiet = process.argv.includes('--no-events');
let events = 0;
if (!quiet) {
  live.events$.subscribe(() => {
    events += 1;
  });
}
await sleep(5); // the first connection publishes its early messages on the next tick
const [stub] = sessions;

const handlers = {
  livetools: (message) => stub.receive(message),
  application: (message) => answerAdd(stub, message),
};

const lines = new Int32Array((EVICT_MB * 1024 * 1024) / 4);
/** Writes one value in every 64-byte line of the buffer: what was cached before is gone. */
function evict() {
  for (let i = 0; i < lines.length; i += 16) lines[i] += 1;
}

let next = 0;
const message = () => ({
  toolCall: { functionCalls: [{ id: `call-${next++}`, name: 'add', args: { a: 1, b: 2 } }] },
});

/** µs per call of `handler` over CALLS calls, each timed on its own. */
function round(handler, cold) {
  let total = 0;
  for (let i = 0; i < CALLS; i++) {
    const m = message();
    if (cold) evict();
    const t0 = performance.now();
    handler(m);
    total += performance.now() - t0;
  }
  return (total * 1000) / CALLS;
}

for (let i = 0; i < WARMUP; i++) {
  handlers.livetools(message());
  handlers.application(message());
}
const figures = { livetools: { warm: [], cold: [] }, application: { warm: [], cold: [] } };
for (let r = 0; r < ROUNDS; r++) {
  // Half the rounds start with the other handler, so that neither always follows the other.
  const order = r % 2 === 0 ? ['livetools', 'application'] : ['application', 'livetools'];
  for (const name of order) figures[name].cold.push(round(handlers[name], true));
  for (const name of order) figures[name].warm.push(round(handlers[name], false));
}
if (stub.toolResponses !== next) throw new Error(`${next} calls, ${stub.toolResponses} responses`);
if (!quiet && events === 0) throw new Error('no event was published');
await live.close();

const f = (values) => median(values).toFixed(2).padStart(6);
console.log(
  `one-shot call, ${model}, median of ${ROUNDS} rounds × ${CALLS.toLocaleString('en-US')} calls ` +
    `(${EVICT_MB} MB written between the calls of a cold round)${quiet ? ', events$ not subscribed' : ''}`,
);
console.log('                               warm µs   cold µs');
console.log(`  livetools (stub SDK)         ${f(figures.livetools.warm)}    ${f(figures.livetools.cold)}`);
console.log(`  application without it      ${f(figures.application.warm)}    ${f(figures.application.cold)}`);
