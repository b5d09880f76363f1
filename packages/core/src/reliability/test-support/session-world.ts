/**
 * A model of what must reach the wire in a live session that is disconnected and resumed at
 * random, and a runner that drives a real session (real SDK, fake server) through random actions
 * while keeping the model. Every action waits for the client through the fake server's waiters
 * or the session's events: no sleeps.
 */
import type { GenAIClient } from '../../session/genai-like.js';
import type { FakeLiveConnection, RecordedFunctionResponse } from '../../testing/index.js';
import {
  clientBarrier,
  openSession,
  ping,
  pushTool,
  type SessionFixture,
  wireBarrier,
} from './session-fixture.js';

/** One random action on a live session; `pick` chooses among the streaming calls issued so far (newest first). */
export type SessionAction =
  | { readonly kind: 'call'; readonly tool: 'watch' | 'camera' }
  | { readonly kind: 'call-invalid' }
  | { readonly kind: 'call-unknown' }
  | { readonly kind: 'push'; readonly pick: number; readonly count: number }
  | { readonly kind: 'complete'; readonly pick: number }
  | { readonly kind: 'fail'; readonly pick: number }
  | { readonly kind: 'server-cancel'; readonly pick: number }
  | { readonly kind: 'app-stop'; readonly pick: number }
  | { readonly kind: 'model-stop'; readonly pick: number }
  | { readonly kind: 'interrupt' }
  | { readonly kind: 'handle' }
  | { readonly kind: 'go-away' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'release' };

type Final =
  | 'completed'
  | 'failed'
  | 'stopped:application'
  | 'stopped:model'
  | 'stopped:interruption'
  | 'error:INVALID_ARGUMENTS'
  | 'error:UNKNOWN_TOOL'
  | 'answer';

interface CallModel {
  readonly id: string;
  readonly tool: 'watch' | 'camera' | 'ping' | 'stop_streaming' | 'invalid' | 'unknown';
  active: boolean;
  seq: number;
  /** Results that must be on the wire, in order. */
  readonly delivered: number[];
  /** Results produced while disconnected, not delivered yet. */
  held: number[];
  final: Final | undefined;
  finalHeld: boolean;
}

/** The outcome of one run: what went wrong, and what it exercised. */
export interface SessionRunResult {
  readonly violations: string[];
  readonly exercised: string[];
  /** How many actions ran before the session ended. */
  readonly steps: number;
}

/** Drives one random session and checks the wire against the model. */
export async function runSession(
  actions: readonly SessionAction[],
  makeAi?: (baseUrl: string) => GenAIClient,
): Promise<SessionRunResult> {
  const watch = pushTool('watch');
  const camera = pushTool('camera', { interruption: 'cancel' });
  const fx: SessionFixture = await openSession({
    tools: [watch.tool, camera.tool, ping],
    config: { sessionResumption: {} },
    reconnect: { attempts: 50, initialDelayMs: 1, maxDelayMs: 2 },
    bufferedResultsPerCall: 10_000,
    connectTimeoutMs: 5000,
    ...(makeAi ? { makeAi } : {}),
  });
  const violations: string[] = [];
  const exercised = new Set<string>();
  const calls: CallModel[] = [];
  const streaming: CallModel[] = [];
  let phase = 'connected' as 'connected' | 'held' | 'ended';
  let serverConn: FakeLiveConnection | undefined = fx.first;
  let lastHandle: string | undefined;
  let handles = 0;
  /** The newest handle when the connection was lost: a resumption may not use an older one. */
  let handleAtDisconnect = 0;
  let steps = 0;

  const add = (id: string, tool: CallModel['tool'], active: boolean): CallModel => {
    const call: CallModel = {
      id,
      tool,
      active,
      seq: 0,
      delivered: [],
      held: [],
      final: undefined,
      finalHeld: false,
    };
    calls.push(call);
    if (tool === 'watch' || tool === 'camera') streaming.push(call);
    return call;
  };
  const finish = (call: CallModel, final: Final) => {
    call.active = false;
    call.final = final;
    call.finalHeld = phase !== 'connected';
  };
  const sessionEnded = () => {
    phase = 'ended';
    serverConn = undefined;
    for (const call of calls) {
      call.active = false;
      call.held = [];
      if (call.finalHeld) call.final = undefined;
    }
  };
  const barrier = async () => {
    const id = await clientBarrier(serverConn!, fx.log);
    finish(add(id, 'ping', false), 'answer');
  };
  const serverSide = () => serverConn !== undefined && serverConn.state === 'open';
  const pick = (n: number) =>
    streaming.length ? streaming[streaming.length - 1 - (n % streaming.length)] : undefined;
  const feedOf = (call: CallModel) => (call.tool === 'watch' ? watch : camera);

  try {
    for (const action of actions) {
      if (phase === 'ended') break;
      steps += 1;
      const since = fx.log.mark;
      switch (action.kind) {
        case 'call': {
          if (!serverSide()) break;
          const id = serverConn!.callTool(action.tool, { label: 'x' });
          await fx.log.waitFor(
            (e) => e.type === 'tool-start' && e.callId === id,
            `tool-start of ${id}`,
            since,
          );
          add(id, action.tool, true);
          if (phase === 'held') exercised.add('call while disconnected');
          break;
        }
        case 'call-invalid':
        case 'call-unknown': {
          if (!serverSide()) break;
          const invalid = action.kind === 'call-invalid';
          const id = invalid
            ? serverConn!.callTool('watch', { label: 42 })
            : serverConn!.callTool('invented_tool', {});
          await fx.log.ended(id, since);
          finish(
            add(id, invalid ? 'invalid' : 'unknown', false),
            invalid ? 'error:INVALID_ARGUMENTS' : 'error:UNKNOWN_TOOL',
          );
          break;
        }
        case 'push': {
          const call = pick(action.pick);
          if (!call) break;
          for (let i = 0; i < action.count; i++) {
            const seq = call.seq++;
            feedOf(call).push(call.id, { callId: call.id, seq });
            if (!call.active) continue; // nobody listens any more: nothing may be sent
            if (phase === 'connected') call.delivered.push(seq);
            else {
              call.held.push(seq);
              exercised.add('result while disconnected');
            }
          }
          break;
        }
        case 'complete':
        case 'fail': {
          const call = pick(action.pick);
          if (!call?.active) break;
          if (action.kind === 'complete') feedOf(call).complete(call.id);
          else feedOf(call).fail(call.id, new Error('feed broke'));
          finish(call, action.kind === 'complete' ? 'completed' : 'failed');
          if (phase === 'held') exercised.add('final while disconnected');
          break;
        }
        case 'app-stop': {
          const call = pick(action.pick);
          if (!call) break;
          const stopped = fx.session.stopTool({ callId: call.id });
          if (stopped.length !== (call.active ? 1 : 0)) {
            violations.push(
              `stopTool(${call.id}) returned ${stopped.length} calls while it was ${call.active ? 'active' : 'ended'}`,
            );
          }
          if (call.active) finish(call, 'stopped:application');
          break;
        }
        case 'server-cancel': {
          const call = pick(action.pick);
          if (!call || !serverSide()) break;
          serverConn!.cancelToolCalls([call.id]);
          // The server gave up on the call: nothing more may be sent for it, held results included.
          if (call.active || call.finalHeld) {
            if (call.held.length > 0 || call.finalHeld) exercised.add('cancellation of held results');
            call.active = false;
            call.held = [];
            if (call.finalHeld) call.final = undefined;
          }
          await barrier();
          break;
        }
        case 'model-stop': {
          const call = pick(action.pick);
          if (!call || !serverSide()) break;
          const id = serverConn!.callTool('stop_streaming', { call_id: call.id });
          await fx.log.ended(id, since);
          if (call.active) finish(call, 'stopped:model');
          finish(add(id, 'stop_streaming', false), 'answer');
          break;
        }
        case 'interrupt': {
          if (!serverSide()) break;
          serverConn!.interrupt();
          await barrier();
          for (const call of streaming)
            if (call.active && call.tool === 'camera') finish(call, 'stopped:interruption');
          break;
        }
        case 'handle': {
          if (!serverSide()) break;
          lastHandle = `handle-${++handles}`;
          serverConn!.sendResumptionUpdate(lastHandle);
          await barrier();
          break;
        }
        case 'go-away': {
          if (phase !== 'connected') break;
          await wireBarrier(serverConn!);
          finish(add(serverConn!.calls.at(-1)!.id, 'ping', false), 'answer');
          serverConn!.goAway('1s');
          if (lastHandle === undefined) {
            await fx.log.waitFor((e) => e.type === 'go-away', 'go-away', since);
            break;
          }
          await fx.log.waitFor((e) => e.type === 'reconnecting', 'reconnecting after goAway', since);
          phase = 'held'; // the old connection stays open until the resumed one is set up
          handleAtDisconnect = handles;
          exercised.add('go-away');
          break;
        }
        case 'drop': {
          if (phase === 'connected') {
            await wireBarrier(serverConn!); // nothing in flight: what was sent has arrived
            finish(add(serverConn!.calls.at(-1)!.id, 'ping', false), 'answer');
            await serverConn!.drop();
            if (lastHandle === undefined) {
              await fx.log.waitFor((e) => e.type === 'closed', 'closed after a drop without handle', since);
              sessionEnded();
              exercised.add('drop without handle');
            } else {
              await fx.log.waitFor((e) => e.type === 'reconnecting', 'reconnecting after a drop', since);
              phase = 'held';
              handleAtDisconnect = handles;
              serverConn = undefined;
              exercised.add('drop with handle');
            }
          } else if (serverSide()) {
            await serverConn!.drop(); // the old connection after goAway: the client has left it already
            serverConn = undefined;
          } else {
            const pending = await fx.gate.next();
            await pending.drop(); // the resumption attempt fails; the client tries again
            exercised.add('drop during resumption');
          }
          break;
        }
        case 'release': {
          if (phase !== 'held') break;
          await release();
          break;
        }
      }
    }
    if (phase === 'held') await release();
    if (phase === 'connected') {
      await wireBarrier(serverConn!);
      finish(add(serverConn!.calls.at(-1)!.id, 'ping', false), 'answer');
    }
    await fx.session.close();
    sessionEnded();
    check();
  } finally {
    await fx.server.close();
  }
  return { violations, exercised: [...exercised], steps };

  async function release(): Promise<void> {
    const since = fx.log.mark;
    const next = await fx.gate.next();
    // An attempt already under way carries the handle it started with; a newer handle sent on the
    // old connection meanwhile is used by the next attempt only.
    const used = Number(/^handle-(\d+)$/.exec(next.resumptionHandle ?? '')?.[1] ?? -1);
    if (used < handleAtDisconnect || used > handles) {
      violations.push(
        `resumed with ${next.resumptionHandle}; the newest handle at the disconnection was handle-${handleAtDisconnect}`,
      );
    }
    fx.gate.release(next);
    await fx.log.waitFor((e) => e.type === 'connected' && e.resumed, 'the resumed connection', since);
    phase = 'connected';
    serverConn = next;
    for (const call of calls) {
      call.delivered.push(...call.held);
      call.held = [];
      call.finalHeld = false;
    }
  }

  function check(): void {
    for (const call of calls) {
      const wire = fx.wire(call.id);
      const label = `${call.id} (${call.tool})`;
      if (call.tool === 'watch' || call.tool === 'camera') {
        const results = wire.filter((r) => r.willContinue === true);
        const seqs = results.map((r) => (r.output as { seq: number }).seq);
        if (results.some((r) => (r.output as { callId: string }).callId !== call.id)) {
          violations.push(`${label}: a result of another call on its id`);
        }
        if (JSON.stringify(seqs) !== JSON.stringify(call.delivered)) {
          violations.push(
            `${label}: results on the wire ${JSON.stringify(seqs)}, expected ${JSON.stringify(call.delivered)}`,
          );
        }
        const finals = wire.filter((r) => r.willContinue !== true);
        if (finals.length !== (call.final ? 1 : 0)) {
          violations.push(
            `${label}: ${finals.length} final responses on the wire, expected ${call.final ? 1 : 0} (${call.final ?? 'none'})`,
          );
        } else if (call.final) {
          const problem = finalProblem(finals[0]!, call.final);
          if (problem) violations.push(`${label}: ${problem}`);
          if (wire.at(-1) !== finals[0]) violations.push(`${label}: a response after its final response`);
        }
      } else {
        if (wire.length !== (call.final ? 1 : 0)) {
          violations.push(`${label}: ${wire.length} responses on the wire, expected ${call.final ? 1 : 0}`);
        } else if (call.final) {
          const problem = finalProblem(wire[0]!, call.final);
          if (problem) violations.push(`${label}: ${problem}`);
        }
      }
    }
    const ends = new Map<string, number>();
    for (const e of fx.log.events)
      if (e.type === 'tool-end') ends.set(e.callId, (ends.get(e.callId) ?? 0) + 1);
    for (const call of calls) {
      if (ends.get(call.id) !== 1) violations.push(`${call.id}: ${ends.get(call.id) ?? 0} tool-end events`);
    }
    if (watch.upstream.active + camera.upstream.active !== 0)
      violations.push('an upstream is still subscribed');
    if (fx.log.events.at(-1)?.type !== 'closed') violations.push('the last event is not closed');
  }
}

function finalProblem(r: RecordedFunctionResponse, final: Final): string | undefined {
  const error = r.error as { code?: string } | undefined;
  const output = r.output as { status?: string; reason?: string } | undefined;
  switch (final) {
    case 'completed':
      return output?.status === 'completed' ? undefined : `expected completion, got ${JSON.stringify(r.raw)}`;
    case 'failed':
      return error?.code === 'TOOL_EXECUTION'
        ? undefined
        : `expected TOOL_EXECUTION, got ${JSON.stringify(r.raw)}`;
    case 'stopped:application':
    case 'stopped:model':
    case 'stopped:interruption':
      return output?.status === 'stopped' && output.reason === final.slice('stopped:'.length)
        ? undefined
        : `expected ${final}, got ${JSON.stringify(r.raw)}`;
    case 'error:INVALID_ARGUMENTS':
    case 'error:UNKNOWN_TOOL':
      return error?.code === final.slice('error:'.length) && r.willContinue === false
        ? undefined
        : `expected ${final}, got ${JSON.stringify(r.raw)}`;
    case 'answer':
      return r.willContinue === undefined
        ? undefined
        : `a one-shot answer with willContinue ${r.willContinue}`;
  }
}
