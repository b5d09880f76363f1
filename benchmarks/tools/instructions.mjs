// Machine instructions per one-shot round trip of the peer bench's clients, counted by valgrind's
// callgrind: the raw @google/genai client and livetools, each alone in a process under callgrind,
// against the peer bench's fake server (lib/peer-server.mjs, in a child process that is not
// instrumented). Instruction counts move by about 1 % between runs where CPU time moves by ±10 %
// on a shared machine, so a change of a thousand instructions per round trip shows in one run;
// they are not time (a cache miss costs no instruction), but on this path they follow the peer
// bench's CPU ratio: 1.23 in both scenarios before the changes of 2026-12-07 (1.19-1.24 measured),
// 1.14-1.15 after the first of them (1.13-1.24 measured), and 1.09-1.10 from the steady state,
// with ids alike for both clients, after the last (1.09-1.22 measured). Once parsed frames skipped
// the SDK's message handler the count read 1.06-1.07, where the CPU ratio of a noisy evening moved
// too much (1.05-1.45 in scenario A) to show a change of that size.
//
//   node benchmarks/tools/instructions.mjs
//   node benchmarks/tools/instructions.mjs --scenario=B --round-trips=2000 --top=30
//   node benchmarks/tools/instructions.mjs --callers=KeyedLoadIC,RecordWrite --top=40
//   node benchmarks/tools/instructions.mjs --scenario=stream --cache-sim
//
// `--scenario=stream` counts the core bench's end-to-end throughput row instead, per response: one
// streaming call answered back to back in bursts of 10,000 (a Subject feeding the raw SDK, or a
// livetools streaming tool with `events$` subscribed), against the fake Live server of
// `packages/core/bench/lib/live.mjs` in the same process (both clients send the same frames, so
// the server's share is alike). `--cache-sim` has callgrind simulate the caches, and prints level-1
// instruction and data read misses beside the instructions: on that row, livetools added about 2 %
// of the instructions per response on 2026-12-07, but 7-9 % of the instruction-cache misses and
// 28-44 % of the data read misses (its code and its objects no longer in the level-1 caches when the
// next response comes, after the SDK, ws and the server have run), which is why its wall-time
// share there is about twice its share of instructions.
//
// Needs valgrind (`apt-get install -y valgrind`); takes about two minutes. Counting starts after
// the warm-up (12,000 round trips by default: past the 10,000 ids a session remembers of its ended
// calls, whose table, while it fills up, grows and has V8 recompile the code that adds to it; with
// 6,000 that happened inside the count, about 600 instructions per round trip) and stops after the
// counted ones (6,000 by default: with 2,000 the raw client counted 56,500-57,400 instructions per
// round trip in scenario A, with 6,000 53,500-53,800: code that was still settling weighed on the
// shorter count, and the ratio read 1.07-1.10 instead of 1.14). V8's
// compiler runs on the main thread here (`--single-threaded`, so that callgrind sees it); what it
// compiles while counting is shown apart and left out of the totals. Code that V8 made at run time
// is named from its `--perf-basic-prof` map.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as genai3 from '@google/genai';
import { startChild } from '../lib/child.mjs';
import { optionText, wholeOption } from '../lib/options.mjs';
import { livetoolsClient, PEER_SCENARIOS, rawClient } from '../lib/peer-clients.mjs';
import { sleep } from '../lib/stats.mjs';

const CLIENTS = ['raw', 'livetools'];

const scenarioName = optionText('scenario', 'A');
const streaming = scenarioName === 'stream';
const scenario = streaming ? { model: 'the core bench fake server' } : PEER_SCENARIOS[scenarioName];
if (!scenario) {
  console.error('--scenario must be A, B or stream');
  process.exit(2);
}
/** Responses of one burst in the stream scenario: the core bench's end-to-end row sends 10,000. */
const BURST = 10_000;
const ROUND_TRIPS = wholeOption('round-trips', streaming ? 2 * BURST : 6000);
const WARMUP = wholeOption('warmup', streaming ? 4 * BURST : 12000);
const UNIT = streaming ? 'response' : 'round trip';
const CACHE_SIM = process.argv.includes('--cache-sim');
/** What is counted, by callgrind's names: instructions, and with `--cache-sim` level-1 misses too. */
const EVENTS = CACHE_SIM
  ? [
      ['Ir', 'instructions'],
      ['I1mr', 'level-1 instruction-cache misses'],
      ['D1mr', 'level-1 data-cache read misses'],
    ]
  : [['Ir', 'instructions']];
const TOP = wholeOption('top', 25);
const CALLERS = optionText('callers', undefined)?.split(',');
const child = optionText('child', undefined);

if (child !== undefined && streaming) await runStreamChild(child, optionText('flags', tmpdir()));
else if (child !== undefined) await runChild(child, optionText('flags', tmpdir()));
else await runParent();

/**
 * Under callgrind: `run(WARMUP)`, then `run(ROUND_TRIPS)` counted between two files the parent and
 * this child write in `dir` (not stdin: reading a pipe runs Node's stream code on an object of
 * another shape than the client's socket, and the first read, at the start of the count, had V8
 * deoptimize and recompile the code both share while it counted: twice the instructions).
 */
async function counted(kind, dir, run) {
  await run(WARMUP);
  // Written aside, then renamed: the parent polls for the file and must never read it empty (it
  // once read a pid of 0 and looked for the code map of no process).
  writeFileSync(join(dir, `${kind}.pid`), String(process.pid));
  renameSync(join(dir, `${kind}.pid`), join(dir, `${kind}.ready`));
  await fileWritten(join(dir, `${kind}.go`));
  await run(ROUND_TRIPS);
  writeFileSync(join(dir, `${kind}.done`), '');
  await fileWritten(join(dir, `${kind}.end`));
}

/** One client's one-shot round trips against the peer bench's server, {@link counted}. */
async function runChild(kind, dir) {
  const server = await startChild(new URL('../lib/peer-server.mjs', import.meta.url));
  try {
    const accepted = server.request('expect', { label: kind });
    const open =
      kind === 'raw'
        ? rawClient(genai3, scenario.model, server.url)
        : livetoolsClient(scenario.model, server.url);
    const close = await open();
    await accepted;
    await counted(kind, dir, (iterations) =>
      server.request('run', { label: kind, iterations, turnComplete: scenario.turnComplete }),
    );
    await close();
  } finally {
    await server.stop();
  }
}

/**
 * One client's responses on one streaming call, in bursts like the core bench's end-to-end row
 * (each awaited until the server has received all of it), {@link counted}.
 */
async function runStreamChild(kind, dir) {
  const live = await import('../../packages/core/bench/lib/live.mjs');
  const server = await live.createFakeLiveServer({ timeoutMs: 10_000, keepFrames: 0 });
  const client = kind === 'raw' ? await live.connectRaw(server) : await live.connectLivetools(server);
  const probe = live.frameProbe(client.connection);
  const feed = kind === 'raw' ? live.rawSdkFeed(client.session, client.callId) : client.fixture.feed;
  const value = live.payloads()[0].value;
  const send = async (count) => {
    for (let left = count; left > 0; left -= BURST) {
      const n = Math.min(left, BURST);
      const done = probe.afterResponses(n);
      for (let i = 0; i < n; i++) feed.next(value);
      await done;
    }
  };
  await counted(kind, dir, send);
  probe.dispose();
  if (kind === 'raw') client.session.close();
  else await client.close();
  await server.close();
}

/** Resolves once `file` exists (looked for every 50 ms). */
async function fileWritten(file) {
  while (!existsSync(file)) await sleep(50);
}

async function runParent() {
  if (spawnSync('valgrind', ['--version']).error) {
    console.error('valgrind is not installed: apt-get install -y valgrind');
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), 'livetools-instructions-'));
  const counted = [];
  try {
    console.log(
      `${EVENTS.map(([, name]) => name).join(', ')} per ${streaming ? 'streamed response' : 'one-shot round trip'}, scenario ${scenarioName} (${scenario.model}), ` +
        `${ROUND_TRIPS.toLocaleString('en-US')} counted after ${WARMUP.toLocaleString('en-US')}; Node ${process.version}`,
    );
    // One client at a time, so that each, under callgrind, has a core to itself next to its server.
    for (const kind of CLIENTS) counted.push(await countClient(kind, dir));
    // Each client's output and code map read once, every event of it in the same pass.
    const [raw, livetools] = counted.map(({ outFile, mapFile }) => readCosts(outFile, mapFile, ROUND_TRIPS));
    EVENTS.forEach(([event, name], i) => {
      if (EVENTS.length > 1) console.log(`\n${name} (${event})`);
      printTotals({ raw: raw.costs[i], livetools: livetools.costs[i] });
      printTop(raw.costs[i], livetools.costs[i], name);
      if (CALLERS !== undefined && event === 'Ir') printCallers(raw.callers, livetools.callers);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    // V8 writes its code map where `--perf-basic-prof` puts it, outside `dir`.
    for (const { mapFile } of counted) rmSync(mapFile, { force: true });
  }
}

/** Runs one client under callgrind; resolves with its output file and its code map. */
async function countClient(kind, dir) {
  const outFile = join(dir, `${kind}.callgrind`);
  const proc = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--dump-instr=yes',
      ...(CACHE_SIM ? ['--cache-sim=yes'] : []),
      '--instr-atstart=no',
      `--callgrind-out-file=${outFile}`,
      process.execPath,
      '--single-threaded',
      '--perf-basic-prof',
      // The code map goes to /tmp/perf-<pid>.map; V8 also opens its log, kept out of the working directory.
      `--logfile=${join(dir, `${kind}.v8.log`)}`,
      '--no-logfile-per-isolate',
      fileURLToPath(import.meta.url),
      `--child=${kind}`,
      `--flags=${dir}`,
      `--scenario=${scenarioName}`,
      `--round-trips=${ROUND_TRIPS}`,
      `--warmup=${WARMUP}`,
    ],
    { stdio: ['ignore', 'inherit', 'pipe'] },
  );
  let log = '';
  proc.stderr.on('data', (chunk) => {
    log += chunk;
  });
  const exited = new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', resolve);
  });
  const control = (pid, on) => {
    const done = spawnSync('callgrind_control', ['-i', on ? 'on' : 'off', String(pid)], { encoding: 'utf8' });
    if (done.status !== 0) throw new Error(`callgrind_control failed: ${done.stderr || done.stdout}`);
  };
  const ready = join(dir, `${kind}.ready`);
  await Promise.race([fileWritten(ready), exited]);
  if (!existsSync(ready)) throw new Error(`the ${kind} client exited before it was ready:\n${log}`);
  const pid = Number(readFileSync(ready, 'utf8'));
  control(pid, true);
  writeFileSync(join(dir, `${kind}.go`), '');
  await fileWritten(join(dir, `${kind}.done`));
  control(pid, false);
  writeFileSync(join(dir, `${kind}.end`), '');
  const code = await exited;
  if (code !== 0) throw new Error(`the ${kind} client exited with code ${code}:\n${log}`);
  return { outFile, mapFile: `/tmp/perf-${pid}.map` };
}

/** V8's code map (`--perf-basic-prof`): start, end and name of each piece of code, by start. */
function readCodeMap(file) {
  const byStart = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const first = line.indexOf(' ');
    const second = line.indexOf(' ', first + 1);
    if (first < 0 || second < 0) continue;
    const start = Number.parseInt(line.slice(0, first), 16);
    const size = Number.parseInt(line.slice(first + 1, second), 16);
    byStart.set(start, { start, end: start + size, name: line.slice(second + 1) }); // the latest wins
  }
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}

/** The code of `map` that holds `address`, by binary search; undefined when none does. */
function codeAt(map, address) {
  let low = 0;
  let high = map.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (map[mid].start <= address) low = mid + 1;
    else high = mid - 1;
  }
  const code = map[high];
  return code !== undefined && address < code.end ? code.name : undefined;
}

/**
 * Each of {@link EVENTS} (callgrind's events, by their names in the file's `events:` line) per
 * round trip by function, in the order of `EVENTS`, from one pass over a callgrind output file
 * (self cost: a call's inclusive cost line is skipped). Native code is named by callgrind; run-time
 * code by V8's map. With `--callers=TEXT[,TEXT...]`, also the callers of the functions whose name
 * holds one of the texts: the inclusive instructions of those calls per round trip, by caller and
 * callee.
 */
function readCosts(outFile, mapFile, per) {
  const map = readCodeMap(mapFile);
  const names = { ob: new Map(), fn: new Map() };
  const named = (kind, value) => {
    const match = /^\((\d+)\)(?: (.*))?$/.exec(value);
    if (!match) return value;
    if (match[2] !== undefined) names[kind].set(match[1], match[2]);
    return names[kind].get(match[1]) ?? '?';
  };
  const costs = EVENTS.map(() => new Map());
  const callers = new Map();
  let object = '';
  let fn = '';
  let callee = '';
  let address = 0;
  let skipNext = false;
  const number = (text) => (text.startsWith('0x') ? Number.parseInt(text, 16) : Number(text));
  // A cost line is the instruction's address, its source line, then one count per event.
  let columns = [];
  let instructions = 2;
  for (const line of readFileSync(outFile, 'utf8').split('\n')) {
    const c = line[0];
    if (c === undefined) continue;
    if (line.startsWith('events:')) {
      const names = line.slice('events:'.length).trim().split(' ');
      columns = EVENTS.map(([event]) => {
        const index = names.indexOf(event);
        if (index < 0) throw new Error(`${outFile} has no count of ${event}: ${line}`);
        return 2 + index;
      });
      instructions = 2 + names.indexOf('Ir');
    } else if (line.startsWith('ob=')) object = named('ob', line.slice(3));
    else if (line.startsWith('fn=')) fn = named('fn', line.slice(3));
    else if (line.startsWith('cob=')) named('ob', line.slice(4));
    else if (line.startsWith('cfn=')) callee = named('fn', line.slice(4));
    else if (line.startsWith('calls=')) skipNext = true;
    else if ((c >= '0' && c <= '9') || c === '+' || c === '-' || c === '*') {
      const fields = line.split(' ');
      const position = fields[0];
      if (position === '*') {
        // same address
      } else if (position[0] === '+') address += number(position.slice(1));
      else if (position[0] === '-') address -= number(position.slice(1));
      else address = number(position);
      const jit = object === '' || object === '???' || object.startsWith('(');
      const name = (jit && codeAt(map, address)) || `${object.split('/').pop()} ${fn}`;
      if (skipNext) {
        skipNext = false;
        if (CALLERS?.some((text) => callee.includes(text))) {
          const key = `${name}  ->  ${callee}`;
          callers.set(key, (callers.get(key) ?? 0) + Number(fields[instructions] ?? 0));
        }
        continue;
      }
      for (let i = 0; i < columns.length; i++) {
        const byName = costs[i];
        byName.set(name, (byName.get(name) ?? 0) + Number(fields[columns[i]] ?? 0));
      }
    }
  }
  for (const byName of costs) for (const [name, count] of byName) byName.set(name, count / per);
  for (const [name, count] of callers) callers.set(name, count / per);
  return { costs, callers };
}

/** What a function is part of. */
function partOf(name) {
  if (name.startsWith('JS:')) {
    // The stream scenario's fake server runs in the client's process: its code is not the client's.
    if (name.includes('/core/dist/testing/') || name.includes('/core/bench/')) return 'fake server, bench';
    if (name.includes('/packages/core/') || name.includes('@livetools/core')) return 'livetools';
    if (name.includes('/zod/')) return 'zod';
    if (name.includes('@google/genai')) return '@google/genai';
    if (name.includes('/ws/')) return 'ws';
    if (name.includes(' node:')) return "Node's JavaScript";
    return 'other JavaScript';
  }
  if (/compiler::|Compiler|Turbofan|Pipeline|Zone|Maglev/.test(name)) return 'V8 compiler';
  if (name.includes('Builtins_') || name.startsWith('Builtin:') || name.startsWith('BytecodeHandler:'))
    return 'V8 builtins';
  if (name.includes('v8::')) return 'V8 runtime (C++)';
  if (name.startsWith('libc')) return 'libc';
  return 'Node and libuv (C++), other';
}

function printTotals(clients) {
  const parts = new Map();
  const totals = {};
  for (const [client, costs] of Object.entries(clients)) {
    let total = 0;
    for (const [name, ir] of costs) {
      const part = partOf(name);
      const row = parts.get(part) ?? { raw: 0, livetools: 0 };
      row[client] += ir;
      parts.set(part, row);
      if (part !== 'V8 compiler') total += ir;
    }
    totals[client] = total;
  }
  const f = (n) => Math.round(n).toLocaleString('en-US').padStart(9);
  console.log(
    `\n${'part'.padEnd(30)}${'raw'.padStart(9)}${'livetools'.padStart(11)}${'difference'.padStart(12)}`,
  );
  const rows = [...parts].sort((a, b) => b[1].livetools - a[1].livetools);
  for (const [part, row] of rows) {
    if (part === 'V8 compiler') continue;
    console.log(`${part.padEnd(30)}${f(row.raw)}  ${f(row.livetools)}   ${f(row.livetools - row.raw)}`);
  }
  console.log(
    `${'all but the compiler'.padEnd(30)}${f(totals.raw)}  ${f(totals.livetools)}   ${f(totals.livetools - totals.raw)}` +
      `   livetools/raw ${(totals.livetools / totals.raw).toFixed(3)}`,
  );
  const compiler = parts.get('V8 compiler') ?? { raw: 0, livetools: 0 };
  console.log(`${'(V8 compiler, left out)'.padEnd(30)}${f(compiler.raw)}  ${f(compiler.livetools)}`);
}

/** The callers of the `--callers` functions, by inclusive instructions per round trip (or response), most first. */
function printCallers(raw, livetools) {
  const names = new Set([...raw.keys(), ...livetools.keys()]);
  const rows = [...names].map((name) => ({
    name,
    raw: raw.get(name) ?? 0,
    livetools: livetools.get(name) ?? 0,
  }));
  rows.sort((a, b) => Math.max(b.raw, b.livetools) - Math.max(a.raw, a.livetools));
  console.log(
    `\ncalls to functions named *${CALLERS.join('* or *')}* (inclusive instructions per ${UNIT}: raw, livetools)`,
  );
  const f = (n) => Math.round(n).toLocaleString('en-US').padStart(7);
  for (const row of rows.slice(0, TOP)) {
    const name = row.name.replace(/file:\/\/\S*?\/(packages|node_modules)\//g, '$1/').slice(0, 140);
    console.log(`${f(row.raw)} ${f(row.livetools)}  ${name}`);
  }
}

/** The functions whose counts (`name`: instructions by default) differ most between the clients (compiler left out). */
function printTop(raw, livetools, counted = 'instructions') {
  const names = new Set([...raw.keys(), ...livetools.keys()]);
  const rows = [];
  for (const name of names) {
    if (partOf(name) === 'V8 compiler') continue;
    const difference = (livetools.get(name) ?? 0) - (raw.get(name) ?? 0);
    rows.push({ name, difference, raw: raw.get(name) ?? 0, livetools: livetools.get(name) ?? 0 });
  }
  rows.sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference));
  console.log(`\nthe ${TOP} functions that differ most (${counted} per ${UNIT}: raw, livetools, difference)`);
  const f = (n) => Math.round(n).toLocaleString('en-US').padStart(7);
  for (const row of rows.slice(0, TOP)) {
    const name = row.name.replace(/file:\/\/\S*?\/(packages|node_modules)\//, '$1/').slice(0, 110);
    console.log(`${f(row.raw)} ${f(row.livetools)} ${f(row.difference)}  ${name}`);
  }
}
