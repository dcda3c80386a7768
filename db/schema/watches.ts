import { boolean, integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import type { Concern, SourceKind, Stance, WebhookFormat } from '../../src/labels.ts';

/** What a watch matches: full text and the explorer's filters. */
export interface WatchQuery {
  q?: string | undefined;
  studio?: string | undefined;
  union?: string | undefined;
  area?: string | undefined;
  source?: number | undefined;
  kind?: SourceKind | undefined;
  concern?: Concern | undefined;
  stance?: Stance | undefined;
  language?: string | undefined;
}

/** A saved query that sends a message when new matching items are labelled, at most once per interval. */
export const watches = pgTable('watches', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  query: jsonb('query').$type<WatchQuery>().notNull(),
  intervalMinutes: integer('interval_minutes').notNull().default(60),
  email: text('email'),
  webhookUrl: text('webhook_url'),
  webhookFormat: text('webhook_format').$type<WebhookFormat>().notNull().default('generic'),
  /** HMAC-SHA256 key for X-Pulse-Signature on generic webhook posts; shown once at creation */
  secret: text('secret').notNull(),
  /** items labelled before this were already looked at */
  checkedThrough: timestamp('checked_through', { withTimezone: true }).notNull().defaultNow(),
  lastSentAt: timestamp('last_sent_at', { withTimezone: true }),
  lastError: text('last_error'),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
