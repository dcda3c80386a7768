import type { MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';

/** Answers shorter than this go out as they are: compressing them saves less than it costs. */
export const MIN_COMPRESS_BYTES = 1024;

/** Does an Accept-Encoding header take `coding` (listed, or `*`, with q above 0)? */
export function acceptsEncoding(header: string | undefined, coding: string): boolean {
  if (!header) return false;
  let star = false;
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    const ok = q === undefined || Number(q) > 0;
    if (name === coding) return ok;
    if (name === '*') star = ok;
  }
  return star;
}

/**
 * Compression for one route's large answers, for clients that ask for it. `Vary` is set before
 * the handler runs, and a request that accepts no compression skips the work entirely: Hono's
 * compress middleware adds `Vary` after the handler, which rebuilds the response as a stream and
 * takes every such request off @hono/node-server's fast path (for a cached trends answer that
 * was most of its cost; README, benchmarks).
 */
export function compressLarge(): MiddlewareHandler {
  const inner = compress({ threshold: MIN_COMPRESS_BYTES });
  return async (c, next) => {
    c.header('Vary', 'Accept-Encoding');
    const accepted = c.req.header('accept-encoding');
    if (!acceptsEncoding(accepted, 'gzip') && !acceptsEncoding(accepted, 'deflate')) return next();
    return inner(c, next);
  };
}

/** Whether an If-None-Match header matches `etag` (weak comparison, lists and `*` allowed). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  const want = bare(etag);
  return header.split(',').some((t) => t.trim() === '*' || bare(t) === want);
}
