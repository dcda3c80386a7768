import { integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { apiKeys } from './api-keys.ts';

/** A browser signed in with a key: only a hash of the cookie's secret is stored. */
export const sessions = pgTable('sessions', {
  tokenHash: text('token_hash').primaryKey(),
  keyId: integer('key_id')
    .notNull()
    .references(() => apiKeys.id, { onDelete: 'cascade' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

/** A read token for feed URLs (feed readers cannot send headers), tied to a key and revocable. */
export const feedTokens = pgTable('feed_tokens', {
  id: serial('id').primaryKey(),
  keyId: integer('key_id')
    .notNull()
    .references(() => apiKeys.id, { onDelete: 'cascade' }),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});
