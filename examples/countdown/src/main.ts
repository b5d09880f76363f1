/**
 * Drives a streaming tool through the livetools tool runner the way a live session does, and prints
 * every function response it would put on the wire: intermediate results with `willContinue`,
 * a per-emission scheduling override, `stop_streaming` from the model, and the final responses.
 */
import { defineStreamingTool, type LiveFunctionResponse, ToolRunner, withScheduling } from '@livetools/core';
import { filter, firstValueFrom, interval, map, take } from 'rxjs';
import { z } from 'zod';

const countdown = defineStreamingTool({
  name: 'countdown',
  description: 'Counts down from n, one number every `everyMs` milliseconds.',
  parameters: z.object({
    n: z.number().int().min(1).max(100).describe('Where to start.'),
    everyMs: z.number().int().min(10).default(300).describe('Milliseconds between numbers.'),
  }),
  execute: ({ n, everyMs }, ctx) =>
    interval(everyMs, ctx.scheduler).pipe(
      take(n),
      map((i) => n - i - 1),
      // the last number interrupts the model; the others wait until it is idle
      map((remaining) => (remaining === 0 ? withScheduling({ remaining }, 'INTERRUPT') : { remaining })),
    ),
});

const started = Date.now();
const stamp = () => `+${String(Date.now() - started).padStart(5)} ms`;
const show = (r: LiveFunctionResponse) =>
  console.log(
    `${stamp()}  toolResponse  id=${r.id} name=${r.name} willContinue=${r.willContinue ?? '-'} ` +
      `scheduling=${r.scheduling ?? '-'}  response=${JSON.stringify(r.response)}`,
  );

const runner = new ToolRunner({
  tools: [countdown],
  sink: { send: (responses) => responses.forEach(show) },
});

console.log('Declarations sent in the setup message:');
console.log(JSON.stringify(runner.declarations(), null, 2));
console.log('\nThe model calls countdown twice, then stops the second call with stop_streaming:\n');

const ended = (id: string) =>
  firstValueFrom(runner.events$.pipe(filter((e) => e.type === 'tool-end' && e.callId === id)));
const first = ended('call-1');
const second = ended('call-2');

console.log(`${stamp()}  toolCall      countdown(n=3) id=call-1, countdown(n=10) id=call-2`);
runner.handleToolCall([
  { id: 'call-1', name: 'countdown', args: { n: 3 } },
  { id: 'call-2', name: 'countdown', args: { n: 10, everyMs: 250 } },
]);
console.log(`${stamp()}  toolCall      countdown(n=500) id=call-3  (invalid: max is 100)`);
runner.handleToolCall([{ id: 'call-3', name: 'countdown', args: { n: 500 } }]);

await first;
console.log(`${stamp()}  toolCall      stop_streaming(call_id=call-2) id=call-4`);
runner.handleToolCall([{ id: 'call-4', name: 'stop_streaming', args: { call_id: 'call-2' } }]);
const end = await second;
console.log(`\ncall-2 ended: ${end.type === 'tool-end' ? `${end.reason} by ${end.cancelledBy}` : ''}`);
runner.dispose();
