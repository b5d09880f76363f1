// A GenAIClient whose live sessions never touch a socket: connect() answers `setupComplete` at once,
// and the benchmark can push server messages and count what livetools sends. For measuring the
// library's own cost per emission, without the SDK, JSON or the network.
export function stubGenAI() {
  const sessions = [];
  const client = {
    vertexai: false,
    live: {
      async connect({ callbacks }) {
        const session = {
          toolResponses: 0,
          sendToolResponse(params) {
            session.toolResponses += params.functionResponses.length;
          },
          sendClientContent() {},
          sendRealtimeInput() {},
          close() {
            queueMicrotask(() => callbacks.onclose?.({ code: 1000, reason: '' }));
          },
          /** Delivers a server message to livetools, as the SDK would. */
          receive(message) {
            callbacks.onmessage(message);
          },
        };
        sessions.push(session);
        queueMicrotask(() => callbacks.onmessage({ setupComplete: {} }));
        return session;
      },
    },
  };
  return { client, sessions };
}
