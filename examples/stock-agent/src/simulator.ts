/**
 * The offline stand-in for Gemini: the fake Live server from `@livetools/core/testing` with a
 * rule-based simulated model that understands a few typed requests about prices and the camera.
 */
import {
  createFakeLiveServer,
  createSimulatedModel,
  type FakeLiveServer,
  type SimulatedToolResult,
} from '@livetools/core/testing';

interface Report {
  kind?: string;
  symbol?: string;
  price?: number;
  changePercent?: number;
  changePercentSinceStart?: number;
  alert?: { direction: string; level: number };
}

const money = (n: number | undefined) => (n === undefined ? '?' : `$${n.toFixed(n < 1 ? 4 : 2)}`);
const pct = (n: number | undefined) => `${(n ?? 0) >= 0 ? 'up' : 'down'} ${Math.abs(n ?? 0).toFixed(2)}%`;

function narrateMonitor(result: SimulatedToolResult): string | undefined {
  if (result.error)
    return `I could not watch that: ${(result.error as { message?: string }).message ?? 'error'}`;
  const r = result.output as Report;
  const symbol = r.symbol ?? (result.args?.symbol as string | undefined) ?? 'the symbol';
  if (!result.willContinue) return `I stopped watching ${symbol}.`;
  switch (r.kind) {
    case 'initial':
      return `${symbol} is at ${money(r.price)}. I'll tell you when it moves.`;
    case 'alert':
      return `Alert: ${symbol} went ${r.alert?.direction} ${money(r.alert?.level)}, now ${money(r.price)}.`;
    case 'move':
      return `${symbol} is ${pct(r.changePercent)} at ${money(r.price)} (${pct(r.changePercentSinceStart)} since I started watching).`;
    default:
      return undefined;
  }
}

function narrateQuote(result: SimulatedToolResult): string | undefined {
  if (result.error)
    return `I could not get that quote: ${(result.error as { message?: string }).message ?? 'error'}`;
  const q = result.output as { symbol?: string; price?: number };
  return `${q.symbol} is trading at ${money(q.price)}.`;
}

interface VideoReport {
  event?: string;
  description?: string;
}

function narrateVideo(result: SimulatedToolResult): string | undefined {
  if (result.error)
    return `I could not watch the camera: ${(result.error as { message?: string }).message ?? 'error'}`;
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

/** Requests the simulator understands, shown to the user. */
export const simulatorExamples = [
  'watch AAPL above 240',
  'price of MSFT',
  'stop AAPL',
  'watch the camera',
  'stop the camera',
] as const;

/**
 * Starts the fake Live server with the simulated model on 127.0.0.1. It keeps no microphone audio
 * or camera frames (they would pile up for as long as the console runs) unless `recordMedia` is
 * set, for tests that check what reached it.
 */
export function startSimulator(options: { readonly recordMedia?: boolean } = {}): Promise<FakeLiveServer> {
  const model = createSimulatedModel({
    greeting:
      'Hello! I can watch prices and your camera for you. Try "watch AAPL above 240", "price of MSFT", ' +
      '"watch the camera" or "stop AAPL".',
    rules: [
      {
        match: /\bstop\s+(?:watching\s+)?(?:the\s+|my\s+)?(?:camera|video)\b/i,
        example: 'stop the camera',
        call: (_m, context) => {
          const calls = context.openCalls.filter((c) => c.name === 'monitor_video_stream');
          return calls.length
            ? calls.map((c) => ({ name: 'stop_streaming', args: { call_id: c.id } }))
            : undefined;
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
        match: /^\s*stop\s+(?:watching\s+)?([A-Za-z][A-Za-z0-9.-]*)\s*$/i,
        example: 'stop AAPL',
        call: (m, context) => {
          const symbol = m[1]!.toUpperCase();
          const calls = context.openCalls.filter(
            (c) => c.name === 'monitor_stock_price' && String(c.args?.symbol).toUpperCase() === symbol,
          );
          return calls.length
            ? calls.map((c) => ({ name: 'stop_streaming', args: { call_id: c.id } }))
            : undefined;
        },
      },
      {
        match:
          /\b(?:watch|monitor|track)\s+([A-Za-z][A-Za-z0-9.-]*)(?:.*?\babove\s+\$?([\d.]+))?(?:.*?\bbelow\s+\$?([\d.]+))?/i,
        example: 'watch AAPL above 240',
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
      stop_streaming: (r) => (r.error ? 'There was nothing to stop.' : 'Done, I stopped that watch.'),
    },
  });
  return createFakeLiveServer({ onConnection: model.attach, recordMedia: options.recordMedia ?? false });
}
