// Publishing is checked, not hoped: pack the publishable packages, lint them with publint, install
// the tarballs in a scratch project outside the workspace (peer dependencies from the registry, or
// npm's cache), type-check an ESM consumer against them, and run the tools end to end against the
// fake Live server with the real @google/genai client, through the public API only.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const packages = ['core', 'tools-stock', 'tools-video', 'cli', 'quotes-nats'];
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const step = (text) => console.log(`pack-check: ${text}`);
const tsc = join(root, 'node_modules/typescript/bin/tsc');

const work = mkdtempSync(join(tmpdir(), 'livetools-pack-'));
try {
  const tarballs = {};
  for (const name of packages) {
    const dir = join(root, 'packages', name);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    run('npx', ['publint', '--strict', dir], root);
    const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], dir));
    const leaked = info.files.filter((f) => /\.test(-d)?\.|test-support\/|^test\//.test(f.path));
    if (leaked.length)
      throw new Error(`${manifest.name} would publish test files: ${leaked.map((f) => f.path).join(', ')}`);
    // Every source map points at files the tarball holds, so a debugger in a user's project opens
    // the TypeScript, not a 404 (the maps are read from the packed tarball itself).
    const unpacked = join(work, `unpacked-${name}`);
    mkdirSync(unpacked);
    run('tar', ['-xzf', join(work, info.filename), '-C', unpacked], root);
    const packed = new Set(info.files.map((f) => f.path));
    for (const map of [...packed].filter((path) => path.endsWith('.map'))) {
      const { sourceRoot = '', sources = [] } = JSON.parse(
        readFileSync(join(unpacked, 'package', map), 'utf8'),
      );
      const missing = sources
        .map((source) => posix.normalize(posix.join(posix.dirname(map), sourceRoot, source)))
        .filter((path) => !packed.has(path));
      if (missing.length)
        throw new Error(
          `${manifest.name}: ${map} points at ${missing.join(', ')}, not in the tarball (a stale build output? \`npm run build\` in the package empties dist first)`,
        );
    }
    // Internals live in #private fields, so the typings name no private members.
    for (const typings of [...packed].filter((path) => path.endsWith('.d.ts'))) {
      const named = readFileSync(join(unpacked, 'package', typings), 'utf8').match(/^\s+private [\w$]+/gm);
      if (named)
        throw new Error(
          `${manifest.name}: ${typings} names private members (${named.map((m) => m.trim()).join(', ')}); use #private fields`,
        );
    }
    for (const [peer] of Object.entries(manifest.peerDependencies ?? {})) {
      if (manifest.dependencies?.[peer])
        throw new Error(`${manifest.name} has ${peer} as a dependency and a peer`);
    }
    if (name.startsWith('tools-')) {
      const peers = Object.keys(manifest.peerDependencies ?? {}).sort();
      if (peers.join() !== '@livetools/core,rxjs,zod') throw new Error(`${name} peers are ${peers.join()}`);
    }
    tarballs[manifest.name] = join(work, info.filename);
    step(
      `${manifest.name}@${manifest.version}: publint clean, ${info.entryCount} files, ${(info.size / 1024).toFixed(1)} kB packed`,
    );
  }

  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'pack-check-app',
      private: true,
      type: 'module',
      dependencies: {
        ...Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`])),
        '@google/genai': '^3.3.0',
        rxjs: '^7.8.2',
        zod: '^4.0.0',
        // the fake Live server's optional peer: npm does not install optional peers
        ws: '^8.23.0',
      },
    }),
  );
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', '--loglevel=error'],
    app,
  );

  // An ESM consumer in TypeScript: the published types resolve and fit together.
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2022', 'ESNext.Disposable', 'DOM'],
        strict: true,
        exactOptionalPropertyTypes: true,
        noEmit: true,
        types: [],
        skipLibCheck: false,
      },
      include: ['consumer.ts'],
    }),
  );
  writeFileSync(
    join(app, 'consumer.ts'),
    `import { GoogleGenAI } from '@google/genai';
import { createLiveAgent, defineStreamingTool, type LiveAgent } from '@livetools/core';
import { createFakeLiveServer, type FakeLiveServer } from '@livetools/core/testing';
import { createStockTools, createSimulatedSource, type PriceReportOutput } from '@livetools/tools-stock';
import { createChangeDetector, createVideoTools, type VideoReportOutput } from '@livetools/tools-video';
import { createNatsQuoteSource, type QuoteRelay, startQuoteRelay } from '@livetools/quotes-nats';
import { type NatsTestServer, startNatsServer } from '@livetools/quotes-nats/testing';
import { interval, map } from 'rxjs';
import { z } from 'zod';

const tick = defineStreamingTool({
  name: 'tick',
  description: 'Counts.',
  parameters: z.object({ every: z.number() }),
  execute: ({ every }, ctx) => interval(every, ctx.scheduler).pipe(map((n) => ({ n }))),
});
export async function agent(server: FakeLiveServer): Promise<LiveAgent> {
  const ai = new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: server.url } });
  const tools = [tick, ...createStockTools({ source: createSimulatedSource() }), ...createVideoTools({ analyzer: createChangeDetector() })];
  return createLiveAgent({ ai, model: 'm', tools });
}
export type Outputs = [PriceReportOutput, VideoReportOutput];
export const start = createFakeLiveServer;
export async function fleet(nats: NatsTestServer): Promise<QuoteRelay> {
  const relay = await startQuoteRelay({ servers: nats.url, sources: { simulated: createSimulatedSource() } });
  createStockTools({ source: createNatsQuoteSource({ servers: nats.url, source: 'simulated' }) });
  return relay;
}
export const nats = startNatsServer;
`,
  );
  run('node', [tsc, '-p', 'tsconfig.json'], app);
  step('an ESM TypeScript consumer type-checks against the published types (skipLibCheck off)');

  writeFileSync(
    join(app, 'check.mjs'),
    `import { GoogleGenAI } from '@google/genai';
import { createLiveAgent } from '@livetools/core';
import { createFakeLiveServer } from '@livetools/core/testing';
import { stockTools } from '@livetools/tools-stock';
import { videoTools } from '@livetools/tools-video';

const server = await createFakeLiveServer();
try {
const ai = new GoogleGenAI({ apiKey: 'pack-check', httpOptions: { baseUrl: server.url } });
const agent = createLiveAgent({ ai, model: 'gemini-live-test', tools: [...stockTools, ...videoTools] });
const connected = server.waitForConnection();
const session = await agent.connect();
const conn = await connected;
const names = conn.declarations.map((d) => d.name).join(',');
if (names !== 'monitor_stock_price,get_stock_price,monitor_video_stream,stop_streaming') throw new Error('declarations: ' + names);
const quote = await conn.waitForToolResponse(conn.callTool('get_stock_price', { symbol: 'AAPL' }));
const watch = conn.callTool('monitor_stock_price', { symbol: 'MSFT' });
const first = await conn.waitForToolResponse(watch);
if (!(quote.output.price > 0) || first.output.kind !== 'initial' || first.scheduling !== 'WHEN_IDLE') throw new Error('bad reports');
const camera = conn.callTool('monitor_video_stream', { intervalSeconds: 0.1 });
const stop = conn.callTool('stop_streaming', { function_name: 'monitor_video_stream' });
const stopped = await conn.waitForToolResponse(stop);
const ended = await conn.waitForToolResponse(camera, (r) => r.willContinue === false);
await session.close();
console.log('over the real SDK: get_stock_price AAPL', quote.output.price, '| monitor_stock_price MSFT', first.output.price,
  '| stop_streaming stopped', stopped.output.stopped.map((c) => c.function_name).join(), '| its final response:', ended.output.status, 'by', ended.output.reason);
} finally {
  await server.close();
}
`,
  );
  step(`installed the tarballs in a scratch project; ${run('node', ['check.mjs'], app).trim()}`);
  const help = run('npx', ['livetools', '--help'], app);
  if (!/init/.test(help) || !/check/.test(help)) throw new Error(`livetools --help: ${help}`);
  step('the livetools bin runs from the installed tarball');

  // The fleet: the relay's bin from the tarball holds the simulated market; a NATS source reads it.
  writeFileSync(
    join(app, 'fleet.mjs'),
    `import { spawn } from 'node:child_process';
import { createNatsQuoteSource } from '@livetools/quotes-nats';
import { findNatsServer, startNatsServer } from '@livetools/quotes-nats/testing';

if (!findNatsServer()) {
  if (process.env.CI) throw new Error('CI=true and no nats-server: apt-get install nats-server');
  console.log('no nats-server here: the relay smoke run is skipped (apt-get install nats-server)');
  process.exit(0);
}
const nats = await startNatsServer();
const relay = spawn('node_modules/.bin/livetools-quote-relay', ['--nats', nats.url, '--source', 'simulated'], { stdio: ['ignore', 'pipe', 'inherit'] });
const source = createNatsQuoteSource({ servers: nats.url, source: 'simulated', snapshotTimeoutMs: 15000 });
try {
  const quote = await source.quote('AAPL');
  if (!(quote.price > 0)) throw new Error('no price: ' + JSON.stringify(quote));
  console.log('livetools-quote-relay from the tarball relayed AAPL', quote.price, 'over nats-server');
} finally {
  await source.close();
  relay.kill('SIGTERM');
  await new Promise((resolve) => relay.once('exit', resolve));
  await nats.stop();
}
`,
  );
  step(run('node', ['fleet.mjs'], app).trim());
  step('ok');
} finally {
  rmSync(work, { recursive: true, force: true });
}
