import { createMiddleware } from 'hono/factory';
import type { KeyScope } from '../labels.ts';
import { scopeAllows, verifyKeyHash } from '../services/keys.ts';
import type { PublicKey } from '../services/keys.ts';
import type { AppDeps, AppEnv } from './env.ts';
import { AppError } from './errors.ts';
import { KeyCache } from './key-cache.ts';

/**
 * Reads `Authorization: Bearer <key>` when present and puts the key on the context. A key that
 * is presented but unknown or revoked is refused even on public reads, so a script with a bad
 * key learns about it at once. A key refused in the last minute is refused again without asking
 * the database (`keys`, shared with the rate limiter, which counted the request already).
 */
export function authenticate(deps: AppDeps, keys: KeyCache = new KeyCache()) {
  const refuse = (reason: 'unknown' | 'revoked') =>
    new AppError(401, 'unauthorized', reason === 'revoked' ? 'API key revoked' : 'unknown API key');
  return createMiddleware<AppEnv>(async (c, next) => {
    // open paths never need a key, so none is looked up (a monitor with a stale key still sees /health)
    if (isOpenPath(c.req.path)) return next();
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const hash = keys.hashOf(c);
      if (hash === undefined) throw new AppError(401, 'unauthorized', 'Authorization: expected "Bearer <key>"');
      const refused = keys.refusal(hash);
      if (refused) throw refuse(refused);
      const check = await verifyKeyHash(deps, hash);
      keys.remember(hash, check.ok ? { ok: true, id: check.key.id } : check);
      if (!check.ok) throw refuse(check.reason);
      c.set('apiKey', check.key);
    } else if (deps.config.readKeyRequired) {
      throw new AppError(401, 'unauthorized', 'an API key is required (Authorization: Bearer <key>)');
    }
    await next();
  });
}

/**
 * Liveness, readiness, the API description and the static files shipped with Pulse (the
 * dashboard's and the docs' scripts and styles: no data) stay open even when reads need a key.
 * /metrics and /docs do not.
 */
export function isOpenPath(path: string): boolean {
  return (
    path === '/health' || path === '/ready' || path === '/openapi.json' || path.startsWith('/assets/') || path.startsWith('/docs/assets/')
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
