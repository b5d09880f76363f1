/**
 * The checks every request to the console server passes first, files and WebSocket upgrades alike:
 * a request target that parses, and a `Host` the server is reachable as.
 */
import type { IncomingMessage } from 'node:http';
import type { Refusal } from './answers.js';
import type { ReachableHosts } from './reachable-hosts.js';
import { type ParsedTarget, parseRequestTarget } from './request-target.js';

/** A request refused before routing. */
export type RefusedRequest = Refusal & { readonly ok: false };

/**
 * The parsed target of a request whose target and `Host` are acceptable, or the refusal to answer
 * with: 400 or 414 for a malformed target, 400 without a `Host`, 421 for a foreign `Host` (a
 * DNS-rebinding page reaches the server under its own name). Never throws.
 */
export function admit(request: IncomingMessage, hosts: ReachableHosts): ParsedTarget | RefusedRequest {
  const target = parseRequestTarget(request.url);
  if (!target.ok) return target;
  const host = request.headers.host;
  if (host === undefined || host === '') {
    return { ok: false, status: 400, message: 'The request has no Host header.' };
  }
  if (!hosts.allowsHost(host)) {
    return {
      ok: false,
      status: 421,
      message: 'This server does not answer under that host name: open the URL printed by npm start.',
    };
  }
  return target;
}
