import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.ts';

/**
 * Sent with every answer: what Hono's secureHeaders sets by default, with
 * Cross-Origin-Resource-Policy at same-origin (the dashboard and docs load only our own assets).
 */
export const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
];

/** A client's own request id is kept when it is short and plain; otherwise we make one. */
const CLIENT_ID = /^[\w\-=]{1,255}$/;

/** The Node response under @hono/node-server, while its headers can still be set. */
function nodeResponse(c: Context): ServerResponse | undefined {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  return outgoing && typeof outgoing.setHeader === 'function' && !outgoing.headersSent ? outgoing : undefined;
}

/**
 * The headers every answer carries: the security headers and `X-Request-Id` (the client's, when
 * it sent a plain one, or a new UUID; also on the context for error bodies and logs).
 *
 * Under @hono/node-server they are set on the Node response before the handler runs; Node merges
 * them into whatever the app answers, the app's own headers winning. Setting them on the finished
 * response instead (as Hono's secureHeaders and requestId do) turns each answer into a full
 * Response object with undici Headers, which cost a cached trends answer a fifth of its
 * throughput (README, benchmarks). Elsewhere (app.request in tests, other runtimes) they are set
 * on the finished response.
 */
export function standardHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const sent = c.req.header('x-request-id');
    const id = sent !== undefined && CLIENT_ID.test(sent) ? sent : randomUUID();
    c.set('requestId', id);
    const outgoing = nodeResponse(c);
    if (outgoing) {
      for (const [name, value] of SECURITY_HEADERS) outgoing.setHeader(name, value);
      outgoing.setHeader('X-Request-Id', id);
      return next();
    }
    await next();
    const headers = c.res.headers;
    for (const [name, value] of SECURITY_HEADERS) headers.set(name, value);
    headers.set('X-Request-Id', id);
  };
}
