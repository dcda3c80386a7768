import { createMiddleware } from 'hono/factory';
import type { KeyScope } from '../labels.ts';
import { getCookie } from 'hono/cookie';
import { scopeAllows, verifyKeyHash } from '../services/keys.ts';
import { keyOfFeedToken, keyOfSession } from '../services/sessions.ts';
import type { PublicKey } from '../services/keys.ts';
import type { AppDeps, AppEnv } from './env.ts';
import { AppError } from './errors.ts';
import { KeyCache } from './key-cache.ts';

/** The cookie a signed-in browser carries. */
export const SESSION_COOKIE = 'pulse_session';
/** Feed URLs a feed token may open (feed readers cannot send headers). */
export const FEED_PATHS = new Set(['/api/v1/digests/feed.xml']);

/**
 * Reads `Authorization: Bearer <key>` when present and puts the key on the context. A key that
 * is presented but unknown or revoked is refused even on public reads, so a script with a bad
 * key learns about it at once. A key refused in the last minute is refused again without asking
 * the database (`keys`, shared with the rate limiter, which counted the request already).
 * Without the header, reads (GET and HEAD only, so a cookie can never make a write: no
 * cross-site request forgery) may come from a signed-in browser's session cookie, and feed URLs
 * from a `?token=` feed token. With keys required, a page asked for without one redirects to
 * the sign-in form.
 */
export function authenticate(deps: AppDeps, keys: KeyCache = new KeyCache()) {
  const refuse = (reason: 'unknown' | 'revoked') =>
    new AppError(401, 'unauthorized', reason === 'revoked' ? 'API key revoked' : 'unknown API key');
  return createMiddleware<AppEnv>(async (c, next) => {
    // open paths never need a key, so none is looked up (a monitor with a stale key still sees /health)
    if (isOpenPath(c.req.path)) return next();
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
      const hash = keys.hashOf(c);
      if (hash === undefined) throw new AppError(401, 'unauthorized', 'Authorization: expected "Bearer <key>"');
      const refused = keys.refusal(hash);
      if (refused) throw refuse(refused);
      const check = await verifyKeyHash(deps, hash);
      keys.remember(hash, check.ok ? { ok: true, id: check.key.id } : check);
      if (!check.ok) throw refuse(check.reason);
      c.set('apiKey', check.key);
    } else if (deps.config.readKeyRequired) {
      // a person opening a page is sent to the form; API clients, /metrics and /docs get the 401
      if (read && !c.req.path.startsWith('/api/') && c.req.path !== '/metrics' && c.req.path !== '/docs')
        return c.redirect(`/sign-in?next=${encodeURIComponent(c.req.path + (new URL(c.req.url).search || ''))}`, 303);
      throw new AppError(401, 'unauthorized', 'an API key is required (Authorization: Bearer <key>, or sign in at /sign-in)');
    }
    await next();
  });
}

/**
 * Liveness, readiness, the API description and the static files shipped with Pulse (the
 * dashboard's and the docs' scripts and styles: no data) stay open even when reads need a key,
 * and so do signing in and out and an email's unsubscribe link (its token is the credential).
 * /metrics and /docs do not.
 */
export function isOpenPath(path: string): boolean {
  return (
    path === '/health' ||
    path === '/ready' ||
    path === '/openapi.json' ||
    path === '/sign-in' ||
    path === '/sign-out' ||
    path === '/unsubscribe' ||
    path.startsWith('/assets/') ||
    path.startsWith('/docs/assets/')
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
