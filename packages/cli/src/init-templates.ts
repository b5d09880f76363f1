import { oneShotTemplate } from './init-template-one-shot.js';
import { pollingTemplate } from './init-template-polling.js';
import {
  CONNECT_HELPER,
  MANIFEST_HEAD,
  MANIFEST_TEST,
  PACKAGE_JSON_READ,
  type TemplateValues,
  type ToolTemplate,
} from './init-template-types.js';
import { videoTemplate } from './init-template-video.js';

export type { TemplateValues, ToolTemplate } from './init-template-types.js';

/** Versions of the scaffold's other dependencies (those the livetools repository is tested with). */
const VERSIONS = {
  genai: '^3.3.0',
  rxjsPeer: '^7.8.0',
  rxjs: '^7.8.2',
  zodPeer: '^3.25.0 || ^4.0.0',
  zod: '^4.1.0',
  typescript: '^5.9.3',
  vitest: '^4.1.12',
  typesNode: '^20.19.0',
  changesets: '^2.31.1',
  publint: '^0.3.25',
  ws: '^8.23.0',
};

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

function packageJson(v: TemplateValues, t: ToolTemplate): string {
  return json({
    name: v.name,
    version: '0.1.0',
    description: t.description,
    type: 'module',
    sideEffects: false,
    keywords: ['livetools', 'gemini', 'live-api', 'streaming-tools'],
    exports: {
      '.': { types: './dist/index.d.ts', import: './dist/index.js' },
      './package.json': './package.json',
    },
    main: './dist/index.js',
    types: './dist/index.d.ts',
    // src ships too: the source maps in dist point at it (go-to-definition, stack traces).
    files: [
      'dist',
      '!dist/**/*.test.*',
      '!dist/**/*.test-d.*',
      '!dist/**/test-support/**',
      'src',
      '!src/**/*.test.*',
      '!src/**/*.test-d.*',
      '!src/**/test-support/**',
      'README.md',
    ],
    engines: { node: '^20.19.0 || >=22.12.0' },
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      typecheck: 'tsc -p tsconfig.json --noEmit',
      test: 'vitest run',
      check: 'livetools check',
      'check:pack': 'livetools check --pack',
      changeset: 'changeset',
      'version-packages': 'changeset version',
      release: 'npm run build && npm test && livetools check --pack && changeset publish',
      prepublishOnly: 'npm run build && npm test && livetools check',
    },
    peerDependencies: {
      '@livetools/core': `^${v.coreVersion}`,
      rxjs: VERSIONS.rxjsPeer,
      zod: VERSIONS.zodPeer,
    },
    devDependencies: {
      '@changesets/cli': VERSIONS.changesets,
      '@google/genai': VERSIONS.genai,
      '@livetools/cli': `^${v.cliVersion}`,
      '@livetools/core': `^${v.coreVersion}`,
      '@types/node': VERSIONS.typesNode,
      publint: VERSIONS.publint,
      rxjs: VERSIONS.rxjs,
      typescript: VERSIONS.typescript,
      vitest: VERSIONS.vitest,
      // The tests run the tool against @livetools/core's fake Live server, which needs ws.
      ws: VERSIONS.ws,
      zod: VERSIONS.zod,
    },
  });
}

const tsconfig = `{
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2022", "ESNext.Disposable", "DOM", "DOM.AsyncIterable"],
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "noUncheckedIndexedAccess": true,
    "exactOptionalPropertyTypes": true,
    "noImplicitOverride": true,
    "verbatimModuleSyntax": true,
    "isolatedModules": true,
    "declaration": true,
    "declarationMap": true,
    "sourceMap": true,
    "skipLibCheck": true,
    "rootDir": "src",
    "outDir": "dist",
    "types": ["node"]
  },
  "include": ["src"]
}
`;

const tsconfigBuild = `{
  "extends": "./tsconfig.json",
  "exclude": ["src/**/*.test.ts", "src/**/*.test-d.ts", "src/**/test-support/**"]
}
`;

const vitestConfig = `import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The tests talk to a fake Live server over real sockets: room for a busy CI machine.
    testTimeout: 30_000,
  },
});
`;

/** changesets: \`npx changeset\` records a change; \`npm run version-packages\` bumps and writes CHANGELOG.md. */
const changesetConfig = json({
  $schema: 'https://unpkg.com/@changesets/config@3.1.4/schema.json',
  changelog: '@changesets/cli/changelog',
  commit: false,
  fixed: [],
  linked: [],
  access: 'public',
  baseBranch: 'main',
  updateInternalDependencies: 'patch',
  ignore: [],
});

const changesetReadme = `# Changesets

Each change users will notice gets a changeset: run \`npx changeset\`, pick patch, minor or major,
and describe the change in a sentence or two; commit the file it writes here with the change.

To release: \`npm run version-packages\` turns the pending changesets into a version bump and CHANGELOG.md
entries; commit that, then \`npm run release\` builds, tests, runs \`livetools check --pack\` and
publishes with \`changeset publish\` (it tags the release too: push the tag).

A change to a tool's name, its parameters or what it returns is a breaking change for the apps and
prompts that use it: a major version (a minor one while the version is 0.x).
`;

const gitignore = `node_modules/
dist/
*.tgz
`;

function indexTs(v: TemplateValues): string {
  return `/**
 * ${v.name}: a streaming tool for live Gemini agents, built with livetools.
 *
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import { defineStreamingTool, defineToolPackage, withScheduling } from '@livetools/core';
import { filter, interval, map, startWith, take } from 'rxjs';
import { z } from 'zod';

${PACKAGE_JSON_READ}
/**
 * \`start_timer\`: a countdown timer the model sets for the user ("tell me when the tea is ready").
 * It reports the time left every \`reportEverySeconds\` without interrupting (SILENT), interrupts
 * when the time is up, and ends. Every timer runs on \`ctx.scheduler\`, so tests can use virtual time.
 */
export const startTimer = defineStreamingTool({
  name: 'start_timer',
  description:
    'Starts a countdown timer. Reports the time left now and then without interrupting, and speaks up ' +
    'when the time is up. Call it once per timer; stop it early with stop_streaming.',
  parameters: z.object({
    seconds: z.number().int().min(1).max(86_400).describe('How long the timer runs, in seconds.'),
    label: z.string().min(1).max(100).optional().describe("What the timer is for, e.g. 'tea'."),
    reportEverySeconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .optional()
      .describe('Seconds between two progress reports (default 60).'),
  }),
  scheduling: 'SILENT',
  execute: ({ seconds, label, reportEverySeconds = 60 }, ctx) => {
    const about = label === undefined ? {} : { label };
    const endsAt = new Date(ctx.scheduler.now() + seconds * 1000).toISOString();
    return interval(1000, ctx.scheduler).pipe(
      take(seconds),
      map((i) => seconds - i - 1),
      filter((left) => left === 0 || (seconds - left) % reportEverySeconds === 0),
      map((left) =>
        left === 0
          ? withScheduling({ ...about, event: 'done', secondsLeft: 0 }, 'INTERRUPT')
          : { ...about, event: 'tick', secondsLeft: left },
      ),
      startWith({ ...about, event: 'started', secondsLeft: seconds, endsAt }),
    );
  },
});

${MANIFEST_HEAD}  tools: [startTimer],
  defaults: {
    /** Seconds between two progress reports when the model gives none. */
    reportEverySeconds: 60,
  },
});
`;
}

const indexTestTs = `import { readFileSync } from 'node:fs';
import { GoogleGenAI } from '@google/genai';
import { checkToolPackage, createLiveAgent, toolsOf } from '@livetools/core';
import { createFakeLiveServer, type FakeLiveConnection, type FakeLiveServer } from '@livetools/core/testing';
import { describe, expect, it } from 'vitest';
import { toolPackage, version } from './index.js';

${MANIFEST_TEST}
${CONNECT_HELPER}
const summary = (conn: FakeLiveConnection, id: string) =>
  conn.toolResponses(id).map((r) => [(r.output as { event?: string }).event, r.scheduling, r.willContinue]);

describe('start_timer over the Live API', () => {
  it('reports the time left silently, then interrupts when the time is up', async () => {
    await using server = await createFakeLiveServer();
    const { session, conn } = await connect(server);
    try {
      expect(conn.declarations.map((d) => d.name)).toEqual(['start_timer', 'stop_streaming']);
      const id = conn.callTool('start_timer', { seconds: 2, reportEverySeconds: 1, label: 'tea' });
      const last = await conn.waitForToolResponse(id, (r) => r.willContinue === false, { timeoutMs: 10_000 });
      expect(last.output).toEqual({ status: 'completed', results: 3 });
      expect(summary(conn, id)).toEqual([
        ['started', 'SILENT', true],
        ['tick', 'SILENT', true],
        ['done', 'INTERRUPT', true],
        [undefined, 'SILENT', false],
      ]);
    } finally {
      await session.close();
    }
  });

  it('stops at once when the model calls stop_streaming', async () => {
    await using server = await createFakeLiveServer();
    const { session, conn } = await connect(server);
    try {
      const id = conn.callTool('start_timer', { seconds: 600 });
      await conn.waitForToolResponse(id);
      const stop = conn.callTool('stop_streaming', { call_id: id });
      expect((await conn.waitForToolResponse(stop)).output).toEqual({
        stopped: [{ call_id: id, function_name: 'start_timer', results: 1 }],
      });
      expect(conn.toolResponses(id).at(-1)).toMatchObject({
        willContinue: false,
        output: { status: 'stopped', reason: 'model' },
      });
    } finally {
      await session.close();
    }
  });

  it('answers invalid arguments with an error, and never starts', async () => {
    await using server = await createFakeLiveServer();
    const { session, conn } = await connect(server);
    try {
      const id = conn.callTool('start_timer', { seconds: 0 });
      const answer = await conn.waitForToolResponse(id);
      expect(answer.willContinue).toBe(false);
      expect(answer.error).toMatchObject({ code: 'INVALID_ARGUMENTS' });
      expect(conn.toolResponses(id)).toHaveLength(1);
    } finally {
      await session.close();
    }
  });
});
`;

function readme(v: TemplateValues, t: ToolTemplate): string {
  return `# ${v.name}

Tools for live (voice and video) agents on the Gemini Live API, built with
[livetools](https://www.npmjs.com/package/@livetools/core).

${t.summary}

## Use it

\`\`\`sh
npm install ${v.name} @livetools/core rxjs zod @google/genai
\`\`\`

\`\`\`ts
import { GoogleGenAI } from '@google/genai';
import { createLiveAgent, toolsOf } from '@livetools/core';
import { toolPackage } from '${v.name}';

const apiKey = process.env.GEMINI_API_KEY;
if (!apiKey) throw new Error('Set GEMINI_API_KEY to your Gemini API key.');
const ai = new GoogleGenAI({ apiKey });
const agent = createLiveAgent({ ai, model: 'gemini-3.8-live', tools: toolsOf(toolPackage) });
\`\`\`

\`toolsOf\` checks that your \`@livetools/core\` is one this package was built for (\`^${v.coreVersion}\`).

## Develop

\`\`\`sh
npm install
npm run build      # tsc to dist/
npm test           # vitest: the tool end to end, with the real @google/genai client against a fake Live server
npm run check      # livetools check: package.json, the built entry, the manifest and each tool
${t.runExample}
\`\`\`

## Release

\`\`\`sh
npx changeset              # describe each change users will notice (see .changeset/README.md)
npm run check:pack         # livetools check --pack: what npm would publish, checked as users meet it
npm run version-packages   # bump the version and write CHANGELOG.md from the changesets
npm run release            # build, test, check --pack, then changeset publish
\`\`\`

\`livetools check --pack\` lints package.json with publint, packs the package and checks the
tarball (no tests or test helpers, source maps whose sources ship), installs it in a scratch project
with its peers, type-checks a strict TypeScript consumer against it (\`exactOptionalPropertyTypes\`,
\`skipLibCheck: false\`) and calls each tool once over the fake Live server. It takes a minute and
prints what it is doing; a non-zero exit lists what to fix.

The name, the version and the \`@livetools/core\` range live in package.json only: \`src/index.ts\`
reads them from there, so a release bumps package.json and nothing else.
`;
}

/** The default template: \`start_timer\`, a streaming tool on \`ctx.scheduler\`. */
const timerTemplate: ToolTemplate = {
  description: 'A streaming tool for live Gemini agents, built with livetools: start_timer.',
  summary:
    '- `start_timer`: a countdown timer that reports the time left without interrupting, and speaks up\n  when the time is up.',
  runExample: 'npx livetools run . start_timer --args \'{"seconds":5,"reportEverySeconds":1}\'',
  indexTs,
  indexTestTs,
};

/** The templates \`livetools init --template\` offers, by name; the first is the default. @internal */
export const TEMPLATES: ReadonlyMap<string, ToolTemplate> = new Map([
  ['timer', timerTemplate],
  ['one-shot', oneShotTemplate],
  ['polling', pollingTemplate],
  ['video', videoTemplate],
]);

/** Every file of a new tool package, by path relative to its directory. @internal */
export function scaffoldFiles(
  v: TemplateValues,
  t: ToolTemplate = timerTemplate,
): ReadonlyMap<string, string> {
  return new Map([
    ['package.json', packageJson(v, t)],
    ['tsconfig.json', tsconfig],
    ['tsconfig.build.json', tsconfigBuild],
    ['vitest.config.ts', vitestConfig],
    ['.gitignore', gitignore],
    ['.changeset/config.json', changesetConfig],
    ['.changeset/README.md', changesetReadme],
    ['README.md', readme(v, t)],
    ['src/index.ts', t.indexTs(v)],
    ['src/index.test.ts', t.indexTestTs],
  ]);
}
