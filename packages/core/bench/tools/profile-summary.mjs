// Summarises a V8 CPU profile (`node --cpu-prof`): self time per function and per package, and the
// inclusive time of the functions whose name or file matches a filter.
//
//   node bench/tools/profile-summary.mjs PROFILE.cpuprofile [--top=25] [--match=regex]
import { readFileSync } from 'node:fs';

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/tools/profile-summary.mjs PROFILE.cpuprofile [--top=25] [--match=regex]');
  process.exit(2);
}
const option = (name, fallback) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const top = Number(option('top', '25'));
const match = new RegExp(option('match', 'livetools/core/dist|packages/core/dist'));

const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Self time per node from the samples and their time deltas (µs).
const self = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);

const where = (cf) => {
  const url = cf.url.replace(/^file:\/\//, '');
  const short = url.replace(/.*node_modules\//, '').replace(/.*packages\/core\//, 'core/');
  return `${cf.functionName || '(anonymous)'} ${short ? `${short}:${cf.lineNumber + 1}` : ''}`.trim();
};
const pkg = (cf) => {
  if (!cf.url) return cf.functionName.startsWith('(') ? cf.functionName : '(native)';
  if (/packages\/core\/dist/.test(cf.url)) return '@livetools/core';
  const m = cf.url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1];
  if (cf.url.startsWith('node:')) return 'node:internal';
  return cf.url.replace(/^file:\/\/.*\/(bench\/.*)$/, '$1');
};

const byFunction = new Map();
const byPackage = new Map();
for (const [id, us] of self) {
  const cf = nodes.get(id).callFrame;
  byFunction.set(where(cf), (byFunction.get(where(cf)) ?? 0) + us);
  byPackage.set(pkg(cf), (byPackage.get(pkg(cf)) ?? 0) + us);
}
// Inclusive time of matching functions, counted once per sample even when recursive.
const inclusive = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const seen = new Set();
  for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) {
    const cf = nodes.get(id).callFrame;
    const key = where(cf);
    if (!match.test(cf.url) && !match.test(cf.functionName)) continue;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
}

const pct = (us) => `${((100 * us) / total).toFixed(2).padStart(6)}%`;
const ms = (us) => `${(us / 1000).toFixed(1).padStart(8)} ms`;
const print = (title, map, n) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n))
    console.log(`${ms(v)} ${pct(v)}  ${k}`);
};
console.log(`${file}: ${(total / 1000).toFixed(1)} ms sampled`);
print('self time by package', byPackage, 15);
print(`self time by function (top ${top})`, byFunction, top);
print(`inclusive time of functions matching ${match}`, inclusive, top);
