import { pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { keyScope } from './enums.ts';

/** API keys: only a SHA-256 hash of the secret is stored; `prefix` lets people tell keys apart. */
export const apiKeys = pgTable('api_keys', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  scope: keyScope('scope').notNull(),
  prefix: text('prefix').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});
