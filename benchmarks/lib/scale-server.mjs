// The fake Live server of scale.mjs, in its own process. Accepts every connection and issues, for
// each session, one `monitor_stock_price` call (symbol by connection number) and one
// `monitor_video_stream` call. Records, for each function response that carries `emittedAt` (the
// client's absolute emission time), the receipt time (absolute ms, taken first thing in the frame
// listener). Video frames (realtimeInput) are only counted (`recordMedia: false`: not
// parsed nor kept, which spares the server ~24 MiB/s of JSON.parse and the GC pauses that come
// with it; SCALE_SERVER_RECORD_MEDIA=1 restores full parsing and recording). Every other frame is
// read as it arrives (onFrame) and not kept (the server option keepFrames: 0; SCALE_SERVER_KEEP=N
// keeps the newest N per connection, `all` every frame). Keeping more made the server's heap larger
// and its mark-compact pauses longer (up to 64 frames per connection already did), and those pauses
// delay the receipt of whatever the client sent meanwhile.
//
// Requests (lib/child.mjs): clock, report { from, to }.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createFakeLiveServer } from '@livetools/core/testing';
import { serve } from './child.mjs';
import { recordGc } from './gc.mjs';

const symbols = JSON.parse(process.env.SCALE_SYMBOLS ?? '["AAPL"]');
const tools = (process.env.SCALE_TOOLS ?? 'stock,video').split(',');
const now = () => performance.timeOrigin + performance.now();
const KEEP = process.env.SCALE_SERVER_KEEP ?? '0';
const KEEP_FRAMES = KEEP === 'all' ? undefined : Number(KEEP);
if (KEEP_FRAMES !== undefined && !(Number.isInteger(KEEP_FRAMES) && KEEP_FRAMES >= 0))
  throw new Error(`SCALE_SERVER_KEEP must be a whole number or 'all' (got ${JSON.stringify(KEEP)})`);
const RECORD_MEDIA = process.env.SCALE_SERVER_RECORD_MEDIA === '1';

// One sample per response: emission time, receipt time, tool (0 stock, 1 video), scheduling index.
let emitted = new Float64Array(1 << 16);
let received = new Float64Array(1 << 16);
let toolIndex = new Uint8Array(1 << 16);
let samples = 0;
// videoChars is only measured with SCALE_SERVER_RECORD_MEDIA=1; videoFrames is summed at report time.
const counts = { videoFrames: 0, videoChars: 0, responses: 0, unstamped: 0, connections: 0, calls: 0 };

function record(emittedAt, receivedAt, tool) {
  if (samples === emitted.length) {
    const grow = (a) => {
      const b = new a.constructor(a.length * 2);
      b.set(a);
      return b;
    };
    emitted = grow(emitted);
    received = grow(received);
    toolIndex = grow(toolIndex);
  }
  emitted[samples] = emittedAt;
  received[samples] = receivedAt;
  toolIndex[samples] = tool;
  samples++;
}

const server = await createFakeLiveServer({
  timeoutMs: 600_000,
  recordMedia: RECORD_MEDIA,
  keepFrames: KEEP_FRAMES,
  onConnection(connection) {
    counts.connections++;
    connection.onFrame((frame, _index, responses) => {
      const at = now();
      const video = frame.realtimeInput?.video;
      if (video) {
        counts.videoChars += video.data?.length ?? 0;
        video.data = ''; // the connection keeps every frame; keep it small
        return;
      }
      for (const r of responses) {
        counts.responses++;
        const stamp = r.output?.emittedAt;
        if (typeof stamp === 'number') record(stamp, at, r.name === 'monitor_video_stream' ? 1 : 0);
        else counts.unstamped++;
      }
    });
    const symbol = symbols[(connection.id - 1) % symbols.length];
    if (tools.includes('stock')) {
      connection.callTool('monitor_stock_price', { symbol });
      counts.calls++;
    }
    if (tools.includes('video')) {
      connection.callTool('monitor_video_stream', { watchFor: 'someone moving' });
      counts.calls++;
    }
  },
});

const loopDelay = monitorEventLoopDelay({ resolution: 1 });
let cpuAtStart = process.cpuUsage();
let eluAtStart = performance.eventLoopUtilization();
let gc;

serve(
  {
    /** The server's absolute clock, for the client's offset estimate. */
    clock: () => now(),
    /** Starts the server-side measurement window (CPU, event loop). */
    start() {
      cpuAtStart = process.cpuUsage();
      eluAtStart = performance.eventLoopUtilization();
      loopDelay.reset();
      loopDelay.enable();
      gc = recordGc();
      return true;
    },
    /**
     * The responses emitted in [from, to] (client clock) as emission and receipt times and tool
     * (0 stock, 1 video), the server's GC pauses, and server figures.
     */
    async report({ from, to }) {
      loopDelay.disable();
      const cpu = process.cpuUsage(cpuAtStart);
      const elu = performance.eventLoopUtilization(eluAtStart);
      const pauses = (await gc?.stop()) ?? [];
      const picked = [];
      for (let i = 0; i < samples; i++) if (emitted[i] >= from && emitted[i] <= to) picked.push(i);
      return {
        emitted: Float64Array.from(picked, (i) => emitted[i]),
        received: Float64Array.from(picked, (i) => received[i]),
        tool: Uint8Array.from(picked, (i) => toolIndex[i]),
        pauses,
        counts: {
          ...counts,
          videoFrames: server.connections.reduce((sum, c) => sum + c.realtimeInputCount, 0),
        },
        cpuMs: (cpu.user + cpu.system) / 1000,
        utilization: elu.utilization,
        loopDelayP99: loopDelay.percentile(99) / 1e6,
        loopDelayMax: loopDelay.max / 1e6,
        rss: process.memoryUsage().rss,
        heapUsed: process.memoryUsage().heapUsed,
      };
    },
  },
  () => server.close(),
);

process.send({ type: 'ready', url: server.url });
