// Publishes the packages whose version is not on the registry yet, after `npx changeset version`
// has turned the pending changesets into versions and changelogs. `--dry-run` (what CI runs) goes
// through every step without publishing: the build, the pack check, and `npm publish --dry-run` of
// each public package, and lists the changesets waiting for the next version.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dryRun = process.argv.includes('--dry-run');
const say = (text) => console.log(`release: ${text}`);
const run = (cmd, args, options = {}) =>
  execFileSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });

const packages = readdirSync(join(root, 'packages'))
  .map((name) => ({ dir: join(root, 'packages', name), name }))
  .map((p) => ({ ...p, manifest: JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8')) }))
  .filter((p) => p.manifest.private !== true);

const pending = readdirSync(join(root, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
say(
  pending.length === 0
    ? 'no pending changesets: the versions in package.json are the ones to publish'
    : `${pending.length} pending changeset(s) (${pending.join(', ')}): run \`npx changeset version\` first, then commit`,
);
if (pending.length > 0 && !dryRun) process.exit(1);

if (!dryRun) {
  const dirty = run('git', ['status', '--porcelain']).trim();
  if (dirty) {
    console.error('release: the working tree has uncommitted changes; commit or stash them first.');
    process.exit(1);
  }
}

say('building the packages');
run('npx', ['turbo', 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only']);
say('checking the tarballs');
execFileSync('node', ['scripts/pack-check.mjs'], { cwd: root, stdio: 'inherit' });

for (const p of packages) {
  const id = `${p.manifest.name}@${p.manifest.version}`;
  if (dryRun) {
    run('npm', ['publish', '--dry-run', '--access', 'public'], { cwd: p.dir });
    say(`${id}: would be published (npm publish --dry-run passed)`);
    continue;
  }
  let published = false;
  try {
    published = run('npm', ['view', id, 'version']).trim() === p.manifest.version;
  } catch {
    published = false; // npm view fails with E404 for a version that is not published
  }
  if (published) {
    say(`${id}: already on the registry, skipped`);
    continue;
  }
  execFileSync('npm', ['publish', '--access', 'public'], { cwd: p.dir, stdio: 'inherit' });
  say(`${id}: published`);
}
say(dryRun ? 'dry run complete: nothing was published' : 'done');
