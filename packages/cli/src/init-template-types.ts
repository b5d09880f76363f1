/** What the templates are filled in with. @internal */
export interface TemplateValues {
  /** The package's npm name. */
  readonly name: string;
  /** The running `@livetools/core` version: the scaffold's peer range is `^` it. */
  readonly coreVersion: string;
  /** This CLI's version, for the scaffold's devDependency on it. */
  readonly cliVersion: string;
}

/** The tool a scaffold starts with: its source, its tests, and how the README and package.json describe it. @internal */
export interface ToolTemplate {
  /** package.json `description`. */
  readonly description: string;
  /** The README's bullet list of tools. */
  readonly summary: string;
  /** A `livetools run` command line for the README. */
  readonly runExample: string;
  /** `src/index.ts`. */
  readonly indexTs: (v: TemplateValues) => string;
  /** `src/index.test.ts`. */
  readonly indexTestTs: string;
}

/* Pieces every template's files share, so that the templates say them once. */

/** `src/index.ts`: package.json read once, and the `version` export. @internal */
export const PACKAGE_JSON_READ = `/** package.json, read once: the name, version and core range live there only (from src/ and dist/ alike). */
const packageJson = createRequire(import.meta.url)('../package.json') as {
  name: string;
  version: string;
  peerDependencies: { '@livetools/core': string };
};

/** The package's version, as in package.json. */
export const version: string = packageJson.version;
`;

/** `src/index.ts`: the start of the `toolPackage` manifest (its `tools` follow). @internal */
export const MANIFEST_HEAD = `/**
 * The package's manifest: applications take its tools with \`toolsOf(toolPackage)\`, which checks
 * that their @livetools/core is one this package was built for; \`livetools check\` reads it too.
 */
export const toolPackage = defineToolPackage({
  name: packageJson.name,
  version,
  core: packageJson.peerDependencies['@livetools/core'],
`;

/** `src/index.test.ts`: the manifest agrees with package.json and the installed core. @internal */
export const MANIFEST_TEST = `const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
  peerDependencies: Record<string, string>;
};

describe('toolPackage', () => {
  it('is described by package.json and compatible with the installed @livetools/core', () => {
    expect([toolPackage.name, version, toolPackage.core]).toEqual([
      manifest.name,
      manifest.version,
      manifest.peerDependencies['@livetools/core'],
    ]);
    expect(() => checkToolPackage(toolPackage)).not.toThrow();
  });
});
`;

/** `src/index.test.ts`: a session of the real SDK on a local fake Live server. @internal */
export const CONNECT_HELPER = `/** A live session of the real @google/genai client, connected to a local fake Live server. */
async function connect(server: FakeLiveServer) {
  const ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: server.url } });
  const agent = createLiveAgent({ ai, model: 'gemini-live-test', tools: toolsOf(toolPackage) });
  const connection = server.waitForConnection();
  const session = await agent.connect();
  return { session, conn: await connection };
}
`;
