/**
 * A short scripted conversation (`npm start -- --demo`): shows the agent at work without a person,
 * then exits.
 */
import type { ConsoleAgent } from './agent.js';
import { modelLine } from './model-line.js';
import { summarize } from './terminal.js';

/** Runs the scripted conversation on the agent and closes its session. */
export async function runDemo(agent: ConsoleAgent): Promise<void> {
  const started = Date.now();
  const clock = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
  const log = (who: string, text: string) => console.log(`${clock()}  ${who.padEnd(8)} ${text}`);
  console.log(
    agent.mode === 'simulator'
      ? 'livetools agent demo: OFFLINE SIMULATOR (no GEMINI_API_KEY): the "model" is a rule-based simulator.'
      : `livetools agent demo: Gemini Live, model ${agent.model}.`,
  );
  console.log(`Quotes: ${agent.source.name}. The real @google/genai client carries every frame.\n`);

  const session = await agent.agent.connect();
  const calls = { started: 0, ended: 0 };
  const model = modelLine(agent.audioOut, (text) => log('model', text));
  session.events$.subscribe((event) => {
    if (model.take(event)) return;
    switch (event.type) {
      case 'tool-start':
        calls.started += 1;
        log('tool', `${event.name} started (call ${event.callId}) ${JSON.stringify(event.args)}`);
        break;
      case 'tool-result':
        log('tool', `${event.name} → ${event.scheduling ?? 'result'} ${summarize(event.name, event.output)}`);
        break;
      case 'tool-end':
        calls.ended += 1;
        log(
          'tool',
          `${event.name} call ${event.callId} ${event.reason}${event.cancelledBy ? ` by ${event.cancelledBy}` : ''}`,
        );
        break;
      case 'reconnecting':
      case 'closed':
      case 'error':
        log('session', event.type);
        break;
    }
  });

  const say = (text: string) => {
    log('you', text);
    session.sendText(text);
  };
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const nvda = await agent.source.quote('NVDA');
  const above = Math.round(nvda.price * 1.004 * 100) / 100;
  await pause(500);
  say('price of MSFT');
  await pause(2_000);
  say(`watch NVDA above ${above}`);
  await pause(1_500);
  say('watch BTC-USD');
  await pause(15_000);
  say('stop BTC-USD');
  await pause(6_000);
  say('stop');
  await pause(2_500);
  model.flush();
  await session.close();
  log('session', `closed; ${calls.started} tool calls started, ${calls.ended} ended.`);
}
