/**
 * A short scripted conversation (`npm start -- --demo`): shows the agent at work without a person,
 * then exits. Each step waits for what it shows (a reply, an alert, a stop), not for a fixed time.
 */
import type { LiveAgentSession, LiveEvent } from '@livetools/core';
import { filter, firstValueFrom, map, of, timeout } from 'rxjs';
import type { ConsoleAgent } from './agent.js';
import { modelLine } from './model-line.js';
import { moveWatchRequest, suggestedMovePercent } from './simulator.js';
import { plural, summarize } from './terminal.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Where the lines go (default `console.log`). */
  readonly print?: (line: string) => void;
  /** A pause between steps, so a reader can follow, in ms (default 700). */
  readonly beatMs?: number;
  /** How long the demo waits for the alert, in ms (default 60 000). */
  readonly alertWithinMs?: number;
}

/** The symbol the demo watches for a move (the simulated NVDA moves the most of the suggestions). */
const demoSymbol = 'NVDA';

/**
 * Runs the scripted conversation on the agent and closes its session: a quote, a watch with alert
 * levels derived from the current price (the alert interrupts within seconds on the sped-up
 * simulated market), a second watch, then `stop all`. Rejects when the session cannot open.
 */
export async function runDemo(agent: ConsoleAgent, options: DemoOptions = {}): Promise<void> {
  const out = options.print ?? ((line: string) => console.log(line));
  const beat = () => new Promise((resolve) => setTimeout(resolve, options.beatMs ?? 700));
  const started = Date.now();
  const clock = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
  const log = (who: string, text: string) => out(`${clock()}  ${who.padEnd(8)} ${text}`);
  out(
    agent.mode === 'simulator'
      ? 'livetools agent demo: OFFLINE SIMULATOR (no GEMINI_API_KEY): the "model" is a rule-based simulator.'
      : `livetools agent demo: Gemini Live, model ${agent.model}.`,
  );
  out(`Quotes: ${agent.source.name}. The real @google/genai client carries every frame.\n`);

  const session = await agent.agent.connect();
  const calls = { started: 0, ended: 0 };
  let closing = false;
  const model = modelLine(agent.audioOut, (text) => log('model', text));
  session.events$.subscribe((event) => {
    if (model.take(event)) return;
    switch (event.type) {
      case 'tool-start':
        calls.started += 1;
        log('tool', `${event.toolName} started (call ${event.callId}) ${JSON.stringify(event.args)}`);
        break;
      case 'tool-result':
        log(
          'tool',
          `${event.toolName} → ${event.scheduling ?? 'result'} ${summarize(event.toolName, event.output)}`,
        );
        break;
      case 'tool-end':
        calls.ended += 1;
        log(
          'tool',
          `${event.toolName} call ${event.callId} ${event.reason}${event.cancelledBy ? ` by ${event.cancelledBy}` : ''}` +
            ` after ${plural(event.results, 'result')}`,
        );
        break;
      case 'closed':
        // the demo's own close is told once, with the counts, below
        if (!closing) log('session', 'closed');
        break;
      case 'reconnecting':
      case 'error':
        log('session', event.type);
        break;
    }
  });

  const until = waiter(session);
  const step = async (text: string, done: (event: LiveEvent) => boolean, withinMs: number) => {
    const happened = until(done, withinMs);
    log('you', text);
    session.sendText(text);
    const ok = await happened;
    await until((e) => e.type === 'turn-complete', 3_000);
    await beat();
    return ok;
  };

  await until((e) => e.type === 'turn-complete', 3_000); // the greeting, if the model gives one
  await step('price of MSFT', (e) => e.type === 'tool-end' && e.toolName === 'get_stock_price', 15_000);

  if (agent.source.name === 'simulated') {
    log(
      'demo',
      `The simulated market runs sped up: the model looks ${demoSymbol} up and sets alert levels ` +
        `${suggestedMovePercent}% above and below that price, so an INTERRUPT comes within seconds.`,
    );
  }
  const alertWithinMs = options.alertWithinMs ?? 60_000;
  const alerted = await step(
    moveWatchRequest.replace('AAPL', demoSymbol),
    (e) => e.type === 'tool-result' && e.toolName === 'monitor_stock_price' && e.scheduling === 'INTERRUPT',
    alertWithinMs,
  );
  if (!alerted)
    log('demo', `No alert within ${alertWithinMs / 1000} s: the price stayed between the levels.`);

  let btcResults = 0;
  await step(
    'watch BTC-USD',
    (e) =>
      e.type === 'tool-result' &&
      e.toolName === 'monitor_stock_price' &&
      (e.output as { symbol?: unknown } | undefined)?.symbol === 'BTC-USD' &&
      ++btcResults >= 2,
    15_000,
  );
  await step(
    'stop all',
    (e) => e.type === 'tool-end' && session.activeCalls().every((c) => c.toolName === 'stop_streaming'),
    10_000,
  );
  model.flush();
  closing = true;
  await session.close();
  log('session', `closed; ${calls.started} tool calls started, ${calls.ended} ended.`);
}

/** Resolves true at the first event that passes `test`, false after `withinMs` without one. */
function waiter(session: LiveAgentSession) {
  return (test: (event: LiveEvent) => boolean, withinMs: number): Promise<boolean> =>
    firstValueFrom(
      session.events$.pipe(
        filter(test),
        map(() => true),
        timeout({ first: withinMs, with: () => of(false) }),
      ),
      { defaultValue: false },
    );
}
