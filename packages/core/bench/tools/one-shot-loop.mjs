// livetools' own cost per one-shot tool call in a warm loop: `toolCall` messages (optionally each
// followed by `turnComplete`) pushed into a live session over the stub SDK (no JSON, no socket),
// with `events$` subscribed as an application would, and a tool that answers at once. Prints the
// median of five timed runs per session. `--after=<model>` first runs a session of another model in
// the same process, as a console or a fleet process holds several: the code then sees both
// sessions, and the figure shows what that costs the one measured.
//
//   node packages/core/bench/tools/one-shot-loop.mjs
//   node packages/core/bench/tools/one-shot-loop.mjs gemini-2.5-flash-native-audio-preview-12-2025 --turn-complete
//   node packages/core/bench/tools/one-shot-loop.mjs gemini-3.1-flash-live-preview --after=gemini-2.5-flash-native-audio-preview-12-2025
//   node --cpu-prof --cpu-prof-dir=/tmp/prof packages/core/bench/tools/one-shot-loop.mjs
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { createLiveAgent, defineTool } from '../../dist/index.js';
import { median, sleep } from '../lib/stats.mjs';
import { stubGenAI } from '../lib/stub-genai.mjs';

const CALLS = 50_000;
const RUNS = 5;
const args = process.argv.slice(2);
const model = args.find((a) => !a.startsWith('--')) ?? 'gemini-3.1-flash-live-preview';
const turnComplete = args.includes('--turn-complete');
const after = args.find((a) => a.startsWith('--after='))?.slice('--after='.length);

const add = defineTool({
  name: 'add',
  description: 'Adds two numbers.',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => ({ sum: a + b }),
});

/** Runs one session of `model`; returns the median µs per call of the timed runs. */
async function session(name, runs) {
  const { client, sessions } = stubGenAI();
  const live = await createLiveAgent({ ai: client, model: name, tools: [add] }).connect();
  let events = 0;
  const subscription = live.events$.subscribe(() => {
    events += 1;
  });
  await sleep(5); // the first connection publishes its early messages on the next tick
  const [stub] = sessions;
  let next = 0;
  const call = () => {
    stub.receive({
      toolCall: { functionCalls: [{ id: `call-${next++}`, name: 'add', args: { a: 1, b: 2 } }] },
    });
    if (turnComplete) stub.receive({ serverContent: { turnComplete: true } });
  };
  for (let i = 0; i < CALLS; i++) call(); // warm-up
  const perCall = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < CALLS; i++) call();
    perCall.push(((performance.now() - t0) * 1000) / CALLS);
  }
  if (stub.toolResponses !== next) throw new Error(`${next} calls, ${stub.toolResponses} responses`);
  if (events === 0) throw new Error('no event was published');
  subscription.unsubscribe();
  await live.close();
  return median(perCall);
}

if (after) {
  const first = await session(after, 1);
  console.log(`first, ${after}: ${first.toFixed(3)} µs per call`);
}
const us = await session(model, RUNS);
console.log(
  `${model}${turnComplete ? ', each call followed by turnComplete' : ''}${after ? `, after a ${after} session` : ''}: ` +
    `${us.toFixed(3)} µs per one-shot call (median of ${RUNS} × ${CALLS.toLocaleString('en-US')}, stub SDK, events$ subscribed)`,
);
