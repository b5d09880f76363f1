import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJsonObjectText, MAX_SCANNED_CHARS } from './json-object-text.js';

/** What the scan must say: `JSON.parse` reads `text` without throwing, and its value is an object. */
function parsesToObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** Characters that matter to JSON's grammar, plus whitespace JSON does and does not allow, controls and non-ASCII. */
const ALPHABET = [
  ...'{}[]",:\\/ubfnrt0123456789eE+-.aAfFxlsn',
  ' ',
  '\t',
  '\n',
  '\r',
  '\u000b',
  '\u000c',
  '\u00a0',
  '\ufeff',
  '\u0000',
  '\u001f',
  '\u007f',
  'é',
  '\ud83d',
  '\ude00',
];
/** Mostly the characters above; now and then any UTF-16 code unit at all. */
const jsonChar = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom(...ALPHABET) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);

/** A JSON text (any value, compact or indented), as the server or a hostile proxy would write one. */
const jsonText = fc
  .tuple(fc.jsonValue({ maxDepth: 6 }), fc.constantFrom(undefined, 0, 1, 2, '\t'), fc.boolean())
  .map(([value, indent, wrap]) => JSON.stringify(wrap ? { value } : value, null, indent));

/** Edits that break (or keep) a valid text: a character inserted, removed or replaced. */
const edited = fc
  .tuple(
    jsonText,
    fc.array(fc.tuple(fc.constantFrom('insert', 'remove', 'replace'), fc.nat(), jsonChar), {
      minLength: 1,
      maxLength: 3,
    }),
  )
  .map(([text, edits]) => {
    let out = text;
    for (const [kind, at, c] of edits) {
      const i = out.length === 0 ? 0 : at % (out.length + (kind === 'insert' ? 1 : 0));
      if (kind === 'insert') out = out.slice(0, i) + c + out.slice(i);
      else if (kind === 'remove') out = out.slice(0, i) + out.slice(i + 1);
      else out = out.slice(0, i) + c + out.slice(i + 1);
    }
    return out;
  });

const RUNS = Number(process.env.LIVETOOLS_PROPERTY_RUNS ?? 400);

describe('isJsonObjectText', () => {
  it('agrees with JSON.parse on valid JSON texts of every kind of value', () => {
    fc.assert(
      fc.property(jsonText, (text) => {
        fc.pre(text.length <= MAX_SCANNED_CHARS);
        expect(isJsonObjectText(text)).toBe(parsesToObject(text));
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it('agrees with JSON.parse on texts one to three edits away from valid JSON', () => {
    fc.assert(
      fc.property(edited, (text) => {
        fc.pre(text.length <= MAX_SCANNED_CHARS);
        expect(isJsonObjectText(text)).toBe(parsesToObject(text));
      }),
      { numRuns: RUNS * 25 },
    );
  });

  it('agrees with JSON.parse on strings of JSON characters', () => {
    fc.assert(
      fc.property(fc.array(jsonChar, { maxLength: 40 }), (chars) => {
        const text = `{${chars.join('')}`;
        expect(isJsonObjectText(text)).toBe(parsesToObject(text));
      }),
      { numRuns: RUNS * 25 },
    );
  });

  it.each([
    '{}',
    ' \t\r\n{ } \n',
    '{"toolCall":{"functionCalls":[{"id":"c1","name":"add","args":{"a":1,"b":-2.5e-3}}]}}',
    '{"a":"\\u00e9\\n\\"\\\\\\/\\b\\f\\r\\t"}',
    '{"a":"\ud800 lone surrogates \udc00 are JSON"}',
    '{"a":[[],{},[{}],-0,0.5,1E+2,1e-0,true,false,null]}',
    '{"a":1,"a":2}',
    '{"__proto__":{}}',
  ])('accepts %j', (text) => {
    expect(parsesToObject(text)).toBe(true);
    expect(isJsonObjectText(text)).toBe(true);
  });

  it.each([
    '',
    '[]',
    '"{}"',
    'null',
    '\ufeff{}',
    '\u00a0{}',
    '{}x',
    '{},',
    '{"a":1,}',
    '{"a":[1,]}',
    '{"a" 1}',
    '{a:1}',
    "{'a':1}",
    '{"a":01}',
    '{"a":1.}',
    '{"a":.5}',
    '{"a":+1}',
    '{"a":-}',
    '{"a":1e}',
    '{"a":1e+}',
    '{"a":0x10}',
    '{"a":NaN}',
    '{"a":Infinity}',
    '{"a":tru}',
    '{"a":nul}',
    '{"a":"\\u12"}',
    '{"a":"\\u12g4"}',
    '{"a":"\\x41"}',
    '{"a":"\\',
    '{"a":"tab\tinside"}',
    '{"a":"nul\u0000inside"}',
    '{"a":"unterminated}',
    '{"a":[}',
    '{"a":{]}',
    '{"a":1}}',
    '{"a":1',
  ])('refuses %j, as JSON.parse does', (text) => {
    expect(parsesToObject(text)).toBe(false);
    expect(isJsonObjectText(text)).toBe(false);
  });

  it('accepts nesting as deep as the length allows', () => {
    const depth = (MAX_SCANNED_CHARS - 6) / 2;
    const deep = `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    expect(deep.length).toBeLessThanOrEqual(MAX_SCANNED_CHARS);
    expect(parsesToObject(deep)).toBe(true);
    expect(isJsonObjectText(deep)).toBe(true);
    expect(isJsonObjectText(`{"a":${'['.repeat(depth)}${']'.repeat(depth - 1)}}`)).toBe(false);
  });

  it('leaves texts longer than MAX_SCANNED_CHARS to JSON.parse', () => {
    const long = `{"data":"${'A'.repeat(MAX_SCANNED_CHARS)}"}`;
    expect(parsesToObject(long)).toBe(true);
    expect(isJsonObjectText(long)).toBe(false);
    const longest = `{"data":"${'A'.repeat(MAX_SCANNED_CHARS - 11)}"}`;
    expect(longest.length).toBe(MAX_SCANNED_CHARS);
    expect(isJsonObjectText(longest)).toBe(true);
  });
});
