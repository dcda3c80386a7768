import { createMiddleware } from 'hono/factory';
import type { KeyScope } from '../labels.ts';
import { getCookie } from 'hono/cookie';
import { scopeAllows, verifyKey } from '../services/keys.ts';
import { keyOfFeedToken, keyOfSession } from '../services/sessions.ts';
import type { PublicKey } from '../services/keys.ts';
import type { AppDeps, AppEnv } from './env.ts';
import { AppError } from './errors.ts';

/** The cookie a signed-in browser carries. */
export const SESSION_COOKIE = 'pulse_session';
/** Feed URLs a feed token may open (feed readers cannot send headers). */
export const FEED_PATHS = new Set(['/api/v1/digests/feed.xml']);

/**
 * Reads `Authorization: Bearer <key>` when present and puts the key on the context. A key that
 * is presented but unknown or revoked is refused even on public reads, so a script with a bad
 * key learns about it at once. Without the header, reads (GET and HEAD only, so a cookie can
 * never make a write: no cross-site request forgery) may come from a signed-in browser's session
 * cookie, and feed URLs from a `?token=` feed token. With keys required, a page asked for without
 * one redirects to the sign-in form.
 */
export function authenticate(deps: AppDeps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization');
    const read = c.req.method === 'GET' || c.req.method === 'HEAD';
    if (header === undefined && read) {
      const cookie = getCookie(c, SESSION_COOKIE);
      const token = FEED_PATHS.has(c.req.path) ? c.req.query('token') : undefined;
      const key = cookie && /^[A-Za-z0-9_-]{20,100}$/.test(cookie) ? await keyOfSession(deps, { cookie }) : undefined;
      if (key) c.set('apiKey', key);
      else if (token !== undefined) {
        const fromToken = /^pft_[A-Za-z0-9_-]{20,100}$/.test(token) ? await keyOfFeedToken(deps, { token }) : undefined;
        if (!fromToken) throw new AppError(401, 'unauthorized', 'unknown or revoked feed token');
        c.set('apiKey', fromToken);
      }
    }
    if (c.get('apiKey')) {
      // signed in by cookie or feed token
    } else if (header !== undefined) {
      const m = /^Bearer\s+(\S{1,512})\s*$/i.exec(header);
      if (!m) throw new AppError(401, 'unauthorized', 'Authorization: expected "Bearer <key>"');
      const check = await verifyKey(deps, m[1]!);
      if (!check.ok) throw new AppError(401, 'unauthorized', check.reason === 'revoked' ? 'API key revoked' : 'unknown API key');
      c.set('apiKey', check.key);
    } else if (deps.config.readKeyRequired && !isOpenPath(c.req.path)) {
      if (read && !c.req.path.startsWith('/api/'))
        return c.redirect(`/sign-in?next=${encodeURIComponent(c.req.path + (new URL(c.req.url).search || ''))}`, 303);
      throw new AppError(401, 'unauthorized', 'an API key is required (Authorization: Bearer <key>, or sign in at /sign-in)');
    }
    await next();
  });
}

/** Liveness, readiness and the API description stay open even when reads need a key. */
function isOpenPath(path: string): boolean {
  return (
    path === '/health' || path === '/ready' || path === '/metrics' || path === '/openapi.json' || path === '/docs' || path === '/sign-in'
  );
}

/** Throws 401 or 403 unless the request's key has at least `scope`; `what` names the action. */
export function assertScope(key: PublicKey | undefined, scope: KeyScope, what = 'this route'): void {
  if (!key) throw new AppError(401, 'unauthorized', `${what} needs an API key (Authorization: Bearer <key>)`);
  if (!scopeAllows(key.scope, scope)) throw new AppError(403, 'forbidden', `${what} needs a key with ${scope} scope`);
}

/** Requires a key with at least `scope` (admin includes write). */
export function requireScope(scope: KeyScope) {
  return createMiddleware<AppEnv>(async (c, next) => {
    assertScope(c.get('apiKey'), scope);
    await next();
  });
}
