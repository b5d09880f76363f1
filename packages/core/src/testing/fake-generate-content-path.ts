/**
 * Routing of `generateContent` requests.
 *
 * @internal
 * @packageDocumentation
 */

import { parseRequestTarget } from './live-path.js';

/** The two content generation methods the fake answers. @internal */
export type GenerateContentMethod = 'generateContent' | 'streamGenerateContent';

/** What the request path says about a content generation request. @internal */
export interface GenerateContentRoute {
  /** `v1`, `v1beta`, `v1alpha`... */
  readonly apiVersion: string;
  /** The model resource name: `models/<name>` or `tunedModels/<name>`. */
  readonly model: string;
  readonly method: GenerateContentMethod;
  /** The API key from `x-goog-api-key`, else from `?key=`; `undefined` when absent. */
  readonly credential: string | undefined;
  /** `true` when the client asked for server-sent events (`?alt=sse`). */
  readonly sse: boolean;
}

const pathPattern = /^\/(v1\w*)\/((?:models|tunedModels)\/[^/:]+):(generateContent|streamGenerateContent)$/;

/**
 * Parses a request URL such as `/v1beta/models/gemini-3.8-flash:generateContent`. Returns
 * `undefined` for any other path, malformed or undecodable ones included: it never throws.
 *
 * @internal
 */
export function parseGenerateContentPath(
  requestUrl: string,
  headerKey?: string,
): GenerateContentRoute | undefined {
  const url = parseRequestTarget(requestUrl);
  if (url === undefined) return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  const match = pathPattern.exec(pathname);
  if (!match) return undefined;
  return {
    apiVersion: match[1]!,
    model: match[2]!,
    method: match[3] as GenerateContentMethod,
    credential: headerKey ?? url.searchParams.get('key') ?? undefined,
    sse: url.searchParams.get('alt') === 'sse',
  };
}
