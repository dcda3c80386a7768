import { randomBytes } from 'node:crypto';
import {
  deleteSession,
  feedTokenKey,
  insertFeedToken,
  insertSession,
  revokeFeedToken as revokeRow,
  sessionKey,
} from '../../db/queries/sessions.ts';
import type { DbClockDeps, DbDeps } from './deps.ts';
import { notFound } from './errors.ts';
import { hashSecret, verifyKey, type PublicKey } from './keys.ts';

/** How long a browser stays signed in. */
export const SESSION_DAYS = 30;

/** Signs a browser in with a key: a session whose secret goes in the cookie (only its hash is stored). */
export async function signIn(
  deps: DbClockDeps,
  p: { secret: string },
): Promise<{ ok: true; cookie: string; maxAgeSeconds: number; key: PublicKey } | { ok: false; reason: 'unknown' | 'revoked' }> {
  const check = await verifyKey(deps, p.secret.trim());
  if (!check.ok) return check;
  const cookie = randomBytes(32).toString('base64url');
  const maxAgeSeconds = SESSION_DAYS * 86_400;
  await insertSession(deps.db, {
    tokenHash: hashSecret(cookie),
    keyId: check.key.id,
    expiresAt: new Date(deps.clock.now().getTime() + maxAgeSeconds * 1000),
  });
  return { ok: true, cookie, maxAgeSeconds, key: check.key };
}

/** The key a session cookie stands for, while the session lasts and the key is not revoked. */
export async function keyOfSession(deps: DbClockDeps, p: { cookie: string }): Promise<PublicKey | undefined> {
  return sessionKey(deps.db, { tokenHash: hashSecret(p.cookie), now: deps.clock.now() });
}

export async function signOut(deps: DbDeps, p: { cookie: string }): Promise<void> {
  await deleteSession(deps.db, hashSecret(p.cookie));
}

/** A read token for feed URLs (?token=…), tied to the key that made it; shown once. */
export async function createFeedToken(deps: DbDeps, p: { keyId: number }) {
  const token = 'pft_' + randomBytes(24).toString('base64url');
  const row = await insertFeedToken(deps.db, { keyId: p.keyId, tokenHash: hashSecret(token) });
  return { id: row.id, token, createdAt: row.createdAt.toISOString() };
}

/** The key behind a feed token, unless the token or the key is revoked. */
export async function keyOfFeedToken(deps: DbDeps, p: { token: string }): Promise<PublicKey | undefined> {
  return feedTokenKey(deps.db, hashSecret(p.token));
}

export async function revokeFeedToken(deps: DbClockDeps, p: { id: number; keyId: number }): Promise<void> {
  if (!(await revokeRow(deps.db, { id: p.id, keyId: p.keyId, at: deps.clock.now() }))) throw notFound(`feed token ${p.id}`);
}
