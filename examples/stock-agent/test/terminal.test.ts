import { afterEach, describe, expect, it } from 'vitest';
import { type AgentProcess, startAgent, stopAll } from './support/agent-process.js';

const running: AgentProcess[] = [];
afterEach(() => stopAll(running));

/** Starts `npm start -- --terminal` (without the build step) on the offline simulator. */
async function startTerminal() {
  const term = startAgent(['--terminal']);
  running.push(term);
  await term.waitFor(/OFFLINE SIMULATOR, no GEMINI_API_KEY set/);
  await term.waitFor(/model\s+\[simulated model\] Hello!/);
  return term;
}

const quit = async (term: AgentProcess) => {
  term.type('quit');
  expect(await term.exited).toBe(0);
};

describe('terminal mode', () => {
  it('takes requests on stdin, prints replies and a line per tool result, stops calls, and exits on quit', async () => {
    const term = await startTerminal();

    term.type('watch AAPL');
    const [, callId] = await term.waitFor(
      /tool\s+monitor_stock_price started \(call (function-call-\d+)\) \{"symbol":"AAPL"\}/,
    );
    await term.waitFor(
      /monitor_stock_price \[function-call-\d+\] initial AAPL \$\d+\.\d{2} \+0\.00% since start \(WHEN_IDLE, 1 so far\)/,
    );
    await term.waitFor(/model\s+\[simulated model\] AAPL is at \$\d+\.\d{2}\. I'll tell you when it moves\./);

    term.type('/calls');
    await term.waitFor(new RegExp(`calls\\s+${callId} monitor_stock_price \\(\\d+ results?\\)`));
    term.type('/stop nope');
    await term.waitFor(/error\s+no running call has the id "nope"/);
    term.type(`/stop ${callId}`);
    await term.waitFor(
      new RegExp(`monitor_stock_price call ${callId} cancelled by application after \\d+ results?`),
    );

    await quit(term);
    expect(term.output).toMatch(/bye\s+1 tool calls started, 1 ended\./);
    expect(term.output).not.toMatch(/you> /); // no prompt noise when the output is a pipe
  });

  it('alerts (INTERRUPT) within a minute on its first suggestion, also after the symbol has moved a while', async () => {
    const term = await startTerminal();
    const [, first] = await term.waitFor(/Try: "([^"]+)"/);
    expect(first).toBe('watch AAPL for a 0.3% move');

    // a start offset: AAPL's seeded path runs on before the suggestion is typed
    term.type('watch AAPL');
    await term.waitFor(/monitor_stock_price \[function-call-\d+\] move AAPL/);
    term.type('stop AAPL');
    await term.waitFor(/monitor_stock_price call function-call-\d+ cancelled by model/);

    const asked = Date.now();
    const from = term.output.length;
    term.type(first!);
    await term.waitFor(/tool\s+get_stock_price started \(call function-call-\d+\) \{"symbol":"AAPL"\}/, from);
    const [, levels] = await term.waitFor(
      /monitor_stock_price started \(call function-call-\d+\) (\{.*\})/,
      from,
    );
    expect(Object.keys(JSON.parse(levels!))).toEqual(['symbol', 'alertAbove', 'alertBelow']);
    await term.waitFor(
      /monitor_stock_price \[function-call-\d+\] alert AAPL \$[\d.]+ .*\(INTERRUPT, \d+ so far\)/,
      from,
      90_000,
    );
    await term.waitFor(
      /model\s+\[simulated model\] Alert: AAPL went (above|below) \$[\d.]+, now \$[\d.]+\./,
      from,
    );
    expect(Date.now() - asked).toBeLessThan(60_000);
    await quit(term);
  }, 300_000);

  it('answers /help, /stop without an id, stop with nothing to stop, stop all in one line, and flags made-up symbols', async () => {
    const term = await startTerminal();
    const [tryLine] = await term.waitFor(/Try: .*\n/);
    expect(tryLine).not.toMatch(/camera/); // the terminal sends no camera frames

    term.type('/help');
    await term.waitFor(
      /help\s+\/calls, \/stop <call id>, \/help, quit\. \/calls lists the running tool calls/,
    );
    term.type('/stop');
    await term.waitFor(/error\s+\/stop needs a call id \(\/calls lists them\), like: \/stop function-call-1/);
    term.type('stop the camera');
    await term.waitFor(
      /model\s+\[simulated model\] I am not watching the camera, so there is nothing to stop\./,
    );
    term.type('stop AAPL');
    await term.waitFor(
      /model\s+\[simulated model\] I am not watching AAPL, so there is nothing to stop\. Nothing is running\./,
    );

    term.type('watch ZZZZZZ');
    await term.waitFor(
      /ZZZZZZ is at \$[\d.]+\. I'll tell you when it moves\. That price is invented: the simulated market does not know ZZZZZZ\./,
    );
    for (const symbol of ['AAPL', 'MSFT', 'NVDA', 'KO']) {
      term.type(`watch ${symbol}`);
      await term.waitFor(new RegExp(`${symbol} is at \\$`));
    }
    term.type('stop all');
    await term.waitFor(/Done: I stopped watching ZZZZZZ, AAPL, MSFT, NVDA and KO\./);
    expect(term.output.match(/Done: I stopped/g)).toHaveLength(1);

    term.type('watch the camera');
    await term.waitFor(/note\s+this terminal sends no camera frames, so that watch sees nothing/);
    term.type('stop the camera');
    await term.waitFor(/Done: I stopped watching the camera\./);
    await quit(term);
    // Counted again at the end, where a late second answer to "stop all" would show.
    expect(term.output.match(/Done: I stopped/g)).toHaveLength(2);
    expect(term.output).not.toMatch(/Done, I stopped that watch/);
    expect(term.output).toMatch(/cancelled by model after 1 result\b/);
  });
});
