// @ts-check
/**
 * The web console's entry: connects to the local server with the page's token and wires the
 * transcript, the tool timeline, the price charts, the microphone, the camera and the agent's voice.
 */

import { Microphone } from './audio-in.js';
import { AudioPlayer } from './audio-out.js';
import { toBase64 } from './base64.js';
import { Camera } from './camera.js';
import { ChartBoard } from './chart.js';
import { ChartWatches } from './chart-watches.js';
import { Connection } from './connection.js';
import { el, required } from './dom.js';
import { LiveStrip } from './live-strip.js';
import { Notices } from './notices.js';
import { Timeline } from './timeline.js';
import { Transcript } from './transcript.js';

/** @typedef {import('../src/web/protocol.js').ServerMessage} ServerMessage */
/** @typedef {import('../src/web/protocol.js').ClientMessage} ClientMessage */
/** @typedef {import('../src/web/protocol.js').ConsoleLimits} ConsoleLimits */
/** @typedef {Extract<ServerMessage, { type: 'ready' }>} Ready */
/** @typedef {import('./connection.js').Closed} Closed */

/** Camera frames are skipped while this much is still queued in the socket. */
const MAX_BUFFERED_BYTES = 256 * 1024;
const SIMULATOR_TEXT =
  'Offline simulator — no GEMINI_API_KEY is set. A rule-based stand-in answers typed requests; it does not understand speech.';
const SIMULATOR_MIC_TEXT = 'The simulator does not understand speech: type your request instead.';
const ACCESS_REFUSED_TEXT = "Access refused: the link's token is wrong. Use the URL printed by npm start.";
const RESTARTED_TEXT =
  'The console server was restarted: it has a new token, so this page cannot reconnect. Open the new URL printed by npm start (this transcript stays here).';

const ui = {
  status: required('#status', HTMLElement),
  mode: required('#mode', HTMLElement),
  session: required('#session', HTMLElement),
  agentInfo: required('#agent-info', HTMLElement),
  micHint: required('#mic-hint', HTMLElement),
  reconnect: required('#reconnect', HTMLButtonElement),
  banner: required('#banner', HTMLElement),
  bannerText: required('#banner-text', HTMLElement),
  examples: required('#examples', HTMLElement),
  tools: required('#tools', HTMLElement),
  audioHint: required('#audio-hint', HTMLElement),
  composer: required('#composer', HTMLFormElement),
  textInput: required('#text-input', HTMLInputElement),
  send: required('#send', HTMLButtonElement),
  micToggle: required('#mic-toggle', HTMLButtonElement),
  meterFill: required('#meter-fill', HTMLElement),
  cameraToggle: required('#camera-toggle', HTMLButtonElement),
  cameraFps: required('#camera-fps', HTMLSelectElement),
  cameraPreview: required('#camera-preview', HTMLVideoElement),
  cameraStats: required('#camera-stats', HTMLElement),
};

const notices = new Notices(required('#notices', HTMLElement));
const transcript = new Transcript(required('#transcript', HTMLElement));
const charts = new ChartBoard(required('#charts', HTMLElement));
const watches = new ChartWatches(charts);
const timeline = new Timeline(
  required('#timeline', HTMLElement),
  required('#running', HTMLElement),
  (callId) => send({ type: 'stop-call', callId }),
);
const strip = new LiveStrip(
  required('#live-strip', HTMLElement),
  (callId) => timeline.cards.get(callId)?.stop?.click(),
  (callId) => timeline.cards.get(callId)?.root.scrollIntoView({ behavior: 'smooth', block: 'center' }),
);
timeline.onChange = () => strip.render(timeline.runningCalls(), watches.prices());

/** @type {ConsoleLimits | undefined} */
let limits;
let ready = false;
/** Whether a session was ready before on this page: the next `ready` is a reconnection. */
let wasReady = false;
/** @type {ReturnType<typeof setInterval> | undefined} */
let countdown;

// ---- Connection ------------------------------------------------------------------------------

const token = new URLSearchParams(location.search).get('token') ?? '';
const connection = new Connection(token, {
  onOpen: () => setStatus('connecting', 'connecting… (waiting for the session)'),
  onMessage: receive,
  onClose: closed,
  onRetry: (attempt) => {
    clearInterval(countdown);
    setStatus('connecting', `reconnecting… (attempt ${attempt})`);
  },
});

/**
 * @param {ClientMessage} message
 * @returns {boolean} whether it was sent
 */
function send(message) {
  return connection.send(message);
}

/**
 * @param {'connecting' | 'connected' | 'disconnected'} state
 * @param {string} text
 */
function setStatus(state, text) {
  ui.status.className = `status ${state}`;
  ui.status.textContent = text;
}

/** @param {ServerMessage} message */
function receive(message) {
  switch (message.type) {
    case 'ready':
      onReady(message);
      break;
    case 'transcript':
      if (message.role === 'model') modelHeard();
      transcript.append(message.role, message.source, message.text);
      break;
    case 'turn-complete':
      modelHeard();
      transcript.endTurn();
      break;
    case 'interrupted':
      player?.interrupt();
      transcript.interrupted();
      break;
    case 'audio':
      modelHeard();
      playAudio(message.data, message.sampleRate);
      break;
    case 'tool-start':
      timeline.start(message);
      watches.started(message);
      break;
    case 'tool-result':
      timeline.result(message);
      watches.report(message);
      strip.render(timeline.runningCalls(), watches.prices());
      break;
    case 'tool-end':
      timeline.end(message);
      watches.ended(message);
      break;
    case 'quote':
      if (watches.quote(message)) strip.render(timeline.runningCalls(), watches.prices());
      break;
    case 'session':
      if (message.state === 'resumed') {
        ui.session.hidden = true;
        break;
      }
      ui.session.hidden = false;
      ui.session.className = `session ${message.state}`;
      ui.session.textContent =
        message.state === 'reconnecting'
          ? `Model connection lost, reconnecting…${message.detail ? ` (${message.detail})` : ''}`
          : `Session closed${message.detail ? `: ${message.detail}` : ''}`;
      if (message.state === 'closed') setControlsEnabled(false);
      break;
    case 'error':
      notices.add(message.code, message.message);
      break;
    default:
      console.warn('console: unknown server message', message);
  }
}

/** The model spoke after a `session: reconnecting`: the connection is back, clear the notice. */
function modelHeard() {
  if (ui.session.classList.contains('reconnecting')) ui.session.hidden = true;
}

/** @param {Ready} message */
function onReady(message) {
  ready = true;
  if (wasReady) {
    transcript.note(
      'Reconnected: a new session started. Calls from before the connection was lost are not running; ask again to watch.',
    );
  }
  wasReady = true;
  clearInterval(countdown);
  ui.reconnect.hidden = true;
  ui.session.hidden = true;
  limits = message.limits;
  setStatus('connected', 'connected');
  ui.mode.hidden = false;
  ui.mode.textContent = message.mode;
  ui.mode.className = `mode ${message.mode}`;
  ui.mode.title = message.mode === 'gemini' ? `Gemini Live, model ${message.model}` : 'Offline simulator';
  ui.agentInfo.hidden = false;
  ui.agentInfo.replaceChildren(
    info('model', message.model, 'The model answering'),
    info('delivery', message.delivery, 'How tool results reach the model'),
    info('quotes', message.source, 'Where prices come from'),
  );
  ui.micHint.hidden = message.mode !== 'simulator';
  ui.micHint.textContent = message.mode === 'simulator' ? SIMULATOR_MIC_TEXT : '';
  ui.banner.hidden = false;
  ui.banner.className = `banner ${message.mode}`;
  ui.bannerText.textContent =
    message.mode === 'simulator'
      ? SIMULATOR_TEXT
      : `Gemini Live — model ${message.model}.${message.audioOut ? ' The agent answers by voice.' : ''}`;
  ui.examples.replaceChildren(el('span', { className: 'muted', text: 'Try:' }));
  for (const example of message.examples) {
    const chip = el('button', {
      className: 'chip',
      text: example,
      attrs: { type: 'button', title: 'Put this request in the text box' },
    });
    chip.addEventListener('click', () => {
      ui.textInput.value = example;
      ui.textInput.focus();
    });
    ui.examples.append(chip);
  }
  ui.examples.hidden = message.examples.length === 0;
  ui.tools.textContent = message.tools.length ? `Tools: ${message.tools.join(', ')}` : '';
  ui.textInput.maxLength = message.limits.maxTextLength;
  for (const option of ui.cameraFps.options) {
    option.disabled = Number(option.value) > message.limits.maxVideoFps;
  }
  if (Number(ui.cameraFps.value) > message.limits.maxVideoFps) {
    const allowed = [...ui.cameraFps.options].filter((option) => !option.disabled).pop();
    if (allowed) ui.cameraFps.value = allowed.value;
    camera.setFps(Number(ui.cameraFps.value));
  }
  setControlsEnabled(true);
}

/**
 * A label and value for the header.
 *
 * @param {string} label
 * @param {string} value
 * @param {string} title
 */
function info(label, value, title) {
  return el('span', {
    className: 'info',
    attrs: { title, 'data-info': label },
    children: [el('span', { className: 'muted', text: `${label} ` }), el('strong', { text: value })],
  });
}

/** @param {Closed} info */
function closed(info) {
  const wasConnected = ready;
  ready = false;
  setControlsEnabled(false);
  stopMicrophone(false);
  stopCamera();
  player?.interrupt();
  const now = Date.now();
  for (const callId of timeline.disconnected(now)) watches.end(callId, now, 'connection lost');
  if (wasConnected) {
    transcript.note('Lost the connection to the console server. Running calls ended with the session.');
  }
  if (info.accessRefused) {
    setStatus('disconnected', 'disconnected: access refused');
    // a page that was connected had the right token: the server came back with another one
    notices.add('ACCESS_REFUSED', wasReady ? RESTARTED_TEXT : ACCESS_REFUSED_TEXT);
    ui.reconnect.hidden = true;
    clearInterval(countdown);
    return;
  }
  const why =
    info.reason || (info.opened ? `connection lost (code ${info.code})` : 'cannot reach the server');
  ui.reconnect.hidden = false;
  clearInterval(countdown);
  if (info.retryInMs === undefined) {
    setStatus('disconnected', `disconnected: ${why}`);
    ui.reconnect.textContent = 'Reconnect';
    return;
  }
  ui.reconnect.textContent = 'Reconnect now';
  const retryAt = now + info.retryInMs;
  const show = () => {
    const seconds = Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
    setStatus('disconnected', `disconnected: ${why} · retrying in ${seconds} s`);
  };
  show();
  countdown = setInterval(show, 1000);
}

ui.reconnect.addEventListener('click', () => connection.retryNow());

/** @param {boolean} enabled */
function setControlsEnabled(enabled) {
  for (const control of [ui.textInput, ui.send, ui.micToggle, ui.cameraToggle]) control.disabled = !enabled;
}

// ---- Text ------------------------------------------------------------------------------------

ui.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = ui.textInput.value.trim();
  if (!text) return;
  if (!ready || !send({ type: 'text', text })) {
    notices.add('NOT_CONNECTED', 'Not connected: the message was not sent.');
    return;
  }
  transcript.typed(text);
  ui.textInput.value = '';
});

// ---- Agent voice -----------------------------------------------------------------------------

/** @type {AudioContext | undefined} */
let audioContext;
/** @type {AudioPlayer | undefined} */
let player;

/**
 * The shared AudioContext, created or resumed; call it from a user gesture.
 *
 * @returns {AudioContext}
 */
function unlockAudio() {
  if (!audioContext) {
    audioContext = new AudioContext({ latencyHint: 'interactive' });
    player = new AudioPlayer(audioContext);
    audioContext.addEventListener('statechange', () => {
      if (audioContext?.state === 'running') ui.audioHint.hidden = true;
    });
  }
  if (audioContext.state === 'suspended') void audioContext.resume();
  return audioContext;
}

document.addEventListener('pointerdown', () => unlockAudio(), { capture: true });
document.addEventListener('keydown', () => unlockAudio(), { capture: true });

/**
 * @param {string} data
 * @param {number} sampleRate
 */
function playAudio(data, sampleRate) {
  if (!player?.play(data, sampleRate)) ui.audioHint.hidden = false;
}

// ---- Microphone ------------------------------------------------------------------------------

const microphone = new Microphone({
  onChunk: (pcm) => send({ type: 'audio', data: toBase64(pcm) }),
  onLevel: (level) => {
    // RMS of speech is ~0.05-0.3: a square root makes the meter move usefully.
    ui.meterFill.style.transform = `scaleX(${Math.min(1, Math.sqrt(level) * 1.6).toFixed(3)})`;
  },
  onEnded: () => {
    setToggle(ui.micToggle, false, 'Microphone');
    send({ type: 'audio-end' });
    notices.add('MICROPHONE', 'The microphone stopped (unplugged, or permission withdrawn).');
  },
});

ui.micToggle.addEventListener('click', async () => {
  if (microphone.running) {
    stopMicrophone(true);
    return;
  }
  const context = unlockAudio();
  ui.micToggle.disabled = true;
  try {
    await microphone.start(context);
    setToggle(ui.micToggle, true, 'Microphone');
  } catch (error) {
    notices.add('MICROPHONE', `Could not use the microphone: ${describeError(error)}`);
  } finally {
    ui.micToggle.disabled = !ready;
  }
});

/** @param {boolean} tellServer */
function stopMicrophone(tellServer) {
  if (!microphone.running) return;
  microphone.stop();
  setToggle(ui.micToggle, false, 'Microphone');
  if (tellServer) send({ type: 'audio-end' });
}

// ---- Camera ----------------------------------------------------------------------------------

let oversizeReported = false;
const camera = new Camera(ui.cameraPreview, {
  canSend: () => ready && connection.open && connection.bufferedAmount < MAX_BUFFERED_BYTES,
  onFrame: (data) => {
    // The JSON around the base64 adds ~50 bytes; a frame the server would refuse is skipped.
    if (limits && data.length + 64 > limits.maxMessageBytes) {
      if (!oversizeReported) notices.add('CAMERA', 'A camera frame was too large to send and was skipped.');
      oversizeReported = true;
      return;
    }
    send({ type: 'video', data, mimeType: 'image/jpeg' });
    ui.cameraStats.textContent = `${camera.sent + 1} frames sent`;
  },
  onEnded: () => {
    stopCamera();
    notices.add('CAMERA', 'The camera stopped (unplugged, or permission withdrawn).');
  },
});
camera.setFps(Number(ui.cameraFps.value));

ui.cameraFps.addEventListener('change', () => camera.setFps(Number(ui.cameraFps.value)));

ui.cameraToggle.addEventListener('click', async () => {
  if (camera.running) {
    stopCamera();
    return;
  }
  ui.cameraToggle.disabled = true;
  try {
    await camera.start();
    ui.cameraPreview.hidden = false;
    setToggle(ui.cameraToggle, true, 'Camera');
  } catch (error) {
    notices.add('CAMERA', `Could not use the camera: ${describeError(error)}`);
  } finally {
    ui.cameraToggle.disabled = !ready;
  }
});

function stopCamera() {
  camera.stop();
  ui.cameraPreview.hidden = true;
  ui.cameraStats.textContent = '';
  setToggle(ui.cameraToggle, false, 'Camera');
}

// ---- Helpers ---------------------------------------------------------------------------------

/**
 * @param {HTMLButtonElement} button
 * @param {boolean} on
 * @param {string} what
 */
function setToggle(button, on, what) {
  button.setAttribute('aria-pressed', String(on));
  button.classList.toggle('on', on);
  const label = button.querySelector('.label');
  if (label) label.textContent = `${what} ${on ? 'on' : 'off'}`;
}

/** @param {unknown} error */
function describeError(error) {
  if (error instanceof DOMException && error.name === 'NotAllowedError') return 'permission was denied.';
  if (error instanceof DOMException && error.name === 'NotFoundError') return 'no device was found.';
  return error instanceof Error ? error.message : String(error);
}
