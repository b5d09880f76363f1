import { createFakeLiveServer } from '@livetools/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type AgentProcess, startAgent, stopAll } from './support/agent-process.js';

const running: AgentProcess[] = [];
afterEach(() => stopAll(running));

const start = (args: readonly string[], env: Record<string, string | undefined> = {}, script?: string) => {
  const agent = startAgent(args, env, script);
  running.push(agent);
  return agent;
};

const noStackTrace = (output: string) => {
  expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(output).not.toMatch(/Node\.js v\d+/);
};

describe('command line', () => {
  it('answers a mistyped option with a short usage error, not a parse stack trace', async () => {
    const agent = start(['--termnial']);
    expect(await agent.exited).toBe(2);
    expect(agent.errors).toMatch(/Unknown option '--termnial'\. Did you mean --terminal\?/);
    expect(agent.errors).toMatch(/Usage: npm start -- \[--terminal \| --demo\]/);
    noStackTrace(agent.output);
  });

  it('answers a setting it cannot start with by its message and exit code 2, not a stack trace', async () => {
    const agent = start(['--terminal'], {
      LIVETOOLS_SOURCE: 'alpaca',
      ALPACA_KEY_ID: '',
      ALPACA_SECRET_KEY: '',
    });
    expect(await agent.exited).toBe(2);
    expect(agent.errors).toMatch(/LIVETOOLS_SOURCE=alpaca needs ALPACA_KEY_ID and ALPACA_SECRET_KEY/);
    noStackTrace(agent.output);
    noStackTrace(agent.errors);
  });

  it('refuses two modes and echoes at most 40 characters of a long unknown option', async () => {
    const both = start(['--terminal', '--demo']);
    expect(await both.exited).toBe(2);
    expect(both.errors).toMatch(/--terminal and --demo are two modes: give one\./);
    const long = start([`--${'x'.repeat(5000)}`]);
    expect(await long.exited).toBe(2);
    expect(long.errors).toMatch(/Unknown option '--x{37}…'\./);
    expect(long.errors.length).toBeLessThan(1000);
  });

  it.each([
    ['terminal', '--terminal'],
    ['demo', '--demo'],
  ])(
    'tells the user to write `npm start -- --%s` when npm took the flag (npm start %s)',
    async (name, flag) => {
      const agent = start([], { [`npm_config_${name}`]: 'true' });
      expect(await agent.exited).toBe(2);
      expect(agent.errors).toContain(`npm took ${flag} as its own option: write npm start -- ${flag}`);
    },
  );
});

describe('before the root npm start builds (src/prestart.ts)', () => {
  it('says that it is building, and catches a flag npm took before the build', async () => {
    const building = start([], {}, 'src/prestart.ts');
    expect(await building.exited).toBe(0);
    expect(building.output).toMatch(/^Building the livetools packages first \(about a minute the first time/);
    const swallowed = start([], { npm_config_terminal: 'true' }, 'src/prestart.ts');
    expect(await swallowed.exited).toBe(2);
    expect(swallowed.errors).toContain('write npm start -- --terminal');
    expect(swallowed.output).not.toMatch(/Building/);
  });
});

describe('connecting with GEMINI_API_KEY set (the real @google/genai client)', () => {
  it('says the network is unreachable, not that the key is wrong, and exits cleanly with code 1', async () => {
    // port 1: privileged, nothing listens there (a port bound and released could be taken by
    // another test's server before the agent connects)
    const agent = start(['--terminal'], {
      GEMINI_API_KEY: 'bogus',
      GOOGLE_GEMINI_BASE_URL: 'http://127.0.0.1:1',
    });
    expect(await agent.exited).toBe(1);
    expect(agent.errors).toMatch(
      /Cannot reach the Gemini Live API: the network is unreachable \(connect ECONNREFUSED 127\.0\.0\.1:1\)/,
    );
    expect(agent.errors).toMatch(/The API key was not checked\./);
    expect(agent.errors).not.toMatch(/Check the API key/);
    noStackTrace(agent.output);
  });

  it('says the key was refused when the server refuses it', async () => {
    await using server = await createFakeLiveServer({ rejectKeys: ['bogus'] });
    const agent = start(['--terminal'], { GEMINI_API_KEY: 'bogus', GOOGLE_GEMINI_BASE_URL: server.url });
    expect(await agent.exited).toBe(1);
    expect(agent.errors).toMatch(/The Gemini Live API refused the API key \(code 1008: API key not valid/);
    expect(agent.errors).toMatch(/Check GEMINI_API_KEY/);
    noStackTrace(agent.output);
  });

  it('says the model is unknown when the server does not know it (the demo too)', async () => {
    await using server = await createFakeLiveServer({ models: ['gemini-3.8-live'] });
    const env = {
      GEMINI_API_KEY: 'good',
      GOOGLE_GEMINI_BASE_URL: server.url,
      LIVETOOLS_MODEL: 'gemini-nope',
    };
    for (const mode of ['--terminal', '--demo']) {
      const agent = start([mode], env);
      expect(await agent.exited).toBe(1);
      expect(agent.errors).toMatch(
        /The Gemini Live API does not know the model gemini-nope, or it does not support the Live API \(code 1008: models\/gemini-nope is not found/,
      );
      expect(agent.errors).toMatch(/Set LIVETOOLS_MODEL/);
      noStackTrace(agent.output);
    }
  });
});
