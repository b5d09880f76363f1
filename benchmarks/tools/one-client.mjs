// One client of the peer bench on its own: sequential one-shot round trips of the raw @google/genai
// client or of livetools against the peer bench's fake server (lib/peer-server.mjs, in a child
// process), in a process that runs nothing else. It prints the client's CPU per round trip and, with
// --heap, the bytes it allocates per round trip (V8's sampling heap profiler, objects already
// collected included) by function, most first. The system calls of the same run come from strace
// on this process's main thread:
//
//   node benchmarks/tools/one-client.mjs raw 20000
//   node benchmarks/tools/one-client.mjs livetools 20000 --heap
//   node benchmarks/tools/one-client.mjs livetools 20000 --scenario=B
//   strace -c -o /tmp/livetools.strace node benchmarks/tools/one-client.mjs livetools 20000
//
// The system call counts include the warm-up (3,000 round trips) and the connection; the CPU and
// heap figures cover the timed round trips only. The heap profiler slows the client down: take the
// CPU figure from a run without --heap.
import { readdirSync, readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import * as genai3 from '@google/genai';
import { startChild } from '../lib/child.mjs';
import { livetoolsClient, PEER_SCENARIOS, rawClient } from '../lib/peer-clients.mjs';

const WARMUP = 3000;
const [kind, count = '20000'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const heap = process.argv.includes('--heap');
const threads = process.argv.includes('--threads');
const scenarioName =
  process.argv.find((a) => a.startsWith('--scenario='))?.slice('--scenario='.length) ?? 'A';
const scenario = PEER_SCENARIOS[scenarioName];
const iterations = Number(count);
if (
  (kind !== 'raw' && kind !== 'livetools') ||
  !Number.isInteger(iterations) ||
  iterations < 1 ||
  !scenario
) {
  console.error(
    'usage: node benchmarks/tools/one-client.mjs raw|livetools [round trips] [--heap] [--scenario=A|B]',
  );
  process.exit(2);
}
const { model: MODEL, turnComplete } = scenario;

const server = await startChild(new URL('../lib/peer-server.mjs', import.meta.url));
try {
  const accepted = server.request('expect', { label: kind });
  const open = kind === 'raw' ? rawClient(genai3, MODEL, server.url) : livetoolsClient(MODEL, server.url);
  const close = await open();
  await accepted;
  await server.request('run', { label: kind, iterations: WARMUP, turnComplete });

  const inspector = heap ? new Session() : undefined;
  if (inspector) {
    inspector.connect();
    await inspector.post('HeapProfiler.enable');
    await inspector.post('HeapProfiler.startSampling', {
      samplingInterval: 256,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }
  const threadsBefore = threads ? threadTimes() : undefined;
  const before = process.cpuUsage();
  const usageBefore = process.resourceUsage();
  await server.request('run', { label: kind, iterations, turnComplete });
  const used = process.cpuUsage(before);
  const usageAfter = process.resourceUsage();
  const threadsAfter = threads ? threadTimes() : undefined;
  const perTrip = (us) => (us / iterations).toFixed(1);
  const perThousand = (n) => ((n * 1000) / iterations).toFixed(1);
  console.log(
    `${kind}, scenario ${scenarioName}: ${iterations} round trips, ${perTrip(used.user + used.system)} µs of CPU each ` +
      `(user ${perTrip(used.user)}, system ${perTrip(used.system)}); ` +
      `${perThousand(usageAfter.minorPageFault - usageBefore.minorPageFault)} minor page faults and ` +
      `${perThousand(usageAfter.involuntaryContextSwitches - usageBefore.involuntaryContextSwitches)} ` +
      'preemptions per 1,000',
  );
  if (threadsBefore) printThreads(threadsBefore, threadsAfter, iterations);
  if (inspector) {
    const { profile } = await inspector.post('HeapProfiler.stopSampling');
    inspector.disconnect();
    printAllocations(profile, iterations);
  }
  await close();
} finally {
  await server.stop();
}

/** Bytes allocated per round trip, in all and by function (its own allocations), the top 25. */
function printAllocations(profile, per) {
  const byFunction = new Map();
  let total = 0;
  const visit = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^.*\/node_modules\//, '').replace(/^.*\/packages\//, '');
    const name = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    total += node.selfSize;
    if (node.selfSize > 0) byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
    for (const child of node.children) visit(child);
  };
  visit(profile.head);
  console.log(`allocated: ${Math.round(total / per)} B per round trip (sampled every 256 B)`);
  const top = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 25);
  for (const [name, bytes] of top) console.log(`${String(Math.round(bytes / per)).padStart(7)} B  ${name}`);
}

/** Each thread of this process: its name and the nanoseconds it has run (Linux's schedstat). */
function threadTimes() {
  const times = new Map();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const ns = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      times.set(tid, { name, ns });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return times;
}

/** CPU per round trip on the main thread and on the others (V8's and libuv's helpers), summed. */
function printThreads(before, after, per) {
  let main = 0;
  let others = 0;
  for (const [tid, { ns }] of after) {
    const used = ns - (before.get(tid)?.ns ?? 0);
    if (Number(tid) === process.pid) main += used;
    else others += used;
  }
  const us = (ns) => (ns / 1000 / per).toFixed(2);
  console.log(`threads: main ${us(main)} µs, the ${after.size - 1} others ${us(others)} µs per round trip`);
}
