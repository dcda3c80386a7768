import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  findKeyByHash,
  insertKey,
  listKeys as listKeyRows,
  revokeKey as revokeKeyRow,
  touchKey,
  type PublicKey,
} from '../../db/queries/keys.ts';
import type { KeyScope } from '../labels.ts';
import type { DbClockDeps, DbDeps } from './deps.ts';
import { notFound } from './errors.ts';

export type { PublicKey } from '../../db/queries/keys.ts';

const KEY_PREFIX = 'pulse_';

/** A fresh secret: 256 random bits, URL-safe. */
export function generateSecret(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Creates a key and returns it with its secret, which is never stored and never shown again. */
export async function createKey(deps: DbDeps, p: { name: string; scope: KeyScope }): Promise<{ key: PublicKey; secret: string }> {
  const secret = generateSecret();
  const key = await insertKey(deps.db, {
    name: p.name,
    scope: p.scope,
    prefix: secret.slice(0, KEY_PREFIX.length + 6),
    keyHash: hashSecret(secret),
  });
  return { key, secret };
}

/** Every key, oldest first (never a secret or a hash). */
export async function listKeys(deps: DbDeps): Promise<PublicKey[]> {
  return listKeyRows(deps.db);
}

/** Revokes a key; revoking it again returns it unchanged. */
export async function revokeKey(deps: DbClockDeps, p: { id: number }): Promise<PublicKey> {
  const key = await revokeKeyRow(deps.db, { id: p.id, at: deps.clock.now() });
  if (!key) throw notFound(`key ${p.id}`);
  return key;
}

export type KeyCheck = { ok: true; key: PublicKey } | { ok: false; reason: 'unknown' | 'revoked' };

/**
 * Looks a presented secret up by its hash and compares the hashes in constant time. Only a hash
 * ever reaches the database, so lookup timing says nothing about the secret itself.
 */
export async function verifyKey(deps: DbClockDeps, secret: string): Promise<KeyCheck> {
  return verifyKeyHash(deps, hashSecret(secret));
}

/** {@link verifyKey} for a secret already hashed (the HTTP layer hashes each presented key once). */
export async function verifyKeyHash(deps: DbClockDeps, presented: string): Promise<KeyCheck> {
  if (!/^[0-9a-f]{64}$/.test(presented)) return { ok: false, reason: 'unknown' };
  const row = await findKeyByHash(deps.db, presented);
  const stored = row?.keyHash ?? '0'.repeat(64);
  const same = timingSafeEqual(Buffer.from(presented, 'hex'), Buffer.from(stored, 'hex'));
  if (!row || !same) return { ok: false, reason: 'unknown' };
  if (row.revokedAt) return { ok: false, reason: 'revoked' };
  await touchKey(deps.db, { id: row.id, at: deps.clock.now() });
  const { keyHash: _omit, ...key } = row;
  return { ok: true, key };
}

/** True when a key of scope `have` may do what needs scope `need` (admin includes write). */
export function scopeAllows(have: KeyScope, need: KeyScope): boolean {
  return have === 'admin' || have === need;
}
