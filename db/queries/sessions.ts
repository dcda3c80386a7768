import { and, eq, gt, isNull, lte } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { apiKeys, feedTokens, sessions } from '../schema/index.ts';
import type { PublicKey } from './keys.ts';

const publicKey = {
  id: apiKeys.id,
  name: apiKeys.name,
  scope: apiKeys.scope,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

export async function insertSession(db: Db, s: { tokenHash: string; keyId: number; expiresAt: Date }): Promise<void> {
  await db.insert(sessions).values(s);
}

/** The live key behind a session that has not expired (a revoked key ends its sessions). */
export async function sessionKey(db: Db, p: { tokenHash: string; now: Date }): Promise<PublicKey | undefined> {
  const [row] = await db
    .select(publicKey)
    .from(sessions)
    .innerJoin(apiKeys, eq(sessions.keyId, apiKeys.id))
    .where(and(eq(sessions.tokenHash, p.tokenHash), gt(sessions.expiresAt, p.now), isNull(apiKeys.revokedAt)));
  return row as PublicKey | undefined;
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  return (await db.delete(sessions).where(lte(sessions.expiresAt, now)).returning({ k: sessions.tokenHash })).length;
}

export async function insertFeedToken(db: Db, t: { keyId: number; tokenHash: string }) {
  const [row] = await db.insert(feedTokens).values(t).returning();
  return row!;
}

/** The live key behind a feed token that has not been revoked. */
export async function feedTokenKey(db: Db, tokenHash: string): Promise<PublicKey | undefined> {
  const [row] = await db
    .select(publicKey)
    .from(feedTokens)
    .innerJoin(apiKeys, eq(feedTokens.keyId, apiKeys.id))
    .where(and(eq(feedTokens.tokenHash, tokenHash), isNull(feedTokens.revokedAt), isNull(apiKeys.revokedAt)));
  return row as PublicKey | undefined;
}

/** Revokes a feed token of this key; false when the key has no such token. */
export async function revokeFeedToken(db: Db, p: { id: number; keyId: number; at: Date }): Promise<boolean> {
  return (
    (
      await db
        .update(feedTokens)
        .set({ revokedAt: p.at })
        .where(and(eq(feedTokens.id, p.id), eq(feedTokens.keyId, p.keyId)))
        .returning({ id: feedTokens.id })
    ).length > 0
  );
}
