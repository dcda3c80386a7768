import { createMiddleware } from 'hono/factory';
import { AppError } from './errors.ts';

/** A NUL character, raw or as a JSON escape: PostgreSQL text cannot hold one. */
const JSON_NUL = /\\u0000/i;

/**
 * Refuses a NUL character in any query parameter or JSON body field with a 400 naming where it
 * is, before a route or the database sees it (PostgreSQL rejects NUL in text, which would
 * otherwise surface as a 500).
 */
export function refuseNul() {
  return createMiddleware(async (c, next) => {
    const url = c.req.url;
    const q = url.indexOf('?');
    if (q >= 0 && /%00|\0/.test(url.slice(q))) {
      for (const [name, value] of new URL(url).searchParams) {
        if (name.includes('\0') || value.includes('\0'))
          throw new AppError(400, 'invalid_parameter', `${name.replace(/\0/g, '\\0').slice(0, 60)}: contains a NUL character`);
      }
    }
    const type = c.req.header('content-type') ?? '';
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && /json/i.test(type)) {
      const body = await c.req.text();
      if (body.includes('\0') || JSON_NUL.test(body)) {
        let where = 'body';
        try {
          where = nulPath(JSON.parse(body)) ?? 'body';
        } catch {
          // not JSON at all: the route's validation says so; the NUL is reason enough here
        }
        throw new AppError(400, 'invalid_parameter', `${where}: contains a NUL character`);
      }
    }
    await next();
  });
}

/** The dotted path of the first string (or key) holding a NUL in a parsed JSON value. */
function nulPath(v: unknown, path = ''): string | undefined {
  if (typeof v === 'string') return v.includes('\0') ? path || 'body' : undefined;
  if (!v || typeof v !== 'object') return undefined;
  for (const [k, child] of Object.entries(v)) {
    const here = path ? `${path}.${k}` : k;
    if (k.includes('\0')) return here.replace(/\0/g, '\\0');
    const found = nulPath(child, here);
    if (found) return found;
  }
  return undefined;
}
