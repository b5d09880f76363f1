/**
 * The console page's files, served from one folder: nothing outside it, only known file types.
 */
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { answer, securityHeaders } from './answers.js';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

const notFound = { status: 404, message: 'Not found.' } as const;

/**
 * Answers a GET or HEAD for the decoded `path` with the file of that name in `publicDir` (`/` is
 * `/index.html`), 404 for anything outside it or of an unknown type, 405 for other methods.
 * Never rejects: a file that cannot be read is a 404.
 */
export async function serveFile(
  publicDir: string,
  path: string,
  method: string | undefined,
  response: ServerResponse,
): Promise<void> {
  if (method !== 'GET' && method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD', ...securityHeaders }).end();
    return;
  }
  const relative = normalize(path === '/' ? '/index.html' : path).replace(/^([/\\])+/, '');
  const file = join(publicDir, relative);
  const type = contentTypes[extname(file)];
  if (!file.startsWith(publicDir + sep) || type === undefined) return answer(response, notFound);
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return answer(response, notFound);
  }
  response.writeHead(200, { 'content-type': type, ...securityHeaders });
  response.end(method === 'HEAD' ? undefined : body);
}
