/** What the page exposes globally: the last server messages, for debugging and browser tests. */
interface Window {
  __console: { messages: import('../src/web/protocol.js').ServerMessage[] };
}
