/**
 * The console server's one parser of request targets (the `/path?query` of an HTTP request line).
 * It never throws: whatever a client sends, the answer is a parsed target or a status to refuse with.
 */

/** A request target the server can route: its decoded path and its query. */
export interface ParsedTarget {
  readonly ok: true;
  /** The path, percent-decoded (`/ws`, `/index.html`). */
  readonly path: string;
  /** The query parameters (`token`). */
  readonly query: URLSearchParams;
}

/** A request target refused: the status to answer with and a message that says why. */
export interface RefusedTarget {
  readonly ok: false;
  readonly status: 400 | 414;
  readonly message: string;
}

/** Longest request target served. Browsers send far shorter ones to this server. */
export const maxTargetLength = 2048;

const visibleAscii = /^[\x21-\x7e]*$/;
const badPercent = /%(?![0-9A-Fa-f]{2})/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
const controlCharacter = /[\x00-\x1f\x7f]/;

/**
 * Parses a request target. Only the origin form (`/path?query`) is served: the absolute form
 * (`http://host/path`, sent to proxies), the asterisk form (`*`) and the authority form (`host:port`)
 * are refused with 400, as are control characters, spaces, non-ASCII bytes, `#`, malformed
 * percent-encoding (`/%`, `/%zz`), percent-encoding that is not UTF-8 and an encoded control
 * character; a target longer than {@link maxTargetLength} gets 414.
 *
 * @example
 * ```ts
 * const target = parseRequestTarget('/ws?token=abc');
 * if (target.ok) console.log(target.path, target.query.get('token')); // /ws abc
 * parseRequestTarget('//['); // { ok: true, path: '//[', ... }: a path no route has, so 404
 * parseRequestTarget('/%'); // { ok: false, status: 400, ... }
 * ```
 */
export function parseRequestTarget(raw: string | undefined): ParsedTarget | RefusedTarget {
  if (raw === undefined || raw === '') return refuse(400, 'The request has no target.');
  if (raw.length > maxTargetLength) {
    return refuse(414, `The request target is longer than ${maxTargetLength} characters.`);
  }
  if (!raw.startsWith('/')) {
    return refuse(400, 'Only a path and query (/path?query) is served as a request target.');
  }
  if (!visibleAscii.test(raw) || raw.includes('#')) {
    return refuse(400, 'The request target holds a character that must be percent-encoded.');
  }
  if (badPercent.test(raw)) {
    return refuse(
      400,
      "The request target's percent-encoding is malformed: % must be followed by two hex digits.",
    );
  }
  const queryStart = raw.indexOf('?');
  const rawPath = queryStart === -1 ? raw : raw.slice(0, queryStart);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return refuse(400, "The request target's percent-encoding is not UTF-8.");
  }
  if (controlCharacter.test(path)) return refuse(400, 'The request path encodes a control character.');
  return { ok: true, path, query: new URLSearchParams(queryStart === -1 ? '' : raw.slice(queryStart + 1)) };
}

function refuse(status: 400 | 414, message: string): RefusedTarget {
  return { ok: false, status, message };
}
