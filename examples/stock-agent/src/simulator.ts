/**
 * The offline stand-in for Gemini: the fake Live server from `@livetools/core/testing` with a
 * rule-based simulated model that understands a few typed requests about prices and the camera.
 */
import { createFakeLiveServer, type FakeLiveServer } from '@livetools/core/testing';
import { createSimulatedModel } from './simulator/model.js';
import type { SimulatedNarrationContext, SimulatedToolResult } from './simulator/narration.js';

interface Report {
  kind?: string;
  symbol?: string;
  price?: number;
  source?: string;
  changePercent?: number;
  changePercentSinceStart?: number;
  alert?: { direction: string; level: number };
}

const money = (n: number | undefined) => (n === undefined ? '?' : `$${n.toFixed(n < 1 ? 4 : 2)}`);
const pct = (n: number | undefined) => `${(n ?? 0) >= 0 ? 'up' : 'down'} ${Math.abs(n ?? 0).toFixed(2)}%`;
/** The error's message, without the `<tool> failed: ` in front that the narration already says. */
const errorMessage = (error: unknown) =>
  ((error as { message?: string }).message ?? 'error').replace(/^[a-z_]+ failed: /, '');

/** The hint after a price the simulated market made up for a symbol it does not know. */
function inventedHint(report: { symbol?: string; source?: string }): string {
  return typeof report.source === 'string' && /invented/i.test(report.source)
    ? ` That price is invented: the simulated market does not know ${report.symbol ?? 'this symbol'}.`
    : '';
}

/** The levels, if any, a watch was asked to alert at, as words. */
function levelsOf(args: Readonly<Record<string, unknown>> | undefined): string {
  const above = typeof args?.alertAbove === 'number' ? `above ${money(args.alertAbove)}` : '';
  const below = typeof args?.alertBelow === 'number' ? `below ${money(args.alertBelow)}` : '';
  return [above, below].filter(Boolean).join(' or ');
}

function narrateMonitor(result: SimulatedToolResult): string | undefined {
  if (result.error) return `I could not watch that: ${errorMessage(result.error)}`;
  const r = result.output as Report;
  const symbol = r.symbol ?? (result.args?.symbol as string | undefined) ?? 'the symbol';
  if (!result.willContinue) return `I stopped watching ${symbol}.`;
  switch (r.kind) {
    case 'initial': {
      const levels = levelsOf(result.args);
      const plan = levels ? `I'll interrupt if it goes ${levels}.` : "I'll tell you when it moves.";
      const already = r.alert ? ` It is already ${r.alert.direction} ${money(r.alert.level)}.` : '';
      return `${symbol} is at ${money(r.price)}. ${plan}${already}${inventedHint(r)}`;
    }
    case 'alert':
      return `Alert: ${symbol} went ${r.alert?.direction} ${money(r.alert?.level)}, now ${money(r.price)}.`;
    case 'move':
      return `${symbol} is ${pct(r.changePercent)} at ${money(r.price)} (${pct(r.changePercentSinceStart)} since I started watching).`;
    default:
      return undefined;
  }
}

function narrateQuote(result: SimulatedToolResult): string | undefined {
  if (result.error) return `I could not get that quote: ${errorMessage(result.error)}`;
  const q = result.output as { symbol?: string; price?: number; source?: string };
  return `${q.symbol} is trading at ${money(q.price)}.${inventedHint(q)}`;
}

interface VideoReport {
  event?: string;
  description?: string;
}

function narrateVideo(result: SimulatedToolResult): string | undefined {
  if (result.error) return `I could not watch the camera: ${errorMessage(result.error)}`;
  if (!result.willContinue) return 'I stopped watching the camera.';
  const r = result.output as VideoReport;
  switch (r.event) {
    case 'watching':
      return `I'm watching the camera now. ${r.description ?? ''}`.trim();
    case undefined:
      return undefined;
    default:
      return `Camera: ${r.description ?? r.event}`;
  }
}

/** "A", "A and B", "A, B and C". */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** One line for everything one `stop_streaming` call stopped, naming each watch. */
function narrateStop(result: SimulatedToolResult, context: SimulatedNarrationContext): string {
  if (result.error) return 'There was nothing to stop.';
  const stopped =
    (result.output as { stopped?: { call_id?: string; function_name?: string }[] }).stopped ?? [];
  const names = stopped.map((s) => {
    const call = context.callOf(s.call_id ?? '');
    if (s.function_name === 'monitor_video_stream') return 'the camera';
    return typeof call?.args.symbol === 'string' ? call.args.symbol : (s.function_name ?? 'a call');
  });
  return names.length ? `Done: I stopped watching ${listed(names)}.` : 'Done.';
}

/** How far from the current price, in percent, the first suggestion puts its alert levels. */
export const suggestedMovePercent = 0.3;

/**
 * The first suggestion: the model looks the price up, then watches with alert levels
 * {@link suggestedMovePercent} above and below it, so an alert comes within seconds on the sped-up
 * simulated market, however long the console has been running.
 */
export const moveWatchRequest = `watch AAPL for a ${suggestedMovePercent}% move`;

/** Requests the simulator understands, shown to the user (the web console shows the camera ones). */
export const simulatorExamples = [
  moveWatchRequest,
  'price of MSFT',
  'watch BTC-USD',
  'stop AAPL',
  'stop all',
  'watch the camera',
  'stop the camera',
] as const;

/** Requests for a crypto-only quote source (Coinbase), which knows no stock symbols. */
export const cryptoSimulatorExamples = [
  `watch BTC-USD for a ${suggestedMovePercent}% move`,
  'price of ETH-USD',
  'watch SOL-USD',
  'stop BTC-USD',
  'stop all',
  'watch the camera',
  'stop the camera',
] as const;

/** Quote sources that serve crypto pairs only. */
const CRYPTO_ONLY_SOURCES = new Set(['coinbase']);

/** The requests to suggest with a quote source: crypto pairs on a crypto-only source, stocks otherwise. */
export function simulatorExamplesFor(sourceName: string): readonly string[] {
  return CRYPTO_ONLY_SOURCES.has(sourceName) ? cryptoSimulatorExamples : simulatorExamples;
}

function priceStep(price: number): number {
  return price >= 1 ? 0.01 : price >= 0.01 ? 0.0001 : 0.000001;
}

/**
 * Alert levels `percent` above and below `price`, rounded to the price's tick (cents from $1) and
 * always at least one tick away from it.
 *
 * @example
 * ```ts
 * alertLevels(230, 0.3); // { alertAbove: 230.69, alertBelow: 229.31 }
 * ```
 */
export function alertLevels(price: number, percent: number): { alertAbove: number; alertBelow: number } {
  const step = priceStep(price);
  const decimals = Math.round(-Math.log10(step));
  const round = (n: number) => Number((Math.round(n / step) * step).toFixed(decimals));
  const above = Math.max(round(price * (1 + percent / 100)), round(price + step));
  const below = Math.min(round(price * (1 - percent / 100)), round(price - step));
  return { alertAbove: above, alertBelow: below };
}

/**
 * How many frames each way the simulator keeps per connection when it does not record media
 * (`npm start`): its model reads every frame as it arrives, and nothing reads the records.
 */
export const SIMULATOR_KEEP_FRAMES = 100;

const notASymbol = new Set(['ALL', 'EVERYTHING', 'IT', 'THAT', 'WATCHING']);

/**
 * Starts the fake Live server with the simulated model on 127.0.0.1. Everything would pile up for
 * as long as the console runs, so it keeps no microphone audio or camera frames, and only the
 * newest {@link SIMULATOR_KEEP_FRAMES} other frames each way per connection (a tool's results,
 * typed text), unless `recordMedia` is set: then it keeps every frame, for tests that check what
 * reached it. Its greeting suggests `examples` (default {@link simulatorExamples}).
 */
export function startSimulator(
  options: { readonly recordMedia?: boolean; readonly examples?: readonly string[] } = {},
): Promise<FakeLiveServer> {
  const [first, ...more] = options.examples ?? simulatorExamples;
  const others = more.filter((e) => !/camera/.test(e)).slice(0, 3);
  const model = createSimulatedModel({
    greeting:
      `Hello! I watch prices for you, and your camera in the web console. Try "${first}": ` +
      'I look the price up and alert you when it moves that far either way; the simulated market is ' +
      `sped up, so the alert comes within seconds. Or ${others.map((e) => `"${e}"`).join(', ')}.`,
    rules: [
      {
        match: /\bstop\s+(?:watching\s+)?(?:the\s+|my\s+)?(?:camera|video)\b/i,
        example: 'stop the camera',
        call: (_m, context) => {
          const calls = context.openCalls.filter((c) => c.name === 'monitor_video_stream');
          return calls.length
            ? calls.map((c) => ({ name: 'stop_streaming', args: { call_id: c.id } }))
            : { say: 'I am not watching the camera, so there is nothing to stop.' };
        },
      },
      {
        match: /\b(?:watch|monitor)\s+(?:the\s+|my\s+)?(?:camera|video|me)\b(?:\s+for\s+(.+))?/i,
        example: 'watch the camera',
        call: (m) => ({
          name: 'monitor_video_stream',
          args: { ...(m[1] ? { watchFor: m[1].trim() } : {}), intervalSeconds: 0.5 },
        }),
      },
      {
        match: /^\s*stop\s+(?:watching\s+)?([A-Za-z][A-Za-z0-9.-]*)\s*[.!]?\s*$/i,
        example: 'stop AAPL',
        call: (m, context) => {
          const symbol = m[1]!.toUpperCase();
          if (notASymbol.has(symbol) || /^FUNCTION-CALL-/.test(symbol)) return undefined;
          const watches = context.openCalls.filter((c) => c.name === 'monitor_stock_price');
          const calls = watches.filter((c) => String(c.args?.symbol).toUpperCase() === symbol);
          if (calls.length) return calls.map((c) => ({ name: 'stop_streaming', args: { call_id: c.id } }));
          const others = watches.map((c) => String(c.args?.symbol));
          return {
            say: `I am not watching ${symbol}, so there is nothing to stop. ${
              others.length ? `I am watching ${listed(others)}.` : 'Nothing is running.'
            }`,
          };
        },
      },
      {
        match:
          /\b(?:watch|monitor|track)\s+([A-Za-z][A-Za-z0-9.-]*)\b.*?(?:\b([\d.]+)\s*%\s*move|\bmoves?\s+(?:by\s+)?([\d.]+)\s*%)/i,
        example: moveWatchRequest,
        call: (m) => {
          const symbol = m[1]!.toUpperCase();
          const percent = Number(m[2] ?? m[3]);
          if (!(percent > 0 && percent <= 50))
            return { say: 'Give the move as a percentage from 0 to 50, like 0.3%.' };
          // look the price up first, then watch with levels derived from it
          return {
            name: 'get_stock_price',
            args: { symbol },
            afterResult: (quote) => {
              const price = (quote.output as { price?: unknown } | undefined)?.price;
              if (quote.error || typeof price !== 'number' || !(price > 0)) return undefined;
              return { name: 'monitor_stock_price', args: { symbol, ...alertLevels(price, percent) } };
            },
          };
        },
      },
      {
        match:
          /\b(?:watch|monitor|track)\s+([A-Za-z][A-Za-z0-9.-]*)(?:.*?\babove\s+\$?([\d.]+))?(?:.*?\bbelow\s+\$?([\d.]+))?/i,
        example: 'watch NVDA above 131',
        call: (m) => ({
          name: 'monitor_stock_price',
          args: {
            symbol: m[1]!.toUpperCase(),
            ...(m[2] ? { alertAbove: Number(m[2]) } : {}),
            ...(m[3] ? { alertBelow: Number(m[3]) } : {}),
          },
        }),
      },
      {
        match: /\b(?:price|quote)\s+(?:of\s+|for\s+)?([A-Za-z][A-Za-z0-9.-]*)/i,
        example: 'price of MSFT',
        call: (m) => ({ name: 'get_stock_price', args: { symbol: m[1]!.toUpperCase() } }),
      },
    ],
    narrators: {
      monitor_stock_price: narrateMonitor,
      get_stock_price: narrateQuote,
      monitor_video_stream: narrateVideo,
      stop_streaming: narrateStop,
    },
  });
  const recordMedia = options.recordMedia ?? false;
  return createFakeLiveServer({
    onConnection: model.attach,
    recordMedia,
    ...(recordMedia ? {} : { keepFrames: SIMULATOR_KEEP_FRAMES }),
  });
}
