import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  serial,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import type { Concern } from '../../src/labels.ts';
import { stance } from './enums.ts';
import { items, type Explanation, type StoredQuote } from './items.ts';

/**
 * Every label every model version gave an item: written on each labelling and relabelling, so
 * an earlier version's numbers can be reproduced after a reclassify. `items` keeps a copy of the
 * current version's label for speed.
 */
export const itemLabels = pgTable(
  'item_labels',
  {
    itemId: bigint('item_id', { mode: 'number' })
      .notNull()
      .references(() => items.id, { onDelete: 'cascade' }),
    model: text('model').notNull(),
    /** null when the item's language had no model: nothing was guessed */
    relevant: boolean('relevant'),
    stance: stance('stance'),
    confidence: real('confidence'),
    concerns: text('concerns').array().$type<Concern[]>().notNull().default(sql`'{}'::text[]`),
    explanation: jsonb('explanation').$type<Explanation>(),
    /** ISO 639-1 language the classifier detected */
    language: text('language'),
    quotes: jsonb('quotes').$type<StoredQuote[]>(),
    classifiedAt: timestamp('classified_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.model] }), index('item_labels_model_idx').on(t.model, t.itemId)],
);

/** A stored random sample of items for hand-coding; `seed` and the filters reproduce it. */
export const samples = pgTable('validation_samples', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  seed: integer('seed').notNull(),
  /** items asked for; fewer when fewer matched */
  requested: integer('requested').notNull(),
  fromDay: date('from_day', { mode: 'string' }),
  toDay: date('to_day', { mode: 'string' }),
  /** null: simple random sample; 'stance': equal allocation over the model's stance */
  stratify: text('stratify'),
  /** the model version whose labels defined the strata and the population */
  model: text('model').notNull(),
  /** items the sample was drawn from */
  population: integer('population').notNull(),
  /** per stratum: population size, sample size and weight */
  strata: jsonb('strata').$type<{ stratum: string; population: number; sampled: number; weight: number }[]>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

/** The items of a sample, in draw order, with the stratum each came from and its weight. */
export const sampleItems = pgTable(
  'validation_sample_items',
  {
    sampleId: integer('sample_id')
      .notNull()
      .references(() => samples.id, { onDelete: 'cascade' }),
    itemId: bigint('item_id', { mode: 'number' })
      .notNull()
      .references(() => items.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    stratum: text('stratum').notNull(),
    /** population of the stratum / items sampled from it: how many items this one stands for */
    weight: real('weight').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sampleId, t.itemId] }), index('validation_sample_items_item_idx').on(t.itemId)],
);

/** A coder's label for an item. One per coder and item; coding again replaces it. */
export const annotations = pgTable(
  'annotations',
  {
    id: serial('id').primaryKey(),
    itemId: bigint('item_id', { mode: 'number' })
      .notNull()
      .references(() => items.id, { onDelete: 'cascade' }),
    coder: text('coder').notNull(),
    stance: stance('stance').notNull(),
    relevant: boolean('relevant').notNull(),
    concerns: text('concerns').array().$type<Concern[]>().notNull().default(sql`'{}'::text[]`),
    /** the sample the coder was working through, when coded from one */
    sampleId: integer('sample_id').references(() => samples.id, { onDelete: 'set null' }),
    /** time from the item appearing to the answer, when the coding page measured it */
    durationMs: integer('duration_ms'),
    /** whether the coder saw the model's label before answering (the coding page never shows it) */
    sawModel: boolean('saw_model').notNull().default(false),
    codedAt: timestamp('coded_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique('annotations_item_coder').on(t.itemId, t.coder), index('annotations_sample_idx').on(t.sampleId)],
);

/**
 * The coders' consensus label for an item, kept up to date with its annotations. It overrides
 * the model's label in trends and exports (`labels=best`).
 */
export const itemCorrections = pgTable('item_corrections', {
  itemId: bigint('item_id', { mode: 'number' })
    .primaryKey()
    .references(() => items.id, { onDelete: 'cascade' }),
  relevant: boolean('relevant').notNull(),
  stance: stance('stance').notNull(),
  concerns: text('concerns').array().$type<Concern[]>().notNull().default(sql`'{}'::text[]`),
  coders: integer('coders').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});
