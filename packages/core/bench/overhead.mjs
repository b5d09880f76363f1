// 1. Overhead: a streaming tool's emission → the fake server's receipt of the function response,
// through livetools, against the raw @google/genai sendToolResponse of the same payload on another
// connection to the same server. The benchmark's tool takes its values from an RxJS Subject the
// benchmark pushes into, and so does the raw application (`rawSdkFeed`, as in the own-cost and
// end-to-end rows): the source costs both paths alike, and the ratio is what livetools adds. A
// second raw connection fed the same way is an A/A control: its ratio to the first shows how far
// two identical paths drift apart in this run (the noise floor). A third raw connection calls
// sendToolResponse directly, without a source (the baseline before the source was added to the
// raw path): livetools' ratio to it is printed too, as information. One message at a time; the
// four paths take turns in a random order in each step, so that periodic events (GC, timers, other
// processes) do not fall on one path more than on another. Then a short breakdown pass times the
// part before the SDK (emission → sendToolResponse entry) and after it.
import { gcHits, recordGc } from './lib/gc-log.mjs';
import {
  connectLivetools,
  connectRaw,
  createFakeLiveServer,
  frameProbe,
  hookSendToolResponse,
  payloads,
  rawResponse,
  rawSdkFeed,
} from './lib/live.mjs';
import { addRow } from './lib/report.mjs';
import { fmt, fullGc, summarize, us } from './lib/stats.mjs';

const TARGET_P50 = 1.1;
/** The smallest payload's p50, where livetools' own work weighs most. */
const TARGET_P50_SMALLEST = 1.05;
const TARGET_P99 = 1.25;

/** A small seeded PRNG (mulberry32), so that runs are comparable. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(list, coin) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(coin() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

export async function overhead({ rounds = 8, perRound = 1000, warmup = 1000, breakdown = 3000 } = {}) {
  // The fake server keeps the last frame of each connection (for the same-bytes check below), not
  // every frame: with four connections, keeping them all grew this process's heap by hundreds of
  // MiB at 12.4 KiB, and the collections of that heap put every path's p99 in the milliseconds.
  const server = await createFakeLiveServer({ timeoutMs: 10_000, keepFrames: 1 });
  const raw = await connectRaw(server);
  const control = await connectRaw(server);
  const bare = await connectRaw(server);
  const lt = await connectLivetools(server);
  const probes = {
    raw: frameProbe(raw.connection),
    control: frameProbe(control.connection),
    bare: frameProbe(bare.connection),
    lt: frameProbe(lt.connection),
  };
  const feeds = {
    raw: rawSdkFeed(raw.session, raw.callId),
    control: rawSdkFeed(control.session, control.callId),
  };
  const send = {
    raw: (value) => probes.raw.latency(() => feeds.raw.next(value)),
    control: (value) => probes.control.latency(() => feeds.control.next(value)),
    bare: (value) =>
      probes.bare.latency(() => bare.session.sendToolResponse(rawResponse(bare.callId, value))),
    lt: (value) => probes.lt.latency(() => lt.fixture.feed.next(value)),
  };
  const paths = Object.keys(send);

  const sizes = payloads();
  // Every path must put the same bytes on the wire (apart from the call id).
  const last = (c) => JSON.stringify({ ...c.toolResponses().at(-1).raw, id: undefined });
  for (const path of paths) await send[path](sizes[0].value);
  if (last(raw.connection) !== last(lt.connection)) {
    throw new Error(`the paths send different frames:\n${last(raw.connection)}\n${last(lt.connection)}`);
  }

  for (let i = 0; i < warmup; i++) {
    for (const path of paths) await send[path](sizes[i % sizes.length].value);
  }

  const coin = random(0x5eed);
  const samples = sizes.map(() => Object.fromEntries(paths.map((p) => [p, []])));
  fullGc();
  const gc = recordGc();
  for (let round = 0; round < rounds; round++) {
    for (let s = 0; s < sizes.length; s++) {
      const { value } = sizes[s];
      for (let i = 0; i < perRound; i++) {
        for (const path of shuffle([...paths], coin)) samples[s][path].push(await send[path](value));
      }
    }
  }
  const pauses = await gc.stop();

  // Breakdown: where each message's time goes, with the same hook on both paths: before the SDK
  // (emission → sendToolResponse entry), in the SDK (entry → exit: conversion, JSON, ws framing,
  // socket write), after it (exit → the emitting call returns: whatever the caller still does), and
  // the transport (return → the server's receipt: event loop, socket, ws parsing, fake server).
  const parts = sizes.map(() => ({ raw: [], lt: [] }));
  let entry = 0;
  let exit = 0;
  const unhook = [
    hookSendToolResponse(
      raw.session,
      (t) => (entry = t),
      (t) => (exit = t),
    ),
    hookSendToolResponse(
      lt.sdkSession,
      (t) => (entry = t),
      (t) => (exit = t),
    ),
  ];
  for (let s = 0; s < sizes.length; s++) {
    for (let i = 0; i < breakdown; i++) {
      for (const path of shuffle(['raw', 'lt'], coin)) {
        const [t0, t1, returned] = await send[path](sizes[s].value);
        parts[s][path].push([entry - t0, exit - entry, returned - exit, t1 - returned]);
      }
    }
  }
  for (const u of unhook) u();

  for (const p of Object.values(probes)) p.dispose();
  for (const feed of Object.values(feeds)) feed.complete();
  await lt.close();
  raw.session.close();
  control.session.close();
  bare.session.close();
  await server.close();

  console.log(
    `overhead: emission → fake server receipt, one message at a time, ${rounds} rounds × ${perRound} per size and path, ` +
      `random order in each step; raw SDK paths fed by the same kind of Subject as the tool; A/A control = a second ` +
      `such raw connection; bare = the raw SDK called directly (no source); ${pauses.length} GC pauses recorded meanwhile`,
  );
  const result = [];
  for (let s = 0; s < sizes.length; s++) {
    const stats = {};
    for (const path of paths) {
      const list = samples[s][path];
      const hits = gcHits(list, pauses);
      const ms = list.map(([t0, t1]) => t1 - t0);
      stats[path] = {
        all: summarize(ms),
        noGc: summarize(ms.filter((_, i) => !hits[i])),
        gcShare: hits.filter(Boolean).length / list.length,
      };
    }
    const { raw: r, lt: l, control: c, bare: direct } = stats;
    const ratio = (a, b, q) => a[q] / b[q];
    const p50 = ratio(l.all, r.all, 'p50');
    const p99 = ratio(l.all, r.all, 'p99');
    const aa50 = ratio(c.all, r.all, 'p50');
    const aa99 = ratio(c.all, r.all, 'p99');
    const bare50 = ratio(l.all, direct.all, 'p50');
    const bare99 = ratio(l.all, direct.all, 'p99');
    const segment = (path, k) => summarize(parts[s][path].map((x) => x[k]));
    const segments = ['before the SDK', 'in the SDK', 'after the SDK', 'transport + server'].map(
      (name, k) => ({
        name,
        raw: segment('raw', k),
        lt: segment('lt', k),
      }),
    );
    const label = sizes[s].label.padStart(8);
    console.log(
      `  ${label}: raw SDK p50 ${us(r.all.p50)} p99 ${us(r.all.p99)} | A/A control p50 ${us(c.all.p50)} p99 ${us(c.all.p99)} | ` +
        `livetools p50 ${us(l.all.p50)} p99 ${us(l.all.p99)} | livetools/raw p50 ${fmt(p50, 3)} p99 ${fmt(p99, 3)}; ` +
        `control/raw p50 ${fmt(aa50, 3)} p99 ${fmt(aa99, 3)} | bare p50 ${us(direct.all.p50)} p99 ${us(direct.all.p99)}, ` +
        `livetools/bare p50 ${fmt(bare50, 3)} p99 ${fmt(bare99, 3)}`,
    );
    console.log(
      `  ${' '.repeat(8)}  GC pause inside a sample: raw ${fmt(r.gcShare * 100, 2)}%, control ${fmt(c.gcShare * 100, 2)}%, ` +
        `livetools ${fmt(l.gcShare * 100, 2)}%; p99 without those: raw ${us(r.noGc.p99)}, control ${us(c.noGc.p99)}, ` +
        `livetools ${us(l.noGc.p99)}`,
    );
    console.log(
      `  ${' '.repeat(8)}  breakdown (p50 / p99, raw vs livetools): ${segments
        .map(
          (g) =>
            `${g.name} ${us(g.raw.p50, 2)} / ${us(g.raw.p99, 2)} vs ${us(g.lt.p50, 2)} / ${us(g.lt.p99, 2)}`,
        )
        .join('; ')}`,
    );
    const targetP50 = s === 0 ? TARGET_P50_SMALLEST : TARGET_P50;
    addRow({
      name: `overhead p50, ${sizes[s].label} payload`,
      figure: `${us(l.all.p50)} vs raw ${us(r.all.p50)} (A/A ${fmt(aa50, 3)}; vs bare ${fmt(bare50, 3)})`,
      target: `ratio ≤ ${targetP50}`,
      ratio: fmt(p50, 3),
      pass: p50 <= targetP50,
    });
    addRow({
      name: `overhead p99, ${sizes[s].label} payload`,
      figure: `${us(l.all.p99)} vs raw ${us(r.all.p99)} (A/A ${fmt(aa99, 3)}; vs bare ${fmt(bare99, 3)})`,
      target: `ratio ≤ ${TARGET_P99}`,
      ratio: fmt(p99, 3),
      pass: p99 <= TARGET_P99,
    });
    result.push({ size: sizes[s].label, stats, p50, p99, aa50, aa99, bare50, bare99, segments });
  }
  return result;
}
