// @ts-check
/**
 * The WebSocket to the local console server: `/ws?token=...` on the page's own host and port. When
 * it breaks (the server stopped, the network went away) it reconnects in place, with a growing
 * delay, without reloading the page; a token the server refuses twice in a row is not retried.
 */

/** @typedef {import('../src/web/protocol.js').ServerMessage} ServerMessage */
/** @typedef {import('../src/web/protocol.js').ClientMessage} ClientMessage */

/** The first retry comes after this long; each next one waits twice as long, up to {@link MAX_RETRY_MS}. */
export const FIRST_RETRY_MS = 500;
/** The longest wait between two retries. */
export const MAX_RETRY_MS = 15_000;

/**
 * How a connection ended.
 *
 * @typedef {object} Closed
 * @property {number} code the WebSocket close code (1006 when it never opened or broke off)
 * @property {string} reason the close reason, possibly empty
 * @property {boolean} accessRefused the token was refused (the upgrade was refused by a server that is up)
 * @property {boolean} opened whether this connection had opened
 * @property {number | undefined} retryInMs when the next attempt is made; undefined when none is
 * @property {number} attempt how many attempts failed in a row (0 after a connection that opened)
 */

/**
 * @typedef {object} ConnectionHandlers
 * @property {() => void} onOpen
 * @property {(message: ServerMessage) => void} onMessage
 * @property {(closed: Closed) => void} onClose
 * @property {(attempt: number) => void} onRetry an attempt starts now
 */

/**
 * The delay before retry number `attempt` (1, 2, ...): 0.5 s, 1 s, 2 s ... up to 15 s, each
 * within ±20% so that several pages do not retry in step.
 *
 * @param {number} attempt
 * @param {number} [random] a number in [0, 1)
 * @returns {number}
 */
export function retryDelay(attempt, random = Math.random()) {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random));
}

export class Connection {
  /**
   * @param {string} token
   * @param {ConnectionHandlers} handlers
   */
  constructor(token, handlers) {
    this.handlers = handlers;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.url = `${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`;
    /** Failed attempts in a row. */
    this.failures = 0;
    /**
     * The last attempt failed while the server answered HTTP. Once is not proof of a refused token:
     * the server may have come back between the failed attempt and the check.
     */
    this.answeredOnce = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retryTimer = undefined;
    /** @type {WebSocket} */
    this.socket = this.connect();
  }

  /** @returns {WebSocket} */
  connect() {
    const socket = new WebSocket(this.url);
    let opened = false;
    socket.addEventListener('open', () => {
      opened = true;
      this.failures = 0;
      this.answeredOnce = false;
      this.handlers.onOpen();
    });
    socket.addEventListener('message', (event) => this.receive(event));
    socket.addEventListener('close', (event) => void this.closed(socket, event, opened));
    return socket;
  }

  /** Whether messages can be sent now. */
  get open() {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Bytes queued in the socket but not yet sent. */
  get bufferedAmount() {
    return this.socket.bufferedAmount;
  }

  /**
   * Sends one message; returns false (and sends nothing) when the socket is not open.
   *
   * @param {ClientMessage} message
   * @returns {boolean}
   */
  send(message) {
    if (!this.open) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Connects again now, without waiting for the next retry (the Reconnect button). */
  retryNow() {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.handlers.onRetry(this.failures + 1);
    this.socket = this.connect();
  }

  /** @param {MessageEvent} event */
  receive(event) {
    if (typeof event.data !== 'string') return;
    /** @type {unknown} */
    let parsed;
    try {
      parsed = JSON.parse(event.data);
    } catch {
      console.warn('console: a server message was not JSON', event.data.slice(0, 200));
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || typeof Reflect.get(parsed, 'type') !== 'string') {
      console.warn('console: a server message had no type', parsed);
      return;
    }
    this.handlers.onMessage(/** @type {ServerMessage} */ (parsed));
  }

  /**
   * @param {WebSocket} socket the socket that closed
   * @param {CloseEvent} event
   * @param {boolean} opened
   */
  async closed(socket, event, opened) {
    // A 401 on the HTTP upgrade reaches the page only as code 1006, like a server that is down.
    // Tell them apart by asking for this page again: a server that answers but refused the upgrade
    // refused the token (its other refusals, a wrong path or origin, cannot happen to the page it
    // served).
    const answers = !opened && event.code === 1006 && (await serverAnswers());
    // the user pressed Reconnect meanwhile: the newer socket reports for itself
    if (socket !== this.socket) return;
    // A server that came back just after the attempt failed answers too: try again at once, and
    // call it a refusal only when the server answers after two failed attempts in a row.
    if (answers && !this.answeredOnce) {
      this.answeredOnce = true;
      this.failures++;
      this.retryNow();
      return;
    }
    this.answeredOnce = false;
    const accessRefused = answers;
    // The live session ended on its own (1000): that is the end, until the user reconnects.
    const retry = !accessRefused && event.code !== 1000;
    if (!opened) this.failures++;
    const attempt = opened ? 1 : this.failures + 1;
    const retryInMs = retry ? retryDelay(attempt) : undefined;
    this.handlers.onClose({
      code: event.code,
      reason: event.reason,
      accessRefused,
      opened,
      retryInMs,
      attempt: this.failures,
    });
    if (retryInMs === undefined) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.retryNow(), retryInMs);
  }
}

/**
 * Whether the server that served this page still answers HTTP.
 *
 * @returns {Promise<boolean>}
 */
async function serverAnswers() {
  try {
    const response = await fetch(location.pathname, { method: 'HEAD', cache: 'no-store' });
    return response.status < 500;
  } catch {
    return false;
  }
}
