// Summarises a V8 heap snapshot (from SCALE_HEAP_SNAPSHOT): self size and count by node type and
// constructor name, largest first, with the big strings (≥ 10 KB) counted apart, and optionally
// divided by a session count.
//
//   node --max-old-space-size=8192 benchmarks/tools/heap-summary.mjs /tmp/scale.heapsnapshot [--sessions=1000] [--top=40]
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: heap-summary.mjs <file.heapsnapshot> [--sessions=N] [--top=N]');
  process.exit(2);
}
const option = (name, fallback) => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.slice(name.length + 3)) : fallback;
};
const sessions = option('sessions', 1);
const top = option('top', 40);

const snapshot = JSON.parse(readFileSync(file, 'utf8'));
const { node_fields: fields, node_types: types } = snapshot.snapshot.meta;
const typeNames = types[0];
const stride = fields.length;
const iType = fields.indexOf('type');
const iName = fields.indexOf('name');
const iSize = fields.indexOf('self_size');
const { nodes, strings } = snapshot;

const groups = new Map();
let total = 0;
for (let i = 0; i < nodes.length; i += stride) {
  const type = typeNames[nodes[i + iType]];
  const size = nodes[i + iSize];
  total += size;
  let name =
    type === 'string' || type === 'concatenated string' || type === 'sliced string'
      ? ''
      : strings[nodes[i + iName]];
  if (type === 'string' && size >= 10_000) name = '(strings of 10 KB or more)';
  else if (type === 'string') name = '(strings under 10 KB)';
  if (type === 'code' || type === 'hidden') name = `(${type})`;
  const key = `${type}\t${name.length > 60 ? `${name.slice(0, 57)}...` : name}`;
  const g = groups.get(key) ?? { count: 0, size: 0 };
  g.count++;
  g.size += size;
  groups.set(key, g);
}
const rows = [...groups.entries()].sort((a, b) => b[1].size - a[1].size).slice(0, top);
const kb = (n) => (n / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 });
console.log(`${file}: ${kb(total)} KB in ${(nodes.length / stride).toLocaleString('en-US')} nodes`);
console.log(`${'self KB'.padStart(10)} ${'per session'.padStart(11)} ${'count'.padStart(9)}  type / name`);
for (const [key, g] of rows) {
  const [type, name] = key.split('\t');
  console.log(
    `${kb(g.size).padStart(10)} ${kb(g.size / sessions).padStart(11)} ${g.count.toLocaleString('en-US').padStart(9)}  ${type} ${name}`,
  );
}
