import { date, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { announcements } from './announcements.ts';
import { stance } from './enums.ts';

/**
 * The announcements whose reaction counts are cached in reaction_buckets, with what the counts
 * were made for: the moment the windows split at, the studio and the keyword query. A reaction
 * whose announcement no longer matches its row is counted from items until the rollup job
 * rebuilds it.
 */
export const reactionBuilds = pgTable('reaction_builds', {
  announcementId: integer('announcement_id')
    .primaryKey()
    .references(() => announcements.id, { onDelete: 'cascade' }),
  moment: timestamp('moment', { withTimezone: true }).notNull(),
  studio: text('studio'),
  /** the web-search query its keywords make, or null when it has none */
  keywordQuery: text('keyword_query'),
  /** days counted on each side of the moment: the longest window a reaction can ask for */
  days: integer('days').notNull(),
  builtAt: timestamp('built_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Relevant labelled items tied to an announcement, counted per whole day before or after its
 * moment (`offset_day`: -1 is the 24 hours before it, 0 the 24 hours after), UTC day, source kind
 * and stance, up to CACHED_WINDOW_DAYS on each side (services/reactions.ts). `top` keeps the most confident
 * items of the cell as [confidence, id] pairs, so the reaction's telling items need no scan.
 * Rebuilt, day by day, with the daily rollups.
 */
export const reactionBuckets = pgTable(
  'reaction_buckets',
  {
    announcementId: integer('announcement_id')
      .notNull()
      .references(() => reactionBuilds.announcementId, { onDelete: 'cascade' }),
    offsetDay: integer('offset_day').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    sourceKind: text('source_kind').notNull(),
    stance: stance('stance').notNull(),
    n: integer('n').notNull(),
    top: jsonb('top').$type<[number, number][]>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.announcementId, t.offsetDay, t.day, t.sourceKind, t.stance] }),
    index('reaction_buckets_day_idx').on(t.day),
  ],
);
