/**
 * A model of what the session state must hold in a live session that is disconnected and resumed at
 * random, and a runner that drives a real session (real SDK, fake server) through random actions
 * while keeping the model. Every action waits for the client through the fake server's waiters
 * or the session's events: no sleeps.
 */
import type { GenAIClient } from '../../src/protocol/genai-like.js';
import type { FakeLiveConnection, RecordedFunctionResponse } from '../../src/testing/index.js';
import { pushTool } from './push-tool.js';
import {
  clientBarrier,
  HandleLedger,
  openSession,
  ping,
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
  | { readonly kind: 'release' }
  /** `session.close()` now, whatever is under way (a resumption attempt, the wait between attempts): the run ends. */
  | { readonly kind: 'close' };

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
  /** Results that must be in the session state, in order. */
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

/**
 * Drives one random session and checks the session state against the model: the client messages
 * the last connection's session holds (a handle stands for the session when it was issued, so a
 * message that the client wrote again after a resumption counts once there, while the wire may
 * carry it twice). With `transparent`, the session asks for transparent resumption.
 *
 * Without transparent resumption, the client takes a handle to cover what it had written when the
 * handle arrived; a message it had written but the server had not received when it issued the
 * handle (in flight) is then in neither the handle's state nor the replay. The model knows both
 * sides exactly (a {@link HandleLedger}) and expects exactly those messages missing when a
 * resumption used that handle; nothing else may be missing.
 */
export async function runSession(
  actions: readonly SessionAction[],
  makeAi?: (baseUrl: string) => GenAIClient,
  options: { readonly transparent?: boolean } = {},
): Promise<SessionRunResult> {
  const transparent = options.transparent === true;
  const watch = pushTool('watch');
  const camera = pushTool('camera', { interruption: 'cancel' });
  const fx: SessionFixture = await openSession({
    tools: [watch.tool, camera.tool, ping],
    config: { sessionResumption: transparent ? { transparent: true } : {} },
    reconnect: { attempts: 50, initialDelayMs: 1, maxDelayMs: 2, maxConsecutive: 1000 },
    handoff: { enabled: false }, // this world models resumption only: without a handle the session ends
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
  /**
   * The handle the client stores: the newest, but that with transparent resumption one sent on a
   * connection being left is not kept, and that after a resumption it is the one used.
   */
  let stored = 0;
  /** Calls the server cancelled: what the resumed state holds of them may be cut short. */
  const serverCancelled = new Set<string>();
  let steps = 0;
  const ledger = new HandleLedger(fx.session, fx.first);
  /** Every handle issued, in order. */
  const issued: string[] = [];
  /** Handles that a completed resumption used. */
  const usedHandles = new Set<string>();

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
          const stopped = fx.session.stopCalls({ callId: call.id });
          if (stopped.length !== (call.active ? 1 : 0)) {
            violations.push(
              `stopCalls(${call.id}) returned ${stopped.length} calls while it was ${call.active ? 'active' : 'ended'}`,
            );
          }
          if (call.active) finish(call, 'stopped:application');
          break;
        }
        case 'server-cancel': {
          const call = pick(action.pick);
          if (!call || !serverSide()) break;
          serverConn!.cancelToolCalls([call.id]);
          serverCancelled.add(call.id);
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
          issued.push(lastHandle);
          ledger.issue(serverConn!, lastHandle);
          // The client keeps a handle sent by the connection it is leaving after a goAway only
          // without transparent resumption.
          if (!transparent || phase === 'connected') stored = handles;
          await barrier(); // the ping comes after the handle: the client has handled both
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
          handleAtDisconnect = stored;
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
              handleAtDisconnect = stored;
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
        case 'close': {
          exercised.add('close() at a random point');
          if (phase === 'held') exercised.add('close() during a resumption');
          if (phase === 'connected') await wireBarrier(serverConn!); // what was written has arrived
          await fx.session.close();
          sessionEnded();
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
    // Every socket the session opened is closed once close() resolved (the server sees it a moment later).
    await fx.server.waitForNoOpenConnections().catch((error: unknown) => {
      violations.push(`a socket is still open after close(): ${(error as Error).message}`);
    });
    check();
  } finally {
    await fx.server.close();
  }
  return { violations, exercised: [...exercised], steps };

  async function release(): Promise<void> {
    const since = fx.log.mark;
    const next = await fx.gate.next();
    // An attempt already under way carries the handle it started with; a newer handle sent on the
    // old connection meanwhile (kept without transparent resumption) is used by the next attempt only.
    const used = Number(/^handle-(\d+)$/.exec(next.resumptionHandle ?? '')?.[1] ?? -1);
    if (used < handleAtDisconnect || used > stored) {
      violations.push(
        `resumed with ${next.resumptionHandle}; expected handle-${handleAtDisconnect}${stored > handleAtDisconnect ? ` to handle-${stored}` : ''}`,
      );
    }
    if (used > handleAtDisconnect)
      exercised.add('resumption with a handle sent by the connection being left');
    else if (stored > used) exercised.add('a handle sent by the connection being left, forgotten');
    fx.gate.release(next);
    await fx.log.waitFor((e) => e.type === 'connected' && e.resumed, 'the resumed connection', since);
    ledger.connected(next);
    usedHandles.add(next.resumptionHandle!);
    // The session continues from that handle's state: the client keeps it, and forgets a newer
    // one that the connection it left sent meanwhile.
    stored = used;
    phase = 'connected';
    serverConn = next;
    for (const call of calls) {
      call.delivered.push(...call.held);
      call.held = [];
      call.finalHeld = false;
    }
  }

  /**
   * The responses of a call in the session's state as the last connection holds it: a handle
   * stands for the session when it was issued, so what the old connection received after it is
   * not there, and what the client wrote again after resuming counts once.
   */
  function responsesOf(callId: string): readonly RecordedFunctionResponse[] {
    const last = fx.server.connections.filter((c) => c.accepted).at(-1);
    return last?.sessionToolResponses(callId) ?? [];
  }

  /**
   * The responses a resumption with one of the used handles left out of the session for good:
   * those the client had written on the handle's connection before the handle arrived, but the
   * server received after it issued the handle. Always none with transparent resumption.
   */
  function lostInFlight(): Set<RecordedFunctionResponse> {
    const lost = new Set<RecordedFunctionResponse>();
    for (const name of issued) {
      if (!ledger.arrived(name)) {
        if (usedHandles.has(name)) violations.push(`${name} was used, but never reached the client`);
        continue;
      }
      const received = ledger.received(name);
      const written = ledger.written(name);
      if (written < received) {
        violations.push(
          `${name}: the server had received ${received} messages, the client had written ${written}`,
        );
      }
      const inFlight = ledger.inFlight(name);
      if (inFlight.messages === 0) continue;
      exercised.add('message in flight at a handle issuance');
      if (transparent) continue; // the server's index says what it had: nothing is lost
      if (!usedHandles.has(name)) continue;
      exercised.add('resumption with a handle issued while a message was in flight');
      // Every action waits for the wire before a drop: what was written reached the server.
      if (inFlight.unseen > 0)
        violations.push(`${name}: ${inFlight.unseen} messages in flight never arrived`);
      for (const r of inFlight.responses) lost.add(r);
    }
    return lost;
  }

  function check(): void {
    const lost = lostInFlight();
    // A resumption whose handle was issued before some calls hands those over: the resumed state
    // never made them, so nothing may answer them there with a function response (their later
    // results go as text). The ledger below holds for every other call.
    const handedOver = new Set<string>();
    for (const e of fx.log.events) {
      if (e.type !== 'handed-over') continue;
      if (e.resumed === true) exercised.add('calls handed over on resumption');
      for (const c of [...e.continued, ...e.ended, ...(e.forgotten ?? [])]) handedOver.add(c.callId);
    }
    for (const c of fx.server.connections) {
      for (const r of c.unknownCallResponses) {
        violations.push(
          `${String(r.id)}: a function response on connection #${c.id} for a call its session never made`,
        );
      }
    }
    for (const call of calls) {
      if (handedOver.has(call.id)) continue;
      // What a resumption with a handle issued while it was in flight left out.
      const gone = fx.server.connections.flatMap((c) => c.toolResponses(call.id)).filter((r) => lost.has(r));
      const goneSeqs = new Set(
        gone.filter((r) => r.willContinue === true).map((r) => (r.output as { seq: number }).seq),
      );
      const final = gone.some((r) => r.willContinue !== true) ? undefined : call.final;
      const wire = responsesOf(call.id);
      const cutShort = serverCancelled.has(call.id);
      const label = `${call.id} (${call.tool})`;
      const lostNote = gone.length > 0 ? ` (${gone.length} lost in flight at a handle issuance)` : '';
      if (call.tool === 'watch' || call.tool === 'camera') {
        const results = wire.filter((r) => r.willContinue === true);
        const seqs = results.map((r) => (r.output as { seq: number }).seq);
        if (results.some((r) => (r.output as { callId: string }).callId !== call.id)) {
          violations.push(`${label}: a result of another call on its id`);
        }
        const delivered = call.delivered.filter((seq) => !goneSeqs.has(seq));
        const expected = cutShort ? delivered.slice(0, seqs.length) : delivered;
        if (JSON.stringify(seqs) !== JSON.stringify(expected)) {
          violations.push(
            `${label}: results in the session ${JSON.stringify(seqs)}, expected ${JSON.stringify(delivered)}${cutShort ? ' or a prefix' : ''}${lostNote}`,
          );
        }
        const finals = wire.filter((r) => r.willContinue !== true);
        if (cutShort && finals.length === 0) {
          // The server cancelled the call: a final it had not consumed by the handle is not resent.
        } else if (finals.length !== (final ? 1 : 0)) {
          violations.push(
            `${label}: ${finals.length} final responses in the session, expected ${final ? 1 : 0} (${final ?? 'none'})${lostNote}`,
          );
        } else if (final) {
          const problem = finalProblem(finals[0]!, final);
          if (problem) violations.push(`${label}: ${problem}`);
          if (wire.at(-1) !== finals[0]) violations.push(`${label}: a response after its final response`);
        }
      } else if (!(cutShort && wire.length === 0)) {
        if (wire.length !== (final ? 1 : 0)) {
          violations.push(
            `${label}: ${wire.length} responses in the session, expected ${final ? 1 : 0}${lostNote}`,
          );
        } else if (final) {
          const problem = finalProblem(wire[0]!, final);
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
