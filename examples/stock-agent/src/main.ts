/**
 * A live agent that watches stock prices.
 *
 * With GEMINI_API_KEY set it talks to Gemini Live; without it, to the offline simulator (a local
 * fake Live server with a rule-based model), always labelled as such. In a terminal you type
 * requests; otherwise a short scripted conversation runs and the program exits.
 *
 * Environment: GEMINI_API_KEY, LIVETOOLS_MODEL, LIVETOOLS_SOURCE (simulated | coinbase | finnhub),
 * FINNHUB_API_KEY, LIVETOOLS_SPEED (simulated market speed, default 1 with Gemini, 240 offline).
 */
import { createInterface } from 'node:readline/promises';
import { GoogleGenAI, Modality } from '@google/genai';
import { createLiveAgent, type LiveEvent } from '@livetools/core';
import {
  createCoinbaseSource,
  createFinnhubSource,
  createSimulatedSource,
  createStockTools,
  type QuoteSource,
} from '@livetools/tools-stock';
import { startSimulator } from './simulator.js';

const apiKey = process.env.GEMINI_API_KEY;
const offline = !apiKey;
const model = process.env.LIVETOOLS_MODEL ?? 'gemini-2.5-flash-native-audio-preview-09-2025';
const speed = Number(process.env.LIVETOOLS_SPEED ?? (offline ? 240 : 1));

function quoteSource(): QuoteSource {
  switch (process.env.LIVETOOLS_SOURCE ?? 'simulated') {
    case 'coinbase':
      return createCoinbaseSource();
    case 'finnhub':
      return createFinnhubSource(process.env.FINNHUB_API_KEY ? { apiKey: process.env.FINNHUB_API_KEY } : {});
    default:
      return createSimulatedSource({ speed });
  }
}

const started = Date.now();
const clock = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
const log = (who: string, text: string) => console.log(`${clock()}  ${who.padEnd(8)} ${text}`);

const source = quoteSource();
const simulator = offline ? await startSimulator() : undefined;
const ai = simulator
  ? new GoogleGenAI({ apiKey: 'offline-simulator', httpOptions: { baseUrl: simulator.url } })
  : new GoogleGenAI({ apiKey: apiKey as string });

console.log(
  offline
    ? `livetools stock agent: OFFLINE SIMULATOR (no GEMINI_API_KEY): the "model" is a rule-based simulator on ${simulator?.url}.`
    : `livetools stock agent: Gemini Live, model ${model}.`,
);
console.log(
  `Quotes: ${source.name}${source.name === 'simulated' ? ` (simulated market, ${speed}x speed)` : ''}. ` +
    'The real @google/genai client carries every frame.\n',
);

const agent = createLiveAgent({
  ai,
  model,
  tools: createStockTools({ source, thresholdPercent: offline ? 0.3 : 0.5 }),
  config: {
    responseModalities: [offline ? Modality.TEXT : Modality.AUDIO],
    ...(offline ? {} : { outputAudioTranscription: {}, inputAudioTranscription: {} }),
    sessionResumption: {},
    systemInstruction:
      'You help the user follow stock and crypto prices. Use monitor_stock_price to watch a symbol and ' +
      'get_stock_price for a single quote; report moves briefly; stop watches with stop_streaming when asked.',
  },
});

const session = await agent.connect();
const calls = { started: 0, ended: 0 };
let modelLine = '';
const flushModel = () => {
  if (modelLine.trim()) log('model', modelLine.trim());
  modelLine = '';
};
session.events$.subscribe((event: LiveEvent) => {
  switch (event.type) {
    case 'model-text':
    case 'output-transcription':
      // the simulator writes text (and a transcription of it); Gemini speaks, so read its transcription
      if ((event.type === 'model-text') !== offline) break;
      modelLine += event.text;
      break;
    case 'turn-complete':
    case 'interrupted':
      flushModel();
      break;
    case 'tool-start':
      calls.started += 1;
      log('tool', `${event.name} started (call ${event.callId}) ${JSON.stringify(event.args)}`);
      break;
    case 'tool-result':
      log('tool', `${event.name} → ${event.scheduling ?? 'result'} ${JSON.stringify(event.output)}`);
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
      log('session', `${event.type} ${JSON.stringify({ ...event, type: undefined, time: undefined })}`);
      break;
  }
});

const say = (text: string) => {
  log('you', text);
  session.sendText(text);
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

if (process.stdin.isTTY) {
  console.log(
    'Type a request (e.g. "watch NVDA above 190", "price of MSFT", "stop NVDA"); "quit" to leave.\n',
  );
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: false });
  for await (const line of rl) {
    if (/^\s*(quit|exit)\s*$/i.test(line)) break;
    if (line.trim()) say(line.trim());
  }
  rl.close();
} else {
  // A scripted conversation, so that `npm start` shows something real without a terminal.
  const nvda = await source.quote('NVDA');
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
}

flushModel();
await session.close();
await simulator?.close();
log('session', `closed; ${calls.started} tool calls started, ${calls.ended} ended.`);
process.exit(0);
