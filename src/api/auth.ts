import { createMiddleware } from 'hono/factory';
import type { KeyScope } from '../labels.ts';
import { scopeAllows, verifyKey } from '../services/keys.ts';
import type { PublicKey } from '../services/keys.ts';
import type { AppDeps, AppEnv } from './env.ts';
import { AppError } from './errors.ts';

/**
 * Reads `Authorization: Bearer <key>` when present and puts the key on the context. A key that
 * is presented but unknown or revoked is refused even on public reads, so a script with a bad
 * key learns about it at once.
 */
export function authenticate(deps: AppDeps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const m = /^Bearer\s+(\S{1,512})\s*$/i.exec(header);
      if (!m) throw new AppError(401, 'unauthorized', 'Authorization: expected "Bearer <key>"');
      const check = await verifyKey(deps, m[1]!);
      if (!check.ok) throw new AppError(401, 'unauthorized', check.reason === 'revoked' ? 'API key revoked' : 'unknown API key');
      c.set('apiKey', check.key);
    } else if (deps.config.readKeyRequired && !isOpenPath(c.req.path)) {
      throw new AppError(401, 'unauthorized', 'an API key is required (Authorization: Bearer <key>)');
    }
    await next();
  });
}

/** Liveness, readiness and the API description stay open even when reads need a key. */
function isOpenPath(path: string): boolean {
  return path === '/health' || path === '/ready' || path === '/metrics' || path === '/openapi.json' || path === '/docs';
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
