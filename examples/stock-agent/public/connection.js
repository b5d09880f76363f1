// @ts-check
/** The WebSocket to the local console server: `/ws?token=...` on the page's own host and port. */

/** @typedef {import('../src/web/protocol.js').ServerMessage} ServerMessage */
/** @typedef {import('../src/web/protocol.js').ClientMessage} ClientMessage */

/**
 * How the connection ended.
 *
 * @typedef {object} Closed
 * @property {number} code the WebSocket close code (1006 when it never opened or broke off)
 * @property {string} reason the close reason, possibly empty
 * @property {boolean} accessRefused the token was refused (the upgrade was refused by a server that is up)
 * @property {boolean} everOpened
 */

/**
 * @typedef {object} ConnectionHandlers
 * @property {() => void} onOpen
 * @property {(message: ServerMessage) => void} onMessage
 * @property {(closed: Closed) => void} onClose
 */

export class Connection {
  /**
   * @param {string} token
   * @param {ConnectionHandlers} handlers
   */
  constructor(token, handlers) {
    this.token = token;
    this.handlers = handlers;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.url = `${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`;
    this.everOpened = false;
    this.socket = new WebSocket(this.url);
    this.socket.addEventListener('open', () => {
      this.everOpened = true;
      handlers.onOpen();
    });
    this.socket.addEventListener('message', (event) => this.receive(event));
    this.socket.addEventListener('close', (event) => void this.closed(event));
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

  /** @param {CloseEvent} event */
  async closed(event) {
    let accessRefused = false;
    // A 401 on the HTTP upgrade reaches the page only as code 1006, like a server that is down.
    // Tell them apart by asking for this page again: a server that answers but refused the upgrade
    // refused the token (its other refusals, a wrong path or origin, cannot happen to the page it
    // served).
    if (!accessRefused && !this.everOpened && event.code === 1006) accessRefused = await serverAnswers();
    this.handlers.onClose({
      code: event.code,
      reason: event.reason,
      accessRefused,
      everOpened: this.everOpened,
    });
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
