import { type LiveFunctionResponse, ToolRunner } from '@livetools/core';
import { createTestScheduler } from '@livetools/core/testing';
import { NEVER } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { describe, expect, it, vi } from 'vitest';
import { pushedSource } from '../test/support/pushed-source.js';
import { ToolRun } from '../test/support/tool-run.js';
import { createSimulatedSource } from './simulated-source.js';
import { createStockTools } from './stock-tools.js';

/** One session's realtime input: each session has its own, which tells sessions apart. */
function sessionInput() {
  return { video$: NEVER, audio$: NEVER, text$: NEVER };
}

function run(tools: ReturnType<typeof createStockTools>, scheduler?: TestScheduler) {
  const sent: LiveFunctionResponse[] = [];
  const runner = new ToolRunner({
    tools,
    sink: { send: (r) => sent.push(...r) },
    input: sessionInput(),
    ...(scheduler ? { scheduler } : {}),
  });
  return { runner, outputs: (id: string) => sent.filter((r) => r.id === id) };
}

/** The `output` a tool sent in one response. */
function outputOf(response: LiveFunctionResponse | undefined): Record<string, unknown> {
  if (!response) throw new Error('no response');
  return (response.response as { output: Record<string, unknown> }).output;
}

describe('monitor_stock_price', () => {
  it('declares documented parameters and NON_BLOCKING behaviour', () => {
    const tools = createStockTools({ source: createSimulatedSource() });
    const declaration = tools.monitorStockPrice.declaration();
    expect(declaration.behavior).toBe('NON_BLOCKING');
    const properties = declaration.parametersJsonSchema.properties as Record<
      string,
      { description?: string }
    >;
    expect(Object.keys(properties)).toEqual([
      'symbol',
      'thresholdPercent',
      'alertAbove',
      'alertBelow',
      'minSecondsBetweenReports',
      'durationMinutes',
    ]);
    for (const p of Object.values(properties)) expect(p.description).toBeTruthy();
    expect(declaration.parametersJsonSchema.required).toEqual(['symbol']);
    expect(tools.map((t) => t.name)).toEqual(['monitor_stock_price', 'get_stock_price']);
  });

  it('reports the price at once, then significant moves (WHEN_IDLE) and crossed alerts (INTERRUPT), never each tick', () => {
    const feed = pushedSource();
    // four reports in one instant: more than the burst the default cap allows
    const { runner, outputs } = run(
      createStockTools({ source: feed.source, maxReportsPerMinute: Number.POSITIVE_INFINITY }),
    );
    runner.handleToolCall([
      {
        id: 'w',
        name: 'monitor_stock_price',
        args: { symbol: 'aapl', thresholdPercent: 1, alertAbove: 110 },
      },
    ]);
    for (const price of [100, 100.2, 100.5, 100.9, 101.1, 101.3, 110.5, 109])
      feed.quote('AAPL', price, 1_700_000_000_000);
    const reports = outputs('w').map((r) => [outputOf(r).kind, outputOf(r).price, r.scheduling]);
    expect(reports).toEqual([
      ['initial', 100, 'WHEN_IDLE'],
      ['move', 101.1, 'WHEN_IDLE'],
      ['alert', 110.5, 'INTERRUPT'],
      ['move', 109, 'WHEN_IDLE'],
    ]);
    expect(outputOf(outputs('w')[0])).toEqual({
      kind: 'initial',
      symbol: 'AAPL',
      price: 100,
      change: 0,
      changePercent: 0,
      changeSinceStart: 0,
      changePercentSinceStart: 0,
      time: '2023-11-14T22:13:20.000Z',
      source: 'pushed',
      marketOpen: true,
    });
    runner.dispose();
    expect(feed.upstreams.active).toBe(0);
  });

  it('watches several symbols as separate calls stopped independently, sharing one upstream per symbol', () => {
    const feed = pushedSource();
    const tools = createStockTools({ source: feed.source });
    const { runner, outputs } = run(tools);
    // another session watching AAPL too: its own call, the same upstream
    const other = run(tools);
    runner.handleToolCall([
      { id: 'a1', name: 'monitor_stock_price', args: { symbol: 'AAPL' } },
      { id: 'm', name: 'monitor_stock_price', args: { symbol: 'MSFT' } },
    ]);
    other.runner.handleToolCall([
      { id: 'a2', name: 'monitor_stock_price', args: { symbol: 'AAPL', thresholdPercent: 5 } },
    ]);
    expect(feed.upstreams).toEqual({ active: 2, total: 2 });
    feed.quote('AAPL', 200);
    feed.quote('MSFT', 400);
    runner.handleToolCall([{ id: 's', name: 'stop_streaming', args: { call_id: 'a1' } }]);
    expect(feed.upstreams.active).toBe(2); // a2 still watches AAPL
    feed.quote('AAPL', 220);
    expect(outputs('a1').map((r) => r.willContinue)).toEqual([true, false]);
    expect(other.outputs('a2').map((r) => outputOf(r).price)).toEqual([200, 220]);
    other.runner.handleToolCall([{ id: 's2', name: 'stop_streaming', args: { call_id: 'a2' } }]);
    expect(feed.upstreams.active).toBe(1); // AAPL closed, MSFT open
    expect(outputs('m')).toHaveLength(1);
    runner.handleToolCall([
      { id: 's3', name: 'stop_streaming', args: { function_name: 'monitor_stock_price' } },
    ]);
    expect(feed.upstreams.active).toBe(0);
  });

  it('reports a stale feed SILENTly and stops after durationMinutes, in virtual time', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ flush }) => {
      const feed = pushedSource(ts);
      const { runner, outputs } = run(createStockTools({ source: feed.source }), ts);
      runner.handleToolCall([
        { id: 'w', name: 'monitor_stock_price', args: { symbol: 'ETH-USD', durationMinutes: 1 } },
      ]);
      feed.quote('ETH-USD', 3000);
      ts.schedule(
        () =>
          feed.feeds.get('ETH-USD')?.next({ type: 'status', status: 'stale', symbol: 'ETH-USD', time: 0 }),
        1000,
      );
      flush();
      expect(outputs('w').map((r) => [r.scheduling, r.willContinue])).toEqual([
        ['WHEN_IDLE', true],
        ['SILENT', true],
        ['SILENT', false],
      ]);
      expect(outputOf(outputs('w')[1]).feedStatus).toBe('stale');
      expect(ts.now()).toBe(60_000);
      expect(feed.upstreams.active).toBe(0);
    });
  });

  it('runs on the simulated source in virtual time: a first quote at once, reproducible moves', () => {
    const reportsOf = () => {
      const ts = createTestScheduler(expect);
      let prices: number[] = [];
      ts.run(({ flush }) => {
        const source = createSimulatedSource({ scheduler: ts, seed: 1, speed: 600 });
        const { runner, outputs } = run(createStockTools({ source, thresholdPercent: 0.5 }), ts);
        runner.handleToolCall([
          { id: 'w', name: 'monitor_stock_price', args: { symbol: 'NVDA', durationMinutes: 10 } },
        ]);
        flush();
        prices = outputs('w')
          .filter((r) => r.willContinue)
          .map((r) => outputOf(r).price as number);
      });
      return prices;
    };
    const first = reportsOf();
    expect(first.length).toBeGreaterThan(5);
    expect(first.length).toBeLessThan(600); // thresholded: far fewer reports than ticks
    for (let i = 1; i < first.length; i++) {
      expect(Math.abs(first[i]! / first[i - 1]! - 1)).toBeGreaterThanOrEqual(0.005 - 1e-9);
    }
    expect(reportsOf()).toEqual(first);
  });

  it('answers a second watch of a symbol this session already watches with DUPLICATE_CALL naming the running call', () => {
    const feed = pushedSource();
    const { runner, outputs } = run(createStockTools({ source: feed.source }));
    runner.handleToolCall([{ id: 'a1', name: 'monitor_stock_price', args: { symbol: 'AAPL' } }]);
    feed.quote('AAPL', 200);
    // the same symbol however it is spelled, with other settings: refused, the running call untouched
    runner.handleToolCall([
      { id: 'a2', name: 'monitor_stock_price', args: { symbol: ' aapl ', alertAbove: 250 } },
    ]);
    expect(outputs('a2')).toEqual([
      expect.objectContaining({
        willContinue: false,
        response: {
          error: expect.objectContaining({
            code: 'DUPLICATE_CALL',
            message: expect.stringMatching(/AAPL is already watched by call a1.*stop_streaming/),
          }),
        },
      }),
    ]);
    expect(feed.upstreams.active).toBe(1);
    feed.quote('AAPL', 230);
    expect(outputs('a1').map((r) => outputOf(r).price)).toEqual([200, 230]);
    // once the first watch ends, the symbol can be watched again
    runner.handleToolCall([{ id: 's', name: 'stop_streaming', args: { call_id: 'a1' } }]);
    runner.handleToolCall([{ id: 'a3', name: 'monitor_stock_price', args: { symbol: 'AAPL' } }]);
    feed.quote('AAPL', 240);
    expect(outputs('a3').map((r) => [r.willContinue, outputOf(r).price])).toEqual([[true, 240]]);
  });

  it("watches a symbol twice in one session with duplicateWatch: 'allow'", () => {
    const feed = pushedSource();
    const { runner, outputs } = run(createStockTools({ source: feed.source, duplicateWatch: 'allow' }));
    runner.handleToolCall([
      { id: 'a1', name: 'monitor_stock_price', args: { symbol: 'AAPL' } },
      { id: 'a2', name: 'monitor_stock_price', args: { symbol: 'AAPL' } },
    ]);
    feed.quote('AAPL', 200);
    expect([...outputs('a1'), ...outputs('a2')].map((r) => outputOf(r).price)).toEqual([200, 200]);
  });

  it('answers an unknown symbol with a tool error the model can read', async () => {
    const tools = createStockTools({ source: createSimulatedSource() });
    const { runner, outputs } = run(tools);
    runner.handleToolCall([{ id: 'x', name: 'monitor_stock_price', args: { symbol: '$$$' } }]);
    await Promise.resolve();
    expect(outputs('x').at(-1)).toMatchObject({
      willContinue: false,
      response: { error: { code: 'TOOL_EXECUTION' } },
    });
  });
});

describe('monitor_stock_price under a quote flood', () => {
  const price = (i: number): number => (i % 2 === 0 ? 100 : 101) + i / 100_000;
  const newest = price(19_999);

  /** 20,000 trades alternating between about 100 and 101, ten per virtual ms: 2 s in all. */
  function flood(args: Record<string, unknown>): ToolRun {
    const ts = createTestScheduler(expect);
    let run: ToolRun | undefined;
    ts.run(({ flush }) => {
      const feed = pushedSource(ts);
      run = new ToolRun(createStockTools({ source: feed.source }), ts);
      run.runner.handleToolCall([
        { id: 'w', name: 'monitor_stock_price', args: { symbol: 'AAPL', durationMinutes: 1, ...args } },
      ]);
      for (let ms = 0; ms < 2000; ms++) {
        ts.schedule(() => {
          for (let i = ms * 10; i < ms * 10 + 10; i++) feed.quote('AAPL', price(i), i);
        }, ms);
      }
      flush();
    });
    if (!run) throw new Error('not run');
    return run;
  }

  function expectOneCorrectFinal(run: ToolRun): void {
    const finals = run.finals('w');
    expect(finals).toHaveLength(1);
    expect(run.responses('w').at(-1)).toBe(finals[0]);
    expect(finals[0]?.response).toEqual({
      output: { status: 'completed', results: run.outputs('w').length },
    });
  }

  it('caps reports at the default rate, the last one with the newest price (regression: 20,000 responses)', () => {
    const run = flood({});
    const outputs = run.outputs('w');
    // a burst of 3 at once, then one 10 s later that stands for every move held meanwhile
    expect(outputs.map((o) => [o.kind, o.price])).toEqual([
      ['initial', 100],
      ['move', price(1)],
      ['move', price(2)],
      ['move', newest],
    ]);
    expect(outputs.at(-1)?.coalesced).toBeGreaterThan(1000);
    expectOneCorrectFinal(run);
  });

  it('caps alerts too: a few at once, then one with the newest price that says how many it stands for', () => {
    const run = flood({ alertAbove: 100.5, minSecondsBetweenReports: 0 });
    const outputs = run.outputs('w');
    expect(outputs.length).toBeLessThanOrEqual(4);
    expect(outputs.at(-1)).toMatchObject({ kind: 'alert', price: newest });
    expect(outputs.at(-1)?.coalesced).toBeGreaterThan(1000);
    expect(run.responses('w').filter((r) => r.scheduling === 'INTERRUPT').length).toBeLessThanOrEqual(3);
    expectOneCorrectFinal(run);
  });
});

describe('maxDurationMinutes', () => {
  it('runs a 30-day watch for 30 days (regression: Node clamps timers above 2^31-1 ms to 1 ms)', () => {
    vi.useFakeTimers(); // fake timers clamp long delays like Node does
    try {
      const feed = pushedSource();
      const minutes = 30 * 24 * 60;
      using tools = new ToolRun(createStockTools({ source: feed.source, maxDurationMinutes: minutes }));
      tools.runner.handleToolCall([{ id: 'w', name: 'monitor_stock_price', args: { symbol: 'AAPL' } }]);
      feed.quote('AAPL', 100);
      vi.advanceTimersByTime(60_000);
      expect(tools.finals('w')).toEqual([]);
      vi.advanceTimersByTime(minutes * 60_000 - 60_000 - 1);
      expect(tools.finals('w')).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(tools.finals('w')).toHaveLength(1);
      expect(feed.upstreams.active).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a default that is not a positive number at definition, with a clear error', () => {
    const source = createSimulatedSource();
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createStockTools({ source, maxDurationMinutes: bad }), String(bad)).toThrow(
        expect.objectContaining({
          code: 'TOOL_DEFINITION',
          message: expect.stringContaining('maxDurationMinutes'),
        }),
      );
    }
    expect(() => createStockTools({ source, maxReportsPerMinute: 0 })).toThrow(
      expect.objectContaining({ code: 'TOOL_DEFINITION' }),
    );
  });
});

describe('get_stock_price', () => {
  it('answers one quote', async () => {
    const tools = createStockTools({ source: createSimulatedSource({ seed: 2 }) });
    const { runner, outputs } = run(tools);
    runner.handleToolCall([{ id: 'q', name: 'get_stock_price', args: { symbol: 'MSFT' } }]);
    await new Promise((resolve) => setImmediate(resolve));
    const [response] = outputs('q');
    expect(response?.willContinue).toBeUndefined();
    expect(outputOf(response)).toMatchObject({
      symbol: 'MSFT',
      price: expect.any(Number),
      source: 'simulated',
      marketOpen: true,
      bid: expect.any(Number),
      ask: expect.any(Number),
    });
    runner.dispose();
  });
});
