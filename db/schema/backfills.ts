import { bigint, date, index, integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { backfillStatus } from './enums.ts';
import { sources } from './sources.ts';

/** Where a backfill has got to, so a killed run carries on from there. */
export interface BackfillProgress {
  /** the stage being walked: paged_feed, sitemap, wayback or search_window */
  stage?: string;
  /** stages finished */
  done?: string[];
  /** next page of a paged feed, next capture, next date window */
  position?: number;
  /** paged feed: the first link of the last page read (a site ignoring ?paged= repeats it) */
  lastFirst?: string | undefined;
  /** the paged feed reached back past `from`: older stages are not needed */
  reachedFrom?: boolean;
  /** article URLs in range the sitemaps listed */
  sitemapFound?: number;
}

/** A walk back through a source's history over [from, to). */
export const backfills = pgTable(
  'backfills',
  {
    id: serial('id').primaryKey(),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id),
    from: date('from_day', { mode: 'string' }).notNull(),
    /** exclusive */
    to: date('to_day', { mode: 'string' }).notNull(),
    status: backfillStatus('status').notNull().default('queued'),
    progress: jsonb('progress').$type<BackfillProgress>().notNull().default({}),
    counts: jsonb('counts').$type<Record<string, number>>().notNull().default({}),
    /** the job_runs row of the run that last worked on it */
    jobRunId: bigint('job_run_id', { mode: 'number' }),
    claimedBy: text('claimed_by'),
    /** a running backfill whose heartbeat is older than the lease belongs to a dead process */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    error: text('error'),
  },
  (t) => [index('backfills_source_idx').on(t.sourceId, t.createdAt)],
);
