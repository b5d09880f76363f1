// livetools' own CPU cost per emission on the live-session path, without the SDK, JSON or a socket:
// a streaming tool's emission through the runner, the session and the delivery into a stub SDK
// session, against an application that takes its values from the same kind of source (an RxJS
// Subject the benchmark pushes into) and calls the same stub's sendToolResponse for each. The
// source costs both sides alike (RxJS 7's Subject.next makes a closure and an iterator per value),
// so the difference is livetools' alone; the difference against an application calling the stub
// directly in a loop (no source at all) is printed too. This is the part of the end-to-end
// overhead that livetools can change; run it under `node --cpu-prof` to see where it goes
// (bench/tools/profile-summary.mjs).
import { performance } from 'node:perf_hooks';
import { createLiveAgent } from '../dist/index.js';
import { feedTool, MODEL, payloads, rawResponse, rawSdkFeed } from './lib/live.mjs';
import { addRow } from './lib/report.mjs';
import { fmt, fullGc, median, sleep } from './lib/stats.mjs';
import { stubGenAI } from './lib/stub-genai.mjs';

/** livetools' own CPU per emission at most (ns). */
const TARGET_NS = 250;

export async function ownCost({ n = 500_000, reps = 5 } = {}) {
  const { client, sessions } = stubGenAI();
  const fixture = feedTool();
  const session = await createLiveAgent({ ai: client, model: MODEL, tools: [fixture.tool] }).connect();
  let events = 0;
  const subscription = session.events$.subscribe(() => (events += 1));
  const [stub] = sessions;
  await sleep(5); // the first connection publishes its early messages on the next tick
  stub.receive({ toolCall: { functionCalls: [{ id: 'own-1', name: fixture.tool.name, args: {} }] } });
  if (fixture.live !== 1) throw new Error('the tool did not start');
  const value = payloads()[0].value;

  const runLt = () => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fixture.feed.next(value);
    return ((performance.now() - t0) * 1e6) / n;
  };
  const runRaw = () => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) stub.sendToolResponse(rawResponse('own-1', value));
    return ((performance.now() - t0) * 1e6) / n;
  };
  // The application without livetools, fed like the tool.
  const rawFeed = rawSdkFeed(stub, 'own-1');
  const runRawFed = () => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) rawFeed.next(value);
    return ((performance.now() - t0) * 1e6) / n;
  };
  runLt();
  runRaw();
  runRawFed();
  const lt = [];
  const raw = [];
  const rawFed = [];
  for (let r = 0; r < reps; r++) {
    fullGc();
    raw.push(runRaw());
    fullGc();
    rawFed.push(runRawFed());
    fullGc();
    lt.push(runLt());
  }
  const sent = stub.toolResponses;
  rawFeed.complete();
  subscription.unsubscribe();
  await session.close();
  const own = median(lt) - median(rawFed);
  console.log(
    `livetools own cost per emission (stub SDK session, no JSON or socket; ${fmt(n, 0)} × ${reps}): ` +
      `emission → stub sendToolResponse median ${fmt(median(lt), 0)} ns, app fed by the same kind of Subject ${fmt(median(rawFed), 0)} ns, ` +
      `difference ${fmt(own, 0)} ns; app calling the stub directly in a loop ${fmt(median(raw), 0)} ns, difference ${fmt(median(lt) - median(raw), 0)} ns ` +
      `(${fmt(sent, 0)} responses, ${fmt(events, 0)} events)`,
  );
  addRow({
    name: 'livetools own cost per emission (stub SDK)',
    figure: `${fmt(own, 0)} ns`,
    target: `≤ ${TARGET_NS} ns`,
    ratio: fmt(own / TARGET_NS, 2),
    pass: own <= TARGET_NS,
  });
  return { lt: median(lt), raw: median(raw), own };
}
