// The `engines` declarations, checked against what they depend on: every publishable package declares a
// Node range, no wider than what its installed runtime dependencies (transitively, from the lockfile)
// declare; the scaffold that `livetools init` writes declares the same range as @livetools/core; and every
// Node version the suites are about to run on is one the packages declare. Peer dependencies are not
// walked: @google/genai is a peer over two majors (2.x declares Node 20, 3.x declares Node 22), and the
// user picks the one that fits their Node.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * Problems with the `engines` declarations under `root`, as sentences (empty when all is well).
 * `versions` are exact Node versions that tests will run on.
 */
export function checkEngines(root, versions = []) {
  const semver = require(require.resolve('semver', { paths: [root] }));
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages;
  const problems = [];
  const read = (dir) => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));

  const declared = new Map();
  for (const name of readdirSync(join(root, 'packages')).sort()) {
    const manifest = read(`packages/${name}`);
    if (manifest.private) continue;
    const range = manifest.engines?.node;
    if (!range || !semver.validRange(range)) {
      problems.push(`${manifest.name} declares no valid engines.node (${JSON.stringify(range)})`);
      continue;
    }
    declared.set(manifest.name, range);
    for (const [dep, needs] of runtimeEngines(lock, `packages/${name}`)) {
      if (!semver.subset(range, needs))
        problems.push(
          `${manifest.name} declares Node ${range}, but its dependency ${dep} declares ${needs}: narrow engines.node`,
        );
    }
    for (const version of versions) {
      if (!semver.satisfies(version, range))
        problems.push(
          `Node ${version} is tested but ${manifest.name} declares ${range}: drop the line or widen`,
        );
    }
  }

  const core = declared.get('@livetools/core');
  const templates = readFileSync(join(root, 'packages/cli/src/init-templates.ts'), 'utf8');
  const scaffold = /engines: \{ node: '([^']*)' \}/.exec(templates)?.[1];
  if (scaffold !== core)
    problems.push(
      `the scaffold (packages/cli/src/init-templates.ts) declares Node ${scaffold}, core ${core}`,
    );
  return problems;
}

/** [package@version, engines.node] for every runtime dependency of the lockfile entry at `location`. */
function runtimeEngines(lock, location) {
  const found = [];
  const seen = new Set();
  const visit = (from) => {
    const entry = lock[from];
    for (const dep of Object.keys({ ...entry?.dependencies, ...entry?.optionalDependencies })) {
      const at = resolveIn(lock, from, dep);
      if (!at || seen.has(at)) continue;
      seen.add(at);
      const target = lock[at].link ? lock[at].resolved : at;
      const pkg = lock[target];
      if (!pkg || pkg.optional) continue; // platform binaries the host skips are not installed at all
      if (pkg.engines?.node) found.push([`${dep}@${pkg.version}`, pkg.engines.node]);
      visit(target);
    }
  };
  visit(location);
  return found;
}

/** Where Node finds `name` from the lockfile entry at `from`: its own node_modules, then each parent's. */
function resolveIn(lock, from, name) {
  let dir = from;
  for (;;) {
    const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (lock[candidate]) return candidate;
    if (!dir) return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut >= 0 ? dir.slice(0, cut) : '';
  }
}
