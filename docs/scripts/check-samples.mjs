// Type-checks every TypeScript sample of the documentation: each ```ts or ```typescript block of
// docs/guide/*.md, README.md and packages/*/README.md becomes its own module under docs/.samples/,
// and `tsc -p docs/tsconfig.samples.json` checks them all against the built packages, with the free
// names of docs/samples-prelude.d.ts. Errors are reported at the guide's file and line.
//
// A block opts out only with `no-check` on its fence line (```ts no-check); the skipped blocks are
// counted and listed. A block that continues the setup of an earlier one names it with
// `context=NAME` (```ts context=testing): it is checked with docs/samples-context/NAME.d.ts, which
// declares that setup, in a program of its own so the names stay out of every other sample. The samples are checked against the packages' built types (dist/):
// `npx turbo run test --filter=@livetools-internal/docs` builds them first; `npm run check-samples -w docs`
// checks against what is built now.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

const docs = resolve(import.meta.dirname, '..');
const root = resolve(docs, '..');
const out = join(docs, '.samples');
const LANGUAGES = new Set(['ts', 'typescript']);
const OPT_OUT = 'no-check';
const contextsDir = join(docs, 'samples-context');

/** The Markdown files whose samples are checked (absolute paths). */
function sources() {
  const files = [];
  const guide = join(docs, 'guide');
  for (const name of readdirSync(guide).sort()) if (name.endsWith('.md')) files.push(join(guide, name));
  files.push(join(root, 'README.md'));
  const packages = join(root, 'packages');
  for (const name of readdirSync(packages).sort()) {
    const readme = join(packages, name, 'README.md');
    if (existsSync(readme)) files.push(readme);
  }
  return files;
}

/**
 * The fenced code blocks of a Markdown file: `{ lang, info, line, indent, code }`, where `line` is
 * the 1-based line of the first code line. Indented fences (in list items) lose their indentation,
 * whose width is `indent`.
 */
function codeBlocks(text) {
  const lines = text.split(/\r?\n/);
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang, rest] = open;
    const body = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^\s*(`{3,}|~{3,})\s*$/.exec(lines[j]);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length) break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    blocks.push({
      lang: lang.toLowerCase(),
      info: rest.trim().split(/\s+/).filter(Boolean),
      line: i + 2,
      indent: indent.length,
      code: body,
    });
    i = j;
  }
  return blocks;
}

/** `docs/guide/delivery.md` → `docs-guide-delivery`. */
function slug(file) {
  return relative(root, file)
    .replace(/\.md$/, '')
    .split(sep)
    .join('-')
    .replace(/[^A-Za-z0-9_-]/g, '_');
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

/** Generated file (relative to docs/) → where its first line comes from. */
const origins = new Map();
/** Context name ('' for none) → generated files (relative to docs/). */
const groups = new Map([['', []]]);
const skipped = [];
let checked = 0;
for (const file of sources()) {
  const source = relative(root, file);
  for (const block of codeBlocks(readFileSync(file, 'utf8'))) {
    if (!LANGUAGES.has(block.lang)) continue;
    if (block.info.includes(OPT_OUT)) {
      skipped.push(`${source}:${block.line - 1}`);
      continue;
    }
    const code = block.code.join('\n');
    // Every sample is a module of its own (so top-level await works and names do not clash).
    const isModule = /^\s*(import|export)\s/m.test(code);
    const name = join(slug(file), `L${block.line - 1}.ts`);
    const context = block.info.find((word) => word.startsWith('context='))?.slice('context='.length) ?? '';
    if (context && !existsSync(join(contextsDir, `${context}.d.ts`))) {
      console.error(
        `${source}:${block.line - 1}: no docs/samples-context/${context}.d.ts for context=${context}`,
      );
      process.exit(1);
    }
    if (!groups.has(context)) groups.set(context, []);
    groups.get(context).push(join('.samples', name).split(sep).join('/'));
    mkdirSync(join(out, dirname(name)), { recursive: true });
    writeFileSync(join(out, name), `${code}\n${isModule ? '' : 'export {};\n'}`);
    origins.set(join('.samples', name).split(sep).join('/'), {
      source,
      line: block.line,
      indent: block.indent,
    });
    checked += 1;
  }
}

const tsc = createRequire(join(docs, 'package.json')).resolve('typescript/bin/tsc');
// One program per context: the samples without one, then each context's samples with its setup.
const results = [...groups]
  .filter(([, files]) => files.length > 0)
  .map(([context, files]) => {
    const config = join(out, `tsconfig.${context || 'plain'}.json`);
    const include = ['../samples-prelude.d.ts', ...(context ? [`../samples-context/${context}.d.ts`] : [])];
    writeFileSync(
      config,
      JSON.stringify({
        extends: '../tsconfig.samples.json',
        include: [...include, ...files.map((f) => `../${f}`)],
      }),
    );
    return spawnSync(process.execPath, [tsc, '-p', relative(docs, config), '--pretty', 'false'], {
      cwd: docs,
      encoding: 'utf8',
    });
  });
const result = { status: results.every((r) => r.status === 0) ? 0 : 1 };
const output = results
  .map((r) => `${r.stdout}${r.stderr}`.trim())
  .filter(Boolean)
  .join('\n');

/** `.samples/x/L12.ts(3,5): error ...` → `{ source, line, column, text }` at the guide's file and line. */
function locate(line) {
  const match = /^(.+?)\((\d+),(\d+)\): (.*)$/.exec(line);
  if (!match) return undefined;
  const [, path, row, column, message] = match;
  const origin = origins.get(path.split(sep).join('/'));
  const source = origin ? origin.source : relative(root, resolve(docs, path));
  const at = origin ? origin.line + Number(row) - 1 : Number(row);
  const col = Number(column) + (origin?.indent ?? 0);
  return { source, line: at, column: col, text: [`${source}:${at}:${col}: ${message}`] };
}

// One entry per diagnostic (with its indented continuation lines), sorted by file and line.
const diagnostics = [];
for (const line of output ? output.split('\n') : []) {
  const located = locate(line);
  if (located) diagnostics.push(located);
  else if (diagnostics.length > 0 && /^\s/.test(line)) diagnostics.at(-1).text.push(line);
  else diagnostics.push({ source: '', line: 0, column: 0, text: [line] });
}
diagnostics.sort((a, b) => a.source.localeCompare(b.source) || a.line - b.line || a.column - b.column);

const summary =
  `check-samples: ${checked} TypeScript sample(s) checked` +
  (skipped.length ? `, ${skipped.length} skipped (no-check: ${skipped.join(', ')})` : ', none skipped');
if (result.status !== 0 || diagnostics.length > 0) {
  for (const diagnostic of diagnostics) console.error(diagnostic.text.join('\n'));
  const perFile = new Map();
  for (const { source } of diagnostics) if (source) perFile.set(source, (perFile.get(source) ?? 0) + 1);
  const where = [...perFile].map(([source, count]) => `${source} (${count})`).join(', ');
  console.error(`${summary}; ${diagnostics.length} error(s)${where ? ` in ${where}` : ''}.`);
  if (diagnostics.some((d) => /TS2307: Cannot find module '@livetools\//.test(d.text[0]))) {
    console.error('Build the packages first: npx turbo run build --filter=./packages/*');
  }
  process.exit(1);
}
console.log(`${summary}; no errors.`);
