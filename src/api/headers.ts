import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.ts';

type HeaderList = readonly (readonly [string, string])[];

/**
 * Sent with every answer: the set OWASP's REST Security Cheat Sheet gives for API responses. No
 * sniffing a JSON or CSV answer into something runnable, no framing it, no loading it from other
 * sites' pages, HTTPS remembered.
 */
export const API_HEADERS: HeaderList = [
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
];

/**
 * The policy of every HTML page (dashboard, reaction pages, docs, HTML digests): scripts only
 * from Pulse's own files (no inline script runs, so an escaping slip cannot become script), no
 * plugins, no <base> rewriting, forms post only here. Inline styles stay allowed: the digest
 * carries its stylesheet inline so it reads the same when saved, and uPlot sizes its canvas with
 * style attributes.
 */
export const HTML_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * Added to HTML pages (dashboard, docs, HTML digests): the headers that only mean something to a
 * document a browser renders (Hono's secureHeaders defaults), and a CSP of their own (HTML_CSP):
 * the API policy's would block a page's own scripts and styles.
 */
export const DOCUMENT_HEADERS: HeaderList = [
  ['Content-Security-Policy', HTML_CSP],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
];

const FOR_API: ReadonlyMap<string, string> = new Map(API_HEADERS);
const FOR_HTML: ReadonlyMap<string, string> = new Map([...API_HEADERS, ...DOCUMENT_HEADERS]);

/** The headers an answer of this content type carries (document headers win for HTML). */
export function securityHeaders(contentType: string | null | undefined): ReadonlyMap<string, string> {
  return contentType?.startsWith('text/html') ? FOR_HTML : FOR_API;
}

const API_OBJECT: Readonly<Record<string, string>> = Object.fromEntries(API_HEADERS);
const HTML_OBJECT: Readonly<Record<string, string>> = Object.fromEntries(FOR_HTML);

/**
 * The standard headers of an answer of `contentType` as a plain object, for a route that builds
 * its own Response (cached reads): @hono/node-server then writes them with the rest in one pass.
 * Marks the context so standardHeaders does not set them again.
 */
export function inlineStandardHeaders(c: Context, contentType?: string): Record<string, string> {
  c.set('headersInline', true);
  return { ...(contentType?.startsWith('text/html') ? HTML_OBJECT : API_OBJECT), 'X-Request-Id': c.get('requestId') };
}

/**
 * A client's own request id is kept when it is a short plain token (letters, digits, `_ . = -`,
 * at most 64); anything else (spaces, quotes, control or non-ASCII characters, a 200-character
 * value) is replaced by a UUID, so a client cannot put text of its choosing into every log line.
 */
export const CLIENT_ID = /^[A-Za-z0-9_.=-]{1,64}$/;

/** The Node response under @hono/node-server, while its headers can still be set. */
function nodeResponse(c: Context): ServerResponse | undefined {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  return outgoing && typeof outgoing.setHeader === 'function' && !outgoing.headersSent ? outgoing : undefined;
}

/**
 * The headers every answer carries: the security headers for its kind (API or HTML page) and
 * `X-Request-Id` (the client's, when it sent a plain one, or a new UUID; also on the context for
 * error bodies and logs).
 *
 * Under @hono/node-server they are set on the Node response once the app has answered (Node
 * merges them into the answer's own headers, which win), unless the route put them in its answer
 * already ({@link inlineStandardHeaders}). Setting them on the finished Response instead (as
 * Hono's secureHeaders and requestId do) turns each answer into a full Response object with
 * undici Headers, which cost a cached trends answer a fifth of its throughput (README,
 * benchmarks). Elsewhere (app.request in tests, other runtimes) they are set on the Response.
 */
export function standardHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const sent = c.req.header('x-request-id');
    const id = sent !== undefined && CLIENT_ID.test(sent) ? sent : randomUUID();
    c.set('requestId', id);
    await next();
    if (c.get('headersInline')) return;
    const headers = securityHeaders(c.res.headers.get('content-type'));
    // Node has not written the head yet: @hono/node-server writes once the app has answered
    const outgoing = nodeResponse(c);
    const set = outgoing
      ? (name: string, value: string) => outgoing.setHeader(name, value)
      : (name: string, value: string) => void (c.res.headers.has(name) || c.res.headers.set(name, value));
    for (const [name, value] of headers) set(name, value);
    set('X-Request-Id', id);
  };
}
