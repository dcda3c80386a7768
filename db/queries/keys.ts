import { and, asc, eq, isNull, lt, or } from 'drizzle-orm';
import type { KeyScope } from '../../src/labels.ts';
import type { Db } from '../client.ts';
import { apiKeys } from '../schema/index.ts';

export type ApiKeyRow = typeof apiKeys.$inferSelect;
/** A key as shown to people: never the hash. */
export type PublicKey = Omit<ApiKeyRow, 'keyHash'>;

const publicColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  scope: apiKeys.scope,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

export interface InsertKeyParams {
  name: string;
  scope: KeyScope;
  prefix: string;
  keyHash: string;
}

export async function insertKey(db: Db, p: InsertKeyParams): Promise<PublicKey> {
  const [row] = await db.insert(apiKeys).values(p).returning(publicColumns);
  return row!;
}

export async function listKeys(db: Db): Promise<PublicKey[]> {
  return db.select(publicColumns).from(apiKeys).orderBy(asc(apiKeys.id));
}

export async function findKeyByHash(db: Db, keyHash: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, keyHash)).limit(1);
  return row;
}

/** Marks a key revoked; returns the key, or undefined when there is no such key. */
export async function revokeKey(db: Db, p: { id: number; at: Date }): Promise<PublicKey | undefined> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: p.at })
    .where(and(eq(apiKeys.id, p.id), isNull(apiKeys.revokedAt)))
    .returning(publicColumns);
  if (row) return row;
  const [existing] = await db.select(publicColumns).from(apiKeys).where(eq(apiKeys.id, p.id));
  return existing;
}

/** Records use, at most once a minute per key, so reads do not turn into a write each. */
export async function touchKey(db: Db, p: { id: number; at: Date }): Promise<void> {
  const staleBefore = new Date(p.at.getTime() - 60_000);
  await db
    .update(apiKeys)
    .set({ lastUsedAt: p.at })
    .where(and(eq(apiKeys.id, p.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, staleBefore))));
}
