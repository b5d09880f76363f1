/**
 * Model-name handling for profile lookup: reducing the many spellings of one model to a bare,
 * lower-case name, and matching it against a family's names.
 *
 * @packageDocumentation
 */

/**
 * Version-like suffixes a family name may carry: release stages and dates as the Live API names
 * them (`-preview`, `-latest`, `-001`, `-09-2025`, `-04-09`, `-2026-09-15`).
 */
const VERSION_SUFFIXES =
  /^(?:-(?:preview|latest|exp|experimental|\d{3}|\d{2}-\d{2}|\d{2}-\d{4}|\d{4}-\d{2}-\d{2}))*$/;

/**
 * Reduces a model name to the bare, lower-case name the profile table uses: surrounding space, any
 * resource path up to the last `models/` (`models/…`, `publishers/google/models/…`,
 * `projects/…/models/…`) and a Vertex `@version` tag are removed.
 *
 * @example
 * ```ts
 * normalizeModelName(' models/Gemini-3.8-Live '); // 'gemini-3.8-live'
 * normalizeModelName('projects/p/locations/us-central1/publishers/google/models/gemini-3.8-live@001'); // 'gemini-3.8-live'
 * ```
 */
export function normalizeModelName(model: string): string {
  let name = model.trim().toLowerCase();
  const path = name.lastIndexOf('models/');
  if (path !== -1) name = name.slice(path + 'models/'.length);
  const at = name.indexOf('@');
  if (at !== -1) name = name.slice(0, at);
  return name;
}

/**
 * @internal
 * How many characters of `name` the family name `familyName` covers: its length when `name` is
 * that family name plus only version-like suffixes, else 0. Longer matches are more specific.
 */
export function familyMatchLength(name: string, familyName: string): number {
  if (!name.startsWith(familyName)) return 0;
  return VERSION_SUFFIXES.test(name.slice(familyName.length)) ? familyName.length : 0;
}
