/** Characters that separate words in a provider's error text; symbol characters (`.:-_/^=`) are not among them. */
const SEPARATORS = /[\s"'`,;()[\]{}<>|]+/;

/**
 * The words of a provider's error text, as exact candidates for symbol names: split on spaces,
 * quotes, brackets and commas, with sentence punctuation removed from their ends. Case is kept,
 * so the article "a" never names the symbol `A`.
 *
 * @internal
 * @example
 * ```ts
 * symbolsNamedIn('Symbol "BRK.B." is not supported.'); // Set { 'Symbol', 'BRK.B', 'is', 'not', 'supported' }
 * symbolsNamedIn('Invalid symbol MSFT').has('A'); // false
 * ```
 */
export function symbolsNamedIn(text: string): Set<string> {
  const words = new Set<string>();
  for (const part of text.split(SEPARATORS)) {
    const word = part.replace(/^[.:!?]+|[.:!?]+$/g, '');
    if (word) words.add(word);
  }
  return words;
}

/**
 * Text of a value from a provider's message, for an error message: strings as they are (clipped to
 * 300 characters), anything else as JSON; never throws, whatever the value.
 *
 * @internal
 * @example
 * ```ts
 * providerText({ toString: 1 }); // '{"toString":1}'
 * ```
 */
export function providerText(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else {
    try {
      text = JSON.stringify(value) ?? '';
    } catch {
      text = '';
    }
  }
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}
