/** One smoke call: a tool and the arguments it is called with. @internal */
export interface SmokeCall {
  readonly tool: string;
  readonly args: Readonly<Record<string, unknown>>;
}

/** What the smoke script reads. @internal */
export interface SmokePlan {
  /** The package's name, imported as a consumer would. */
  readonly name: string;
  /** The export that holds the manifest, if any; else every exported tool is run. */
  readonly manifestExport: string | undefined;
  readonly calls: readonly SmokeCall[];
  /** How long to wait for a tool's first response, and for its end once stopped. */
  readonly timeoutMs: number;
}

/** What happened to one smoke call. @internal */
export interface SmokeOutcome {
  readonly tool: string;
  readonly ok: boolean;
  readonly responses: number;
  /** The first response's output, shortened; or what went wrong. */
  readonly detail: string;
}

/** The line before the outcomes in the smoke script's output. @internal */
export const SMOKE_MARK = '@@livetools-smoke@@';

/**
 * The smoke script, run with Node in the consumer project: it imports the installed package, opens
 * a session of the real `@google/genai` client against the fake Live server of
 * `@livetools/core/testing`, calls each tool once, waits for its first response (an error fails),
 * stops a streaming call with `stop_streaming` and waits for its final response. @internal
 */
export const SMOKE_SCRIPT = `import { readFileSync } from 'node:fs';
import { GoogleGenAI } from '@google/genai';
import { createLiveAgent, toolsOf } from '@livetools/core';
import { createFakeLiveServer } from '@livetools/core/testing';

const plan = JSON.parse(readFileSync(new URL('./smoke-plan.json', import.meta.url), 'utf8'));
const entry = await import(plan.name);
const isTool = (v) => typeof v === 'object' && v !== null && typeof v.name === 'string' && typeof v.declaration === 'function' && typeof v.execute === 'function';
const tools = plan.manifestExport
  ? toolsOf(entry[plan.manifestExport])
  : [...new Map(Object.values(entry).flat().filter(isTool).map((t) => [t.name, t])).values()];
const short = (value) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? text.slice(0, 117) + '...' : text;
};
const outcomes = [];
const server = await createFakeLiveServer({ timeoutMs: plan.timeoutMs });
try {
  const ai = new GoogleGenAI({ apiKey: 'livetools-check', httpOptions: { baseUrl: server.url } });
  const agent = createLiveAgent({ ai, model: 'livetools-check', tools });
  const connected = server.waitForConnection();
  const session = await agent.connect();
  const conn = await connected;
  try {
    for (const { tool, args } of plan.calls) {
      const id = conn.callTool(tool, args);
      try {
        const first = await conn.waitForToolResponse(id, () => true, { timeoutMs: plan.timeoutMs });
        if (first.error !== undefined) {
          outcomes.push({ tool, ok: false, responses: conn.toolResponses(id).length, detail: 'answered with an error: ' + short(first.error) });
          continue;
        }
        if (first.willContinue === true) {
          conn.callTool('stop_streaming', { call_id: id });
          const last = await conn.waitForToolResponse(id, (r) => r.willContinue !== true, { timeoutMs: plan.timeoutMs });
          if (last.error !== undefined) {
            outcomes.push({ tool, ok: false, responses: conn.toolResponses(id).length, detail: 'ended with an error when stopped: ' + short(last.error) });
            continue;
          }
        }
        outcomes.push({ tool, ok: true, responses: conn.toolResponses(id).length, detail: short(first.output) });
      } catch (error) {
        outcomes.push({ tool, ok: false, responses: conn.toolResponses(id).length, detail: error instanceof Error ? error.message : String(error) });
      }
    }
  } finally {
    await session.close();
  }
} finally {
  await server.close();
}
console.log(${JSON.stringify(SMOKE_MARK)});
console.log(JSON.stringify(outcomes));
`;

/** The outcomes the smoke script printed, or `undefined` when it did not get that far. @internal */
export function parseSmokeOutput(stdout: string): SmokeOutcome[] | undefined {
  const at = stdout.lastIndexOf(SMOKE_MARK);
  if (at < 0) return undefined;
  try {
    const parsed = JSON.parse(stdout.slice(at + SMOKE_MARK.length)) as unknown;
    return Array.isArray(parsed) ? (parsed as SmokeOutcome[]) : undefined;
  } catch {
    return undefined;
  }
}
