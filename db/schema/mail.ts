import { bigint, index, integer, pgTable, serial, text, timestamp, unique } from 'drizzle-orm/pg-core';
import type { MailTopic } from '../../src/labels.ts';

/** An email address that receives the weekly digest or alerts; its token unsubscribes it. */
export const mailSubscriptions = pgTable(
  'mail_subscriptions',
  {
    id: serial('id').primaryKey(),
    email: text('email').notNull(),
    topic: text('topic').$type<MailTopic>().notNull(),
    /** alerts about this studio or union only; '' for all (a unique key cannot hold null twice) */
    entity: text('entity').notNull().default(''),
    /** secret in the unsubscribe link */
    token: text('token').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    unsubscribedAt: timestamp('unsubscribed_at', { withTimezone: true }),
  },
  (t) => [unique('mail_subscriptions_email_topic_entity').on(t.email, t.topic, t.entity)],
);

/** One message sent (or tried) to one subscription about one alert, digest or watch hit: never twice. */
export const mailDeliveries = pgTable(
  'mail_deliveries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    subscriptionId: integer('subscription_id')
      .notNull()
      .references(() => mailSubscriptions.id, { onDelete: 'cascade' }),
    /** 'alert' or 'digest' */
    kind: text('kind').notNull(),
    refId: integer('ref_id').notNull(),
    status: text('status').notNull().default('sent'),
    error: text('error'),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('mail_deliveries_once').on(t.subscriptionId, t.kind, t.refId), index('mail_deliveries_sent_idx').on(t.sentAt)],
);
