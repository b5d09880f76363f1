/**
 * A live agent that watches stock prices and the user's camera.
 *
 *   npm start                     the web console: prints a URL to open (microphone, camera, text)
 *   npm start -- --terminal       text only, in this terminal
 *   npm start -- --demo           a short scripted conversation, then exit
 *
 * Options: --port N (default 8787, or a free one if taken), --host H (default 127.0.0.1).
 * With GEMINI_API_KEY set it talks to Gemini Live; without it, to the offline simulator (a local
 * fake Live server with a rule-based model), always labelled as such. See agent.ts for the
 * environment variables.
 */
import { createConsoleAgent } from './agent.js';
import { readCommandLine } from './command-line.js';
import { ConnectFailure } from './connect-failure.js';
import { runDemo } from './demo.js';
import { runTerminal } from './terminal.js';
import { startConsoleServer } from './web/server.js';

const command = readCommandLine(process.argv.slice(2), process.env);
if (command.kind === 'exit') {
  (command.code === 0 ? process.stdout : process.stderr).write(`${command.text}\n`);
  process.exit(command.code);
}
const { values } = command;

/** A setting the agent cannot start with (LIVETOOLS_SOURCE, a missing key...): its message, exit 2. */
const agent = await createConsoleAgent().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : `could not start: ${String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(2);
});

/** Runs a text front end; a session that cannot open says why (network, key, model) and exits 1. */
const runText = async (run: () => Promise<void>) => {
  let code = 0;
  try {
    await run();
  } catch (error) {
    const failure = ConnectFailure.from(error, { model: agent.model, mode: agent.mode });
    process.stderr.write(`\n${failure.message}\n`);
    code = 1;
  }
  await agent.close();
  process.exit(code);
};

if (values.terminal)
  await runText(() => runTerminal(agent, { input: process.stdin, output: process.stdout }));
if (values.demo) await runText(() => runDemo(agent));

const port = values.port === undefined ? 8787 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be a port number from 0 to 65535, not '${values.port}'.`);
  process.exit(2);
}
const host = values.host;
const start = async () => {
  try {
    return await startConsoleServer({ agent, host, port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || values.port !== undefined) throw error;
    console.log(`Port ${port} is taken; using a free one.`);
    return startConsoleServer({ agent, host, port: 0 });
  }
};
const server = await start();
if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
  console.log(
    `Warning: listening on ${host}, not only this machine. Anyone with the URL's token can use the agent.`,
  );
}
console.log(
  agent.mode === 'simulator'
    ? 'livetools agent: OFFLINE SIMULATOR (no GEMINI_API_KEY set): a rule-based stand-in answers typed requests.'
    : `livetools agent: Gemini Live, model ${agent.model}.`,
);
console.log(`Quotes: ${agent.source.name}. Tools: stock prices and the camera.\n`);
console.log(`Open the web console: ${server.url}`);
for (const url of server.urls.slice(1)) console.log(`  or from another machine: ${url}`);
console.log('');
console.log('Press Ctrl-C to stop.');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  await server.close();
  await agent.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
