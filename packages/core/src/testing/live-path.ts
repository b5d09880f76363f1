/**
 * Routing of Live API upgrade requests.
 *
 * @internal
 * @packageDocumentation
 */

/** The two Live endpoints of the Gemini API. */
export type LiveMethod = 'BidiGenerateContent' | 'BidiGenerateContentConstrained';

/** What the request path says about the connection. */
export interface LiveRoute {
  readonly apiVersion: string;
  readonly method: LiveMethod;
  /** The API key (`?key=`) or ephemeral token (`?access_token=`); `undefined` when absent. */
  readonly credential: string | undefined;
}

const pathPattern =
  /^\/ws\/google\.ai\.generativelanguage\.(v1\w*)\.GenerativeService\.(BidiGenerateContent|BidiGenerateContentConstrained)$/;

/**
 * Parses an upgrade request's URL. The SDK sends a double leading slash (`//ws/...`), so leading
 * slashes are collapsed before routing. Returns `undefined` for any other path.
 *
 * @internal
 */
export function parseLivePath(requestUrl: string, headerKey?: string): LiveRoute | undefined {
  const url = new URL(requestUrl.replace(/^\/+/, '/'), 'http://fake.invalid');
  const match = pathPattern.exec(url.pathname);
  if (!match) return undefined;
  const method = match[2] as LiveMethod;
  const param = method === 'BidiGenerateContentConstrained' ? 'access_token' : 'key';
  return { apiVersion: match[1]!, method, credential: url.searchParams.get(param) ?? headerKey };
}
