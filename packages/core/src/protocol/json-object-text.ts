/**
 * A check that a short text is a JSON object, without parsing it into values.
 *
 * The frame guard (`sdk-frame-guard.ts`) must know that the SDK's `JSON.parse` of a frame will not
 * throw. Parsing the frame to find out cost more than the SDK's own parse that follows it: the
 * first parse of a fresh frame pays for cold code and builds every object and string of the
 * message, only to drop them. Most frames of a session are short (tool calls, turn signals,
 * transcriptions, usage), and for them this scan of the text is the check: no value is built, and
 * it takes half the time of the parse or less (a tool call of 96 characters: 340 ns against 640,
 * warm). A long frame (audio) and any text the scan does not accept go to
 * `JSON.parse` as before, which also words the error. The scan may therefore refuse what
 * `JSON.parse` takes (that only costs the parse), but must never accept what it refuses: the
 * property test in `json-object-text.test.ts` holds it to `JSON.parse` both ways.
 *
 * @packageDocumentation
 */

/**
 * Texts longer than this go to `JSON.parse`: its native scan is faster on long strings (base64
 * audio), where the fixed cost per frame matters less.
 *
 * @internal
 */
export const MAX_SCANNED_CHARS = 1024;

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const SLASH = 0x2f;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const UPPER_E = 0x45;
const LEFT_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const RIGHT_BRACKET = 0x5d;
const LOWER_E = 0x65;
const LEFT_BRACE = 0x7b;
const RIGHT_BRACE = 0x7d;

/** The open containers while scanning: 1 for an object, 2 for an array (never deeper than the text is long). */
const OPEN = new Uint8Array(MAX_SCANNED_CHARS);
const IN_OBJECT = 1;
const IN_ARRAY = 2;

/**
 * @internal
 * True when `text` is a JSON text (ECMA-404, as `JSON.parse` reads it) whose value is an object,
 * and is at most {@link MAX_SCANNED_CHARS} long; false otherwise, including for texts it does not
 * scan. Never throws; builds no value.
 */
export function isJsonObjectText(text: string): boolean {
  const end = text.length;
  if (end > MAX_SCANNED_CHARS) return false;
  let i = skipSpace(text, 0, end);
  if (text.charCodeAt(i) !== LEFT_BRACE) return false;
  let depth = 0;
  for (;;) {
    // A value starts at i.
    const c = text.charCodeAt(i);
    if (c === LEFT_BRACE) {
      i = skipSpace(text, i + 1, end);
      if (text.charCodeAt(i) === RIGHT_BRACE) i += 1;
      else {
        OPEN[depth++] = IN_OBJECT;
        i = memberValue(text, i, end);
        if (i < 0) return false;
        continue;
      }
    } else if (c === LEFT_BRACKET) {
      i = skipSpace(text, i + 1, end);
      if (text.charCodeAt(i) === RIGHT_BRACKET) i += 1;
      else {
        OPEN[depth++] = IN_ARRAY;
        continue;
      }
    } else if (c === QUOTE) i = afterString(text, i, end);
    else if (c === MINUS || (c >= ZERO && c <= NINE)) i = afterNumber(text, i, end);
    else if (text.startsWith('true', i) || text.startsWith('null', i)) i += 4;
    else if (text.startsWith('false', i)) i += 5;
    else return false;
    if (i < 0) return false;
    // After a value: the containers it closes, then a comma and the next value, or the end.
    for (;;) {
      i = skipSpace(text, i, end);
      if (depth === 0) return i === end;
      const next = text.charCodeAt(i);
      const open = OPEN[depth - 1];
      if (next === COMMA) {
        i = skipSpace(text, i + 1, end);
        if (open === IN_OBJECT) {
          i = memberValue(text, i, end);
          if (i < 0) return false;
        }
        break;
      }
      if (next !== (open === IN_OBJECT ? RIGHT_BRACE : RIGHT_BRACKET)) return false;
      depth -= 1;
      i += 1;
    }
  }
}

/** `i` at a member's key: the index of its value (spaces skipped), or -1. */
function memberValue(text: string, i: number, end: number): number {
  if (text.charCodeAt(i) !== QUOTE) return -1;
  i = afterString(text, i, end);
  if (i < 0) return -1;
  i = skipSpace(text, i, end);
  if (text.charCodeAt(i) !== COLON) return -1;
  return skipSpace(text, i + 1, end);
}

function skipSpace(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== LF && c !== CR && c !== TAB) break;
    i += 1;
  }
  return i;
}

/** A run of string characters that need no second look: not a quote, a backslash or a control character. */
const PLAIN_RUN = /[^"\\\u0000-\u001f]*/y;

/** `i` at an opening quote: the index after the closing one, or -1. */
function afterString(text: string, i: number, end: number): number {
  i += 1;
  for (;;) {
    // Runs of plain characters are skipped by the regular expression engine (native, like JSON.parse).
    PLAIN_RUN.lastIndex = i;
    PLAIN_RUN.test(text);
    i = PLAIN_RUN.lastIndex;
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c !== BACKSLASH) return -1; // a control character, or the end of the text
    i += 1;
    const e = text.charCodeAt(i);
    if (e === 0x75 /* u */) {
      if (i + 4 >= end) return -1;
      for (let k = 1; k <= 4; k += 1) if (!isHex(text.charCodeAt(i + k))) return -1;
      i += 5;
    } else if (
      e === QUOTE ||
      e === BACKSLASH ||
      e === SLASH ||
      e === 0x62 /* b */ ||
      e === 0x66 /* f */ ||
      e === 0x6e /* n */ ||
      e === 0x72 /* r */ ||
      e === 0x74 /* t */
    ) {
      i += 1;
    } else {
      return -1;
    }
  }
}

function isHex(c: number): boolean {
  return (c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** `i` at a number's first character: the index after it, or -1. */
function afterNumber(text: string, i: number, end: number): number {
  if (text.charCodeAt(i) === MINUS) i += 1;
  const first = text.charCodeAt(i);
  if (first === ZERO) i += 1;
  else if (first > ZERO && first <= NINE) i = afterDigits(text, i, end);
  else return -1;
  if (text.charCodeAt(i) === DOT) {
    const from = i + 1;
    i = afterDigits(text, from, end);
    if (i === from) return -1;
  }
  const e = text.charCodeAt(i);
  if (e === LOWER_E || e === UPPER_E) {
    i += 1;
    const sign = text.charCodeAt(i);
    if (sign === PLUS || sign === MINUS) i += 1;
    const from = i;
    i = afterDigits(text, from, end);
    if (i === from) return -1;
  }
  return i;
}

function afterDigits(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) break;
    i += 1;
  }
  return i;
}
