import { describe, expect, it } from 'vitest';
import { isVersion, isVersionRange, versionSatisfies } from './version-range.js';

// Expectations taken from npm's semver (node-semver 7), which this subset must agree with.
const cases: [range: string, satisfied: string[], unsatisfied: string[]][] = [
  ['^0.1.0', ['0.1.0', '0.1.9', '0.1.0+build.5'], ['0.2.0', '0.0.9', '0.1.1-beta.2', '1.0.0']],
  ['^0.0.3', ['0.0.3'], ['0.0.4', '0.0.2', '0.1.0']],
  ['^0.0.x', ['0.0.0', '0.0.9'], ['0.1.0']],
  ['^0.x', ['0.0.1', '0.9.9'], ['1.0.0']],
  ['^1.2.3', ['1.2.3', '1.9.9'], ['1.2.2', '2.0.0', '2.0.0-0', '1.5.0-beta']],
  ['^1.2.3-beta.2', ['1.2.3-beta.2', '1.2.3-beta.11', '1.2.3', '1.3.0'], ['1.2.3-beta.1', '1.2.4-beta.1']],
  ['~1.2.3', ['1.2.3', '1.2.9'], ['1.3.0', '1.2.2']],
  ['~1.2', ['1.2.0', '1.2.9'], ['1.3.0']],
  ['~1', ['1.0.0', '1.9.0'], ['2.0.0']],
  ['~>1.2.3', ['1.2.4'], ['1.3.0']],
  ['1.2.x', ['1.2.0', '1.2.9'], ['1.3.0', '1.2.3-beta.1']],
  ['1', ['1.0.0', '1.9.9'], ['2.0.0', '0.9.9']],
  ['*', ['0.0.0', '10.0.0'], ['1.0.0-alpha']],
  ['', ['1.2.3'], ['1.2.3-beta.1']],
  ['1.2.3', ['1.2.3', '1.2.3+x'], ['1.2.4']],
  ['=1.2.3', ['1.2.3'], ['1.2.2']],
  ['>1.2', ['1.3.0'], ['1.2.9']],
  ['>=1.2', ['1.2.0'], ['1.1.9']],
  ['<1.2', ['1.1.9'], ['1.2.0', '1.2.0-0']],
  ['<=1.2', ['1.2.9'], ['1.3.0']],
  ['>= 1.2.3 < 2', ['1.2.3', '1.9.9'], ['2.0.0', '1.2.2']],
  ['1.2.3 - 2.3.4', ['1.2.3', '2.3.4'], ['2.3.5', '1.2.2']],
  ['1.2 - 2.3', ['1.2.0', '2.3.9'], ['2.4.0']],
  ['^0.1.0 || ^1.0.0', ['0.1.3', '1.4.0'], ['0.2.0', '2.0.0']],
  ['>=2.0.0-rc.0', ['2.0.0-rc.1', '2.0.0', '3.0.0'], ['3.0.0-beta', '1.9.9']],
  ['>*', [], ['0.0.0', '1.0.0']],
];

describe('versionSatisfies', () => {
  it.each(cases)('%j', (range, satisfied, unsatisfied) => {
    expect(isVersionRange(range)).toBe(true);
    for (const version of satisfied)
      expect([version, versionSatisfies(version, range)]).toEqual([version, true]);
    for (const version of unsatisfied)
      expect([version, versionSatisfies(version, range)]).toEqual([version, false]);
  });

  it('is false, never throws, for invalid versions and ranges', () => {
    expect(versionSatisfies('1.2', '^1.0.0')).toBe(false);
    expect(versionSatisfies('1.2.3', 'latest')).toBe(false);
    expect(versionSatisfies(undefined as unknown as string, '*')).toBe(false);
  });
});

describe('isVersion and isVersionRange', () => {
  it.each(['0.1.0', '1.2.3-beta.1', '1.0.0-alpha.beta+exp.sha.5114f85', '10.20.30'])(
    '%s is a version',
    (v) => {
      expect(isVersion(v)).toBe(true);
    },
  );
  it.each(['1.2', 'v1.2.3', '01.2.3', '1.2.3-01', '1.2.3.4', '', 'latest'])('%j is not a version', (v) => {
    expect(isVersion(v)).toBe(false);
  });
  it.each(['latest', '1.2.3.4', '^^1', '>=abc', '1.2.3 -', '01.2.3', 'workspace:*', 'file:../x'])(
    '%j is not a range',
    (r) => {
      expect(isVersionRange(r)).toBe(false);
    },
  );
});
