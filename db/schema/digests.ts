import { index, integer, jsonb, pgTable, serial, text, timestamp, unique } from 'drizzle-orm/pg-core';

/** An immutable weekly digest: one row per (week, filters, version), one body per format. */
export const digests = pgTable(
  'digests',
  {
    id: serial('id').primaryKey(),
    /** ISO week, e.g. 2025-W30 */
    week: text('week').notNull(),
    studio: text('studio'),
    union: text('union_name'),
    /** studio and union in one comparable key ('' for the general digest) */
    filterKey: text('filter_key').notNull(),
    version: integer('version').notNull(),
    generatedAt: timestamp('generated_at', { withTimezone: true }).notNull(),
    model: text('model').notNull(),
    markdown: text('markdown').notNull(),
    html: text('html').notNull(),
    csv: text('csv').notNull(),
    data: jsonb('data').notNull(),
  },
  (t) => [unique('digests_week_filter_version').on(t.week, t.filterKey, t.version), index('digests_generated_idx').on(t.generatedAt)],
);
