/** Test support for non-json-frame.test.ts: frames a Live server might send that are not JSON objects. */

/** The frames the child sends before its tool call: none of them is a JSON object. */
export const badFrames: readonly string[] = [
  '{"serverContent": {"modelTurn": {"parts": [{"text": "cut off',
  '',
  'not json at all',
  '{"toolCall": {"functionCalls": [{"id": "x", "name": "echo", "args": {}}]}}}',
  'null',
  '42',
  '"a string"',
  '[{"setupComplete": {}}]',
  '\u00ff\u00fe{',
];
