import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  pgTable,
  serial,
  text,
  time,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';

/** A dated studio AI announcement whose reaction Pulse measures. */
export const announcements = pgTable('announcements', {
  id: serial('id').primaryKey(),
  title: text('title').notNull(),
  studio: text('studio'),
  /** the day it was made public */
  date: date('date', { mode: 'string' }).notNull(),
  /** optional local time and IANA zone, when the moment is known (an earnings call, a press release) */
  time: time('time'),
  timeZone: text('time_zone'),
  url: text('url'),
  description: text('description').notNull().default(''),
  keywords: text('keywords').array().notNull().default(sql`'{}'::text[]`),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A spike found by the alert detector: one per day, entity and metric. */
export const alerts = pgTable(
  'alerts',
  {
    id: serial('id').primaryKey(),
    day: date('day', { mode: 'string' }).notNull(),
    entityType: text('entity_type').notNull(),
    entity: text('entity').notNull(),
    metric: text('metric').notNull(),
    value: doublePrecision('value').notNull(),
    baseline: doublePrecision('baseline').notNull(),
    score: doublePrecision('score').notNull(),
    pValue: doublePrecision('p_value').notNull(),
    count: integer('count').notNull(),
    baselineCount: integer('baseline_count').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('alerts_day_entity_metric').on(t.day, t.entityType, t.entity, t.metric), index('alerts_day_idx').on(t.day)],
);

/** A URL that receives alerts as signed JSON POSTs. */
export const webhooks = pgTable('webhooks', {
  id: serial('id').primaryKey(),
  url: text('url').notNull(),
  /** only alerts about this studio or union, when set */
  entity: text('entity'),
  metric: text('metric'),
  /** HMAC-SHA256 key for X-Pulse-Signature; shown once at creation */
  secret: text('secret').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Every attempt to deliver an alert to a webhook. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    webhookId: integer('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    alertId: integer('alert_id')
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('deliveries_webhook_alert').on(t.webhookId, t.alertId), index('deliveries_due_idx').on(t.status, t.nextAttemptAt)],
);
