import { readFileSync } from 'node:fs';
import { checkToolPackage, toolsOf } from '@livetools/core';
import { describe, expect, it } from 'vitest';
import { stockTools } from './default-stock-tools.js';
import { version } from './index.js';
import { toolPackage } from './tool-package.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
  peerDependencies: Record<string, string>;
};

describe('toolPackage', () => {
  it("matches package.json's name, version and core peer range, so they cannot drift", () => {
    expect(toolPackage.name).toBe(manifest.name);
    expect(toolPackage.version).toBe(manifest.version);
    expect(version).toBe(manifest.version);
    expect(toolPackage.core).toBe(manifest.peerDependencies['@livetools/core']);
  });

  it('is compatible with the running core and lists the stock tools', () => {
    expect(() => checkToolPackage(toolPackage)).not.toThrow();
    expect(toolsOf(toolPackage).map((t) => t.name)).toEqual(['monitor_stock_price', 'get_stock_price']);
    expect(toolPackage.tools.monitorStockPrice).toBe(stockTools.monitorStockPrice);
    expect(toolPackage.inputs).toEqual({});
  });
});
