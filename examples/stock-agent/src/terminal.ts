/**
 * The text-only front end: a prompt, the agent's replies, and one live line per running tool call
 * (redrawn in place on a terminal; printed as lines when the output is a pipe).
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { LiveEvent } from '@livetools/core';
import type { ConsoleAgent } from './agent.js';
import { modelLine } from './model-line.js';
import { explainNoPrice, noPriceSymbol } from './quote-hint.js';

/** Where the terminal mode reads and writes. */
export interface TerminalIo {
  readonly input: Readable;
  readonly output: Writable & { isTTY?: boolean; columns?: number };
}

const money = (n: unknown) => (typeof n === 'number' ? `$${n.toFixed(n < 1 ? 4 : 2)}` : '?');
const signed = (n: unknown) => (typeof n === 'number' ? `${n >= 0 ? '+' : ''}${n.toFixed(2)}%` : '');

/** A one-line summary of a tool result. */
export function summarize(name: string, output: unknown): string {
  const o = (output ?? {}) as Record<string, unknown>;
  if (name === 'monitor_stock_price' && typeof o.symbol === 'string') {
    const invented = typeof o.source === 'string' && /invented/.test(o.source) ? ' (invented price)' : '';
    return `${o.kind} ${o.symbol} ${money(o.price)} ${signed(o.changePercentSinceStart)} since start${invented}`;
  }
  if (name === 'get_stock_price' && typeof o.symbol === 'string') {
    return `${o.symbol} ${money(o.price)}${typeof o.source === 'string' && o.source !== 'simulated' ? ` (${o.source})` : ''}`;
  }
  if (name === 'stop_streaming' && Array.isArray(o.stopped)) {
    const ids = o.stopped.map((s: { call_id?: unknown }) => String(s?.call_id));
    return `stopped ${ids.join(', ')}`;
  }
  if (name === 'monitor_video_stream' && typeof o.event === 'string') {
    return `${o.event}: ${o.description ?? ''}`;
  }
  const json = JSON.stringify(output) ?? '';
  return json.length > 100 ? `${json.slice(0, 99)}…` : json;
}

/** An error message without the `<tool> failed: ` its tool name already says. */
export const withoutToolName = (name: string, message: string) =>
  message.startsWith(`${name} failed: `) ? message.slice(name.length + 9) : message;

/** `1 result`, `2 results`. */
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const commands = '/calls, /stop <call id>, /help, quit';

/**
 * Runs the terminal front end until the input ends or the user types quit. Rejects, before it reads
 * any input, when the session cannot open.
 */
export async function runTerminal(console: ConsoleAgent, io: TerminalIo): Promise<void> {
  const { output } = io;
  const tty = output.isTTY === true;
  const started = Date.now();
  const clock = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
  // The terminal sends no camera frames: its suggestions leave the camera out.
  const examples = console.examples.filter((e) => !/camera/i.test(e));

  const live = new Map<string, string>();
  let drawn = 0;
  const clearFooter = () => {
    if (!tty) return;
    output.write('\r\x1b[2K');
    if (drawn > 0) output.write(`\x1b[${drawn}A\x1b[0J`);
    drawn = 0;
  };
  const drawFooter = () => {
    if (!tty) return;
    const width = Math.max(20, (output.columns ?? 100) - 1);
    for (const line of live.values()) output.write(`${`  ⟳ ${line}`.slice(0, width)}\n`);
    drawn = live.size;
    rl.prompt(true);
  };
  const print = (who: string, text: string) => {
    clearFooter();
    output.write(`${clock()}  ${who.padEnd(6)} ${text}\n`);
    drawFooter();
  };

  output.write(
    console.mode === 'simulator'
      ? `livetools agent (terminal): OFFLINE SIMULATOR, no GEMINI_API_KEY set. The "model" is a rule-based simulator.\n` +
          `Try: ${examples.map((e) => `"${e}"`).join(', ')}.\n` +
          (console.source.name === 'simulated'
            ? 'The simulated market runs sped up, so the first one alerts within seconds.\n'
            : '')
      : `livetools agent (terminal): Gemini Live, model ${console.model}.\n`,
  );
  output.write(`Quotes: ${console.source.name}. Commands: ${commands}.\n\n`);

  const session = await console.agent.connect();
  const rl = createInterface({ input: io.input, output, terminal: tty, prompt: 'you> ' });
  const model = modelLine(console.audioOut, (text) => print('model', text));
  const counts = { started: 0, ended: 0 };
  let closed = false;
  const results = new Map<string, number>();
  session.events$.subscribe((event: LiveEvent) => {
    if (model.take(event)) return;
    switch (event.type) {
      case 'input-transcription':
        print('heard', event.text);
        break;
      case 'tool-start':
        counts.started++;
        results.set(event.callId, 0);
        live.set(event.callId, `${event.toolName} ${JSON.stringify(event.args)}: started`);
        print('tool', `${event.toolName} started (call ${event.callId}) ${JSON.stringify(event.args)}`);
        if (event.toolName === 'monitor_video_stream') {
          print(
            'note',
            'this terminal sends no camera frames, so that watch sees nothing: the web console (npm start) has the camera',
          );
        }
        break;
      case 'tool-result': {
        const n = (results.get(event.callId) ?? 0) + 1;
        results.set(event.callId, n);
        const line = `${event.toolName} [${event.callId}] ${summarize(event.toolName, event.output)} (${event.scheduling ?? 'result'}, ${n} so far)`;
        if (tty && live.has(event.callId)) {
          live.set(event.callId, line);
          clearFooter();
          drawFooter();
        } else {
          print('tool', line);
        }
        break;
      }
      case 'tool-end':
        counts.ended++;
        live.delete(event.callId);
        results.delete(event.callId);
        print(
          'tool',
          `${event.toolName} call ${event.callId} ${event.reason}${event.cancelledBy ? ` by ${event.cancelledBy}` : ''}` +
            `${event.error ? `: ${withoutToolName(event.toolName, event.error.message)}` : ''} after ${plural(event.results, 'result')}`,
        );
        {
          const symbol = event.error && noPriceSymbol(event.error.message, console.source);
          if (symbol) {
            void explainNoPrice(console.source, symbol).then((hint) => {
              if (hint && !closed) print('note', hint);
            });
          }
        }
        break;
      case 'reconnecting':
        print('link', 'connection to the model dropped; resuming');
        break;
      case 'error':
        print('error', event.error.message);
        break;
    }
  });

  const prompt = () => {
    if (tty) rl.prompt();
  };
  prompt();
  for await (const raw of rl) {
    // Enter moved the cursor below the prompt line: that line now belongs to what the next redraw
    // erases (the request is printed again as a log line).
    if (tty) drawn += 1;
    const line = raw.trim();
    if (/^(quit|exit)$/i.test(line)) break;
    if (line === '/calls') {
      const calls = session.activeCalls();
      print(
        'calls',
        calls.length
          ? calls.map((c) => `${c.callId} ${c.toolName} (${plural(c.results, 'result')})`).join('; ')
          : 'none',
      );
    } else if (line === '/help' || line === '/?') {
      print(
        'help',
        `${commands}. /calls lists the running tool calls, /stop <call id> stops one (the model is told), ` +
          `quit ends the session.${examples.length ? ` Requests to try: ${examples.map((e) => `"${e}"`).join(', ')}.` : ''}`,
      );
    } else if (/^\/stop(\s|$)/.test(line)) {
      const callId = line.slice(5).trim();
      if (!callId) {
        const first = session.activeCalls()[0]?.callId ?? 'function-call-1';
        print('error', `/stop needs a call id (/calls lists them), like: /stop ${first}`);
      } else if (session.stopCalls({ callId }).length === 0) {
        print('error', `no running call has the id "${callId}"; /calls lists them`);
      }
    } else if (line.startsWith('/')) {
      print('error', `unknown command ${line}; the commands are ${commands}`);
    } else if (line) {
      print('you', line);
      session.sendText(line);
    }
    prompt();
  }
  closed = true;
  rl.close();
  model.flush();
  await session.close();
  clearFooter();
  output.write(`${clock()}  bye    ${counts.started} tool calls started, ${counts.ended} ended.\n`);
}
