import { sql, type SQL } from 'drizzle-orm';
import type { SourceKind, Stance } from '../../src/labels.ts';
import { rowsOf, type Db } from '../client.ts';
import { arrayParam } from './pg-array.ts';

/**
 * Held (for one transaction) by everything that rewrites derived counts: a day's rollups and
 * reaction cells, an announcement's reaction build, the all-days totals. A backfill rebuilds days
 * outside the rollup job's lock, and two writers of the same cells would leave stale ones or
 * collide on their keys.
 */
export const ROLLUP_WRITE_LOCK = 7_110_002;

/** Waits for the derived-counts lock in the current transaction. */
export async function lockRollupWrites(tx: Db): Promise<void> {
  await tx.execute(sql`select count(*) from (select pg_advisory_xact_lock(${ROLLUP_WRITE_LOCK})) x`);
}

/** The most confident items kept per cell: the reaction shows five per side and stance. */
export const BUCKET_TOP = 5;

/** What an announcement's cached counts are made for; a reaction uses them only when all of it matches. */
export interface ReactionBuildSpec {
  announcementId: number;
  moment: Date;
  studio: string | null;
  keywordQuery: string | null;
  /** days counted on each side of the moment */
  days: number;
}

/** One cached cell, as the reaction reads it. */
export interface BucketRow {
  day: string;
  side: 'before' | 'after';
  kind: SourceKind;
  stance: Stance;
  n: number;
  /** the cell's most confident items, [confidence, id], most confident first */
  top: [number, number][];
}

/**
 * Counts relevant labelled items into reaction_buckets for the builds `which` selects, over the
 * items `where` selects (both conditions on `rb` and `i`). Offsets are whole days from the
 * moment, so a window of W days is exactly offsets -W..W-1.
 */
function insertBuckets(which: SQL, where: SQL): SQL {
  return sql`
    insert into reaction_buckets (announcement_id, offset_day, day, source_kind, stance, n, top)
    select announcement_id, offset_day, day, kind, stance, count(*)::int,
           to_jsonb((array_agg(jsonb_build_array(confidence, id) order by confidence desc, id))[1:${BUCKET_TOP}])
    from (
      select rb.announcement_id,
             floor(extract(epoch from (i.published_at - rb.moment)) / 86400)::int as offset_day,
             (i.published_at at time zone 'UTC')::date as day,
             s.kind::text as kind, i.stance, coalesce(i.confidence, 0) as confidence, i.id
      from reaction_builds rb
      join items i on i.published_at >= rb.moment - rb.days * interval '1 day'
                  and i.published_at < rb.moment + rb.days * interval '1 day'
      join sources s on s.id = i.source_id
      where ${which} and ${where}
        and i.stance is not null and i.relevant is true
        and ((rb.studio is not null and rb.studio = any(i.studios))
          or (rb.keyword_query is not null and i.search @@ websearch_to_tsquery('english', rb.keyword_query)))
    ) x
    group by 1, 2, 3, 4, 5`;
}

/** The builds as stored, keyed by announcement (one announcement's only, with `announcementId`). */
export async function listReactionBuilds(db: Db, announcementId?: number): Promise<Map<number, ReactionBuildSpec>> {
  const rows = rowsOf<{
    announcement_id: number;
    moment: string | Date;
    studio: string | null;
    keyword_query: string | null;
    days: number;
  }>(
    await db.execute(
      sql`select announcement_id, moment, studio, keyword_query, days from reaction_builds${
        announcementId === undefined ? sql`` : sql` where announcement_id = ${announcementId}`
      }`,
    ),
  );
  return new Map(
    rows.map((r) => [
      Number(r.announcement_id),
      {
        announcementId: Number(r.announcement_id),
        moment: new Date(r.moment),
        studio: r.studio,
        keywordQuery: r.keyword_query,
        days: Number(r.days),
      },
    ]),
  );
}

/** True when a stored build was made for exactly this announcement state and covers `days`. */
export function buildMatches(stored: ReactionBuildSpec | undefined, want: ReactionBuildSpec, days = want.days): boolean {
  return (
    !!stored &&
    stored.moment.getTime() === want.moment.getTime() &&
    stored.studio === want.studio &&
    stored.keywordQuery === want.keywordQuery &&
    stored.days >= days
  );
}

/**
 * Counts one announcement's reaction from items into reaction_buckets, replacing what was there,
 * in one transaction. Days dirty at the time are counted too; their marks stay, so reactions
 * keep reading them from items until the rollup job rebuilds them with everything else.
 */
export async function buildReactionBuckets(db: Db, spec: ReactionBuildSpec): Promise<void> {
  await db.transaction(async (tx) => {
    await lockRollupWrites(tx);
    await tx.execute(sql`
      insert into reaction_builds (announcement_id, moment, studio, keyword_query, days, built_at)
      values (${spec.announcementId}, ${spec.moment.toISOString()}::timestamptz, ${spec.studio}, ${spec.keywordQuery}, ${spec.days}, now())
      on conflict (announcement_id) do update set moment = excluded.moment, studio = excluded.studio,
        keyword_query = excluded.keyword_query, days = excluded.days, built_at = excluded.built_at`);
    await tx.execute(sql`delete from reaction_buckets where announcement_id = ${spec.announcementId}`);
    await tx.execute(insertBuckets(sql`rb.announcement_id = ${spec.announcementId}`, sql`true`));
  });
}

/** Drops the cached counts of announcements that are no longer wanted (none is left half-built). */
export async function dropReactionBuilds(db: Db, announcementIds: number[]): Promise<void> {
  if (!announcementIds.length) return;
  await db.execute(sql`delete from reaction_builds where announcement_id = any(${arrayParam(announcementIds, 'int')})`);
}

/**
 * Recounts one UTC day's cells for every build (call in the transaction that rebuilds the day's
 * rollups, before its dirty mark is cleared).
 */
export async function rebuildReactionDay(db: Db, day: string): Promise<void> {
  await db.execute(sql`delete from reaction_buckets where day = ${day}::date`);
  await db.execute(
    insertBuckets(
      sql`true`,
      sql`i.published_at >= (${day}::date)::timestamp at time zone 'UTC' and i.published_at < (${day}::date + 1)::timestamp at time zone 'UTC'`,
    ),
  );
}

/**
 * The cached cells of one announcement's windows (`days` on each side), leaving out UTC days in
 * `skipDays` (dirty ones, read from items instead), optionally of one source kind.
 */
export async function reactionBucketRows(
  db: Db,
  p: { announcementId: number; days: number; kind?: SourceKind | undefined; skipDays: string[] },
): Promise<BucketRow[]> {
  const rows = rowsOf<{ day: string; before: boolean; kind: SourceKind; stance: Stance; n: number | string; top: unknown }>(
    await db.execute(sql`
      select day::text as day, offset_day < 0 as before, source_kind as kind, stance, n, top
      from reaction_buckets
      where announcement_id = ${p.announcementId} and offset_day >= ${-p.days} and offset_day < ${p.days}
        ${p.kind ? sql`and source_kind = ${p.kind}` : sql``}
        ${p.skipDays.length ? sql`and not (day = any(${arrayParam(p.skipDays, 'date')}))` : sql``}`),
  );
  return rows.map((r) => {
    const top = (typeof r.top === 'string' ? JSON.parse(r.top) : r.top) as [number | string, number | string][];
    return {
      day: r.day,
      side: r.before ? 'before' : 'after',
      kind: r.kind,
      stance: r.stance,
      n: Number(r.n),
      top: top.map(([c, id]) => [Number(c), Number(id)] as [number, number]),
    };
  });
}

/** The UTC days in [from, to] marked for a rollup rebuild. */
export async function dirtyDaysBetween(db: Db, p: { from: string; to: string }): Promise<string[]> {
  return rowsOf<{ day: string }>(
    await db.execute(
      sql`select day::text as day from rollup_dirty_days where day >= ${p.from}::date and day <= ${p.to}::date order by day`,
    ),
  ).map((r) => r.day);
}
