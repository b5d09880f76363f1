// Publishing is checked, not hoped: pack the publishable packages, lint the packages with publint,
// install the tarballs in a scratch project (peer dependencies from the registry), import them and
// run a tool through the public API only.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const packages = ['core', 'tools-stock', 'tools-video'];
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const step = (text) => console.log(`pack-check: ${text}`);

const work = mkdtempSync(join(tmpdir(), 'livetools-pack-'));
try {
  const tarballs = {};
  for (const name of packages) {
    const dir = join(root, 'packages', name);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    run('npx', ['publint', '--strict', dir], root);
    const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], dir));
    const leaked = info.files.filter((f) => /\.test(-d)?\.|test-support\//.test(f.path));
    if (leaked.length)
      throw new Error(`${manifest.name} would publish test files: ${leaked.map((f) => f.path).join(', ')}`);
    tarballs[manifest.name] = join(work, info.filename);
    step(
      `${manifest.name}@${manifest.version}: publint clean, ${info.entryCount} files, ${(info.size / 1024).toFixed(1)} kB packed`,
    );
  }

  const stock = JSON.parse(readFileSync(join(root, 'packages/tools-stock/package.json'), 'utf8'));
  const peers = Object.keys(stock.peerDependencies ?? {}).sort();
  if (peers.join() !== '@livetools/core,rxjs,zod') throw new Error(`tools-stock peers are ${peers.join()}`);

  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'pack-check-app',
      private: true,
      type: 'module',
      dependencies: {
        '@livetools/core': `file:${tarballs['@livetools/core']}`,
        '@livetools/tools-stock': `file:${tarballs['@livetools/tools-stock']}`,
        '@google/genai': '^3.3.0',
        rxjs: '^7.8.2',
        zod: '^4.0.0',
      },
    }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], app);
  writeFileSync(
    join(app, 'check.mjs'),
    `import { ToolScheduler } from '@livetools/core';
import { createFakeLiveServer } from '@livetools/core/testing';
import { stockTools } from '@livetools/tools-stock';
const sent = [];
const scheduler = new ToolScheduler({ tools: stockTools, sink: { send: (r) => sent.push(...r) } });
scheduler.handleToolCall([{ id: 'q', name: 'get_stock_price', args: { symbol: 'AAPL' } },
  { id: 'm', name: 'monitor_stock_price', args: { symbol: 'MSFT' } }]);
await new Promise((r) => setTimeout(r, 50));
scheduler.dispose();
const quote = sent.find((r) => r.id === 'q');
const first = sent.find((r) => r.id === 'm');
if (!(quote?.response.output.price > 0)) throw new Error('no quote: ' + JSON.stringify(sent));
if (!(first?.willContinue === true && first.response.output.kind === 'initial')) throw new Error('no report');
const server = await createFakeLiveServer();
await server.close();
console.log('get_stock_price AAPL', quote.response.output.price, '| monitor_stock_price MSFT', first.response.output.price);
`,
  );
  step(`installed the tarballs in a scratch project; ${run('node', ['check.mjs'], app).trim()}`);
  step('ok');
} finally {
  rmSync(work, { recursive: true, force: true });
}
