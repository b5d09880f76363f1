import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { livetools, tempDir } from '../test/support/cli-process.js';
import { contractSource } from '../test/support/contract-fixture.js';
import { writeFixture } from '../test/support/fixture-package.js';
import type { CheckReport } from './check-package.js';

async function checkAgainst(
  dir: string,
  previous: string,
): Promise<{ code: number | null; report: CheckReport }> {
  const { code, stdout, stderr } = await livetools(['check', dir, '--json', '--against', previous], {
    timeoutMs: 120_000,
  });
  if (!stdout.startsWith('{')) throw new Error(`no JSON report:\n${stdout}\n${stderr}`);
  return { code, report: JSON.parse(stdout) as CheckReport };
}

const against = (report: CheckReport) =>
  report.results.filter((r) => r.group.startsWith('against')).map((r) => [r.status, r.message]);

describe.concurrent('livetools check --against <previous version>', () => {
  it('fails on breaking changes to parameters and the output contract, naming each with its tool and path', async () => {
    await using previous = tempDir();
    await using current = tempDir();
    writeFixture(previous.path, { source: contractSource({ extraTool: true }) });
    writeFixture(current.path, {
      packageJson: { version: '1.1.0' },
      source: contractSource({
        version: '1.1.0',
        parameters:
          "z.object({ ticker: z.string().describe('The ticker.'), every: z.number().int().min(5).describe('Seconds.') })",
        output:
          "z.object({ price: z.number().optional().describe('Last trade price.'), side: z.enum(['up', 'down', 'flat']) })",
      }),
    });
    const { code, report } = await checkAgainst(current.path, previous.path);
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(
      report.results
        .filter((r) => r.group.startsWith('against'))
        .every((r) => r.group === 'against @fixture/tools-tick@1.0.0'),
    ).toBe(true);
    expect(against(report)).toEqual([
      ['fail', 'breaking: quote: parameter symbol removed (or renamed) (quote: parameters.symbol)'],
      ['fail', 'breaking: quote: parameter every now required (quote: parameters.every)'],
      ['fail', 'breaking: quote: parameter every minimum raised from 1 to 5 (quote: parameters.every)'],
      ['fail', 'breaking: quote: parameter ticker added, required (quote: parameters.ticker)'],
      ['fail', 'breaking: quote: output field price now optional (quote: output.price)'],
      ['fail', 'breaking: quote: output field side now also allows "flat" (quote: output.side)'],
      ['fail', 'breaking: extra: tool extra removed (or renamed): sessions and prompts that name it break'],
    ]);
    const hints = report.results.filter((r) => r.status === 'fail').map((r) => r.hint);
    expect(hints[0]).toBe(
      'Keep it compatible (add, do not remove or narrow), or publish a new major version.',
    );
    expect(hints.slice(1).every((h) => h === undefined)).toBe(true);
  });

  it('passes additions that break nothing, and lists them', async () => {
    await using previous = tempDir();
    await using current = tempDir();
    writeFixture(previous.path, { source: contractSource({ output: 'none' }) });
    writeFixture(current.path, {
      packageJson: { version: '1.1.0' },
      source: contractSource({
        version: '1.1.0',
        extraTool: true,
        parameters:
          "z.object({ symbol: z.string().describe('The ticker.'), every: z.number().int().min(1).optional().describe('Seconds.'), note: z.string().optional().describe('A note.') })",
      }),
    });
    const { code, report } = await checkAgainst(current.path, previous.path);
    expect(against(report)).toEqual([
      ['pass', 'no breaking changes (3 non-breaking)'],
      ['pass', 'non-breaking: quote: parameter note added, optional (quote: parameters.note)'],
      ['pass', 'non-breaking: quote: output contract added (quote: output)'],
      ['pass', 'non-breaking: extra: tool extra added'],
    ]);
    expect(code).toBe(0);
  });

  it('says so when nothing changed', async () => {
    await using previous = tempDir();
    await using current = tempDir();
    writeFixture(previous.path, { source: contractSource() });
    writeFixture(current.path, { source: contractSource() });
    const { code, report } = await checkAgainst(current.path, previous.path);
    expect(against(report)).toEqual([['pass', 'no changes to tools, parameters or output contracts']]);
    expect(code).toBe(0);
  });

  it('fetches a previous version with npm pack (a tarball here), loads it with this package’s peers, and removes the scratch copy', async () => {
    await using previous = tempDir();
    await using current = tempDir();
    await using tarballs = tempDir();
    writeFixture(previous.path, { source: contractSource() });
    const packed = await import('node:child_process').then(
      ({ execFileSync }) =>
        JSON.parse(
          execFileSync(
            'npm',
            ['pack', previous.path, '--json', '--ignore-scripts', '--pack-destination', tarballs.path],
            {
              encoding: 'utf8',
            },
          ),
        ) as Array<{ filename: string }>,
    );
    const tarball = join(tarballs.path, packed[0]?.filename ?? '');
    writeFixture(current.path, {
      packageJson: { version: '1.1.0' },
      source: contractSource({
        version: '1.1.0',
        parameters: "z.object({ symbol: z.string().describe('The ticker.') })",
      }),
    });
    const { code, report } = await checkAgainst(current.path, tarball);
    expect(against(report)).toEqual([
      ['fail', 'breaking: quote: parameter every removed (or renamed) (quote: parameters.every)'],
    ]);
    expect(code).toBe(1);
    const cache = join(current.path, 'node_modules/.cache');
    expect(
      existsSync(cache) ? readdirSync(cache).filter((f) => f.startsWith('livetools-against-')) : [],
    ).toEqual([]);
  });

  it('fails clearly when the previous version cannot be fetched', async () => {
    await using current = tempDir();
    writeFixture(current.path, { source: contractSource() });
    const { code, report } = await checkAgainst(current.path, join(current.path, 'no-such-1.0.0.tgz'));
    expect(code).toBe(1);
    const failure = report.results.find((r) => r.group.startsWith('against'));
    expect(failure?.status).toBe('fail');
    expect(failure?.message).toMatch(
      /^The previous version could not be loaded: --against .*no-such-1\.0\.0\.tgz: npm pack could not fetch it/,
    );
    expect(failure?.hint).toMatch(
      /a published version \(name@1\.2\.0\), a tarball, or the directory of a previous build/,
    );
  });

  it('refuses an option-like or empty spec instead of handing it to npm', async () => {
    await using current = tempDir();
    writeFixture(current.path, { source: contractSource() });
    for (const spec of ['--registry=http://127.0.0.1:1', ' ']) {
      const { code, stdout } = await livetools(['check', current.path, '--json', `--against=${spec}`]);
      expect(code).toBe(1);
      const report = JSON.parse(stdout) as CheckReport;
      expect(report.results.at(-1)?.message).toMatch(
        /is not a version to compare with: pass a directory, a tarball or an npm spec/,
      );
    }
  });

  it('fails clearly, without a stack, when a previous tool declares a schema that cannot be compared (a cycle)', async () => {
    await using previous = tempDir();
    await using current = tempDir();
    const cyclic = `${contractSource()}
const schema = { type: 'object', properties: {} };
schema.properties.self = schema;
export const forged = { ...quote, name: 'forged', declaration: () => ({ name: 'forged', description: 'd', parametersJsonSchema: schema }) };
`
      .replace('tools: [quote, ping]', 'tools: [quote, ping, forged]')
      .replace('export const toolPackage', 'const made');
    writeFixture(previous.path, {
      source: `${cyclic}
export const toolPackage = Object.freeze({ ...made, tools: [quote, ping, forged], [Symbol.for('livetools.tool-package')]: true });
`,
    });
    writeFixture(current.path, { source: contractSource() });
    const { code, report } = await checkAgainst(current.path, previous.path);
    expect(code).toBe(1);
    const last = report.results.at(-1);
    expect(last?.status).toBe('fail');
    expect(last?.message).toMatch(/could not be (compared|loaded)/);
  });

  it('fails clearly when a directory holds no package', async () => {
    await using current = tempDir();
    await using empty = tempDir();
    writeFixture(current.path, { source: contractSource() });
    const { code, report } = await checkAgainst(current.path, empty.path);
    expect(code).toBe(1);
    expect(report.results.at(-1)?.message).toMatch(
      /there is no package.json in .*Pass the previous version's package directory/,
    );
  });
});
