/**
 * Why the agent could not open its Live session, in words a user can act on: the network, the API
 * key or the model, instead of a stack trace that blames the key for every failure.
 */

/** What went wrong when connecting. */
export type ConnectFailureKind = 'network' | 'key' | 'model' | 'other';

/**
 * The agent could not open its Live session. `kind` says which it is; `message` says what to do.
 *
 * @example
 * ```ts
 * try {
 *   await agent.connect();
 * } catch (error) {
 *   const failure = ConnectFailure.from(error, { model: 'gemini-3.8-live', mode: 'gemini' });
 *   console.error(failure.message); // 'Cannot reach the Gemini Live API: ...'
 * }
 * ```
 */
export class ConnectFailure extends Error {
  override readonly name = 'ConnectFailure';
  /** Stable code: `CONNECT_NETWORK`, `CONNECT_KEY`, `CONNECT_MODEL` or `CONNECT_OTHER`. */
  readonly code: `CONNECT_${Uppercase<ConnectFailureKind>}`;

  constructor(
    /** Which it is: the network, the key, the model, or something else. */
    readonly kind: ConnectFailureKind,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
    this.code = `CONNECT_${kind.toUpperCase() as Uppercase<ConnectFailureKind>}`;
  }

  /**
   * Classifies whatever `connect()` threw (a `LivetoolsError` from `@livetools/core`, or anything)
   * by its message and its causes'. Never throws.
   */
  static from(
    error: unknown,
    about: { readonly model: string; readonly mode: 'gemini' | 'simulator' },
  ): ConnectFailure {
    const detail = describeChain(error);
    const where = about.mode === 'simulator' ? 'the offline simulator' : 'the Gemini Live API';
    if (networkProblem.test(detail)) {
      return new ConnectFailure(
        'network',
        `Cannot reach ${where}: the network is unreachable (${networkReason(detail)}). ` +
          'The API key was not checked. Check the connection (or a proxy or firewall) and try again; ' +
          'without GEMINI_API_KEY the offline simulator runs instead.',
        { cause: error },
      );
    }
    if (/api[ _]?key|API_KEY_INVALID|permission|unauthenticated|credential/i.test(detail)) {
      return new ConnectFailure(
        'key',
        `${capitalized(where)} refused the API key (${closeReason(detail)}). ` +
          'Check GEMINI_API_KEY (a key from Google AI Studio), or unset it to use the offline simulator.',
        { cause: error },
      );
    }
    if (/CONNECT_TIMEOUT|did not complete the setup within/i.test(detail)) {
      return new ConnectFailure(
        'network',
        `${capitalized(where)} did not answer in time (${firstLine(detail)}). ` +
          'The network may be slow or blocked; try again.',
        { cause: error },
      );
    }
    if (/not found|not supported|unknown model|invalid model/i.test(closeReason(detail))) {
      return new ConnectFailure(
        'model',
        `${capitalized(where)} does not know the model ${about.model}, or it does not support the Live API ` +
          `(${closeReason(detail)}). Set LIVETOOLS_MODEL to a Live model (docs/guide/models.md lists them).`,
        { cause: error },
      );
    }
    return new ConnectFailure('other', `Could not connect to ${where}: ${firstLine(detail)}`, {
      cause: error,
    });
  }
}

const networkProblem =
  /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ENETDOWN|EPIPE|socket hang up|fetch failed|getaddrinfo)\b/i;

/** The error's message and its causes' messages, joined; never throws. */
function describeChain(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    try {
      if (current instanceof Error) {
        const code = (current as { code?: unknown }).code;
        parts.push(`${typeof code === 'string' ? `${code}: ` : ''}${current.message}`);
        current = current.cause;
      } else {
        parts.push(String(current));
        current = undefined;
      }
    } catch {
      parts.push('an error that cannot be described');
      current = undefined;
    }
  }
  return parts.join(' / ') || 'an unknown error (nothing was thrown with it)';
}

/** `getaddrinfo ENOTFOUND host` or `connect ECONNREFUSED 127.0.0.1:9` out of the detail. */
function networkReason(detail: string): string {
  const match =
    /(getaddrinfo \S+ \S+|connect \S+ \S+|\b(?:ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ENETDOWN)\b[^).;]*)/i.exec(
      detail,
    );
  return match?.[1]?.trim() ?? firstLine(detail);
}

/** The server's close reason (`code 1008: API key not valid.`), else the first line. */
function closeReason(detail: string): string {
  const match = /\((code \d+: [^)]*)\)/.exec(detail);
  return match?.[1] ?? firstLine(detail);
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? text;
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

function capitalized(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}
