import { afterEach, describe, expect, it } from 'vitest';
import { type AgentProcess, startAgent, stopAll } from './support/agent-process.js';

const running: AgentProcess[] = [];
afterEach(() => stopAll(running));

describe('npm start -- --demo', () => {
  it('shows an INTERRUPT alert within a minute, says so, closes the session once and exits 0', async () => {
    const demo = startAgent(['--demo']);
    running.push(demo);
    const [, asked] = await demo.waitFor(/\s(\d+\.\d)s\s+you\s+watch NVDA for a 0\.3% move/);
    await demo.waitFor(/sped up/);
    // the demo itself gives the alert a minute before it says there was none
    const [, alerted] = await demo.waitFor(
      /\s(\d+\.\d)s\s+tool\s+monitor_stock_price → INTERRUPT alert NVDA/,
      0,
      90_000,
    );
    await demo.waitFor(/model\s+\[simulated model\] Alert: NVDA went (above|below) \$[\d.]+, now \$[\d.]+\./);
    expect(Number(alerted) - Number(asked)).toBeLessThan(60);

    expect(await demo.exited).toBe(0);
    expect(demo.output.match(/session\s+closed/g)).toHaveLength(1);
    expect(demo.output).toMatch(/session\s+closed; \d+ tool calls started, \d+ ended\./);
    expect(demo.errors).toBe('');
  }, 300_000);
});
