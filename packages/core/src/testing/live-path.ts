/**
 * Routing of Live API upgrade requests.
 *
 * @internal
 * @packageDocumentation
 */

/** The two Live endpoints of the Gemini API (Vertex AI has one, `BidiGenerateContent`). */
export type LiveMethod = 'BidiGenerateContent' | 'BidiGenerateContentConstrained';

/** Which API a connection speaks: the Gemini Developer API, or Vertex AI (`LlmBidiService`). */
export type LivePlatform = 'gemini-api' | 'vertex-ai';

/** What the request path says about the connection. */
export interface LiveRoute {
  readonly apiVersion: string;
  readonly method: LiveMethod;
  /** The API key (`?key=`, or the `x-goog-api-key` header) or ephemeral token (`?access_token=`); `undefined` when absent. */
  readonly credential: string | undefined;
  /** The Gemini API, or Vertex AI (reached by the SDK with `vertexai: true` and an API key). */
  readonly platform: LivePlatform;
}

const pathPattern =
  /^\/ws\/google\.ai\.generativelanguage\.(v1\w*)\.GenerativeService\.(BidiGenerateContent|BidiGenerateContentConstrained)$/;
const vertexPattern = /^\/ws\/google\.cloud\.aiplatform\.(v1\w*)\.LlmBidiService\/BidiGenerateContent$/;

/**
 * Parses an upgrade request's URL. The SDK sends a double leading slash (`//ws/...`), so leading
 * slashes are collapsed before routing. Returns `undefined` for any other path, malformed ones
 * included (`http://[`): it never throws.
 *
 * @internal
 */
export function parseLivePath(requestUrl: string, headerKey?: string): LiveRoute | undefined {
  const url = parseRequestTarget(requestUrl);
  if (url === undefined) return undefined;
  const vertex = vertexPattern.exec(url.pathname);
  if (vertex) {
    // Vertex AI express mode: the SDK sends the API key in the x-goog-api-key header.
    return {
      apiVersion: vertex[1]!,
      method: 'BidiGenerateContent',
      credential: headerKey,
      platform: 'vertex-ai',
    };
  }
  const match = pathPattern.exec(url.pathname);
  if (!match) return undefined;
  const method = match[2] as LiveMethod;
  const param = method === 'BidiGenerateContentConstrained' ? 'access_token' : 'key';
  return {
    apiVersion: match[1]!,
    method,
    credential: url.searchParams.get(param) ?? headerKey,
    platform: 'gemini-api',
  };
}

/**
 * Parses a request target (`/path?query`, or the absolute form `http://host/path`) with leading
 * slashes collapsed. Returns `undefined` when it is not a URL (`http://[`), instead of throwing:
 * the target comes from whoever connects.
 *
 * @internal
 */
export function parseRequestTarget(requestUrl: string): URL | undefined {
  const target = requestUrl.replace(/^\/+/, '/');
  const base = 'http://fake.invalid';
  return URL.canParse(target, base) ? new URL(target, base) : undefined;
}

/** The first value of an HTTP header that may be repeated. @internal */
export function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
