import type { ReactionItem } from '../../src/analytics/reaction.ts';
import { asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Stance, SourceKind } from '../../src/labels.ts';
import { rowsOf, type Db } from '../client.ts';
import { announcements, meta } from '../schema/index.ts';
import { arrayParam } from './pg-array.ts';
import type { SeedAnnouncement } from '../seed/announcements.ts';

export type AnnouncementRow = typeof announcements.$inferSelect;
export type NewAnnouncement = typeof announcements.$inferInsert;

export async function listAnnouncements(db: Db): Promise<AnnouncementRow[]> {
  return db.select().from(announcements).orderBy(asc(announcements.date), asc(announcements.id));
}

export async function getAnnouncement(db: Db, id: number): Promise<AnnouncementRow | undefined> {
  const [row] = await db.select().from(announcements).where(eq(announcements.id, id));
  return row;
}

export async function insertAnnouncement(db: Db, a: NewAnnouncement): Promise<AnnouncementRow> {
  const [row] = await db.insert(announcements).values(a).returning();
  return row!;
}

export async function updateAnnouncement(db: Db, id: number, patch: Partial<NewAnnouncement>): Promise<AnnouncementRow | undefined> {
  const [row] = await db.update(announcements).set(patch).where(eq(announcements.id, id)).returning();
  return row;
}

export async function deleteAnnouncement(db: Db, id: number): Promise<boolean> {
  return (await db.delete(announcements).where(eq(announcements.id, id)).returning({ id: announcements.id })).length > 0;
}

/** Seeds the default announcements once; a user's deletions are never undone. */
export async function seedAnnouncementsOnce(db: Db, list: SeedAnnouncement[]): Promise<number> {
  return db.transaction(async (tx) => {
    const first = await tx.insert(meta).values({ key: 'default_announcements_seeded', value: true }).onConflictDoNothing().returning();
    if (!first.length) return 0;
    const rows = await tx
      .insert(announcements)
      .values(list.map((a) => ({ ...a, studio: a.studio, time: a.time ?? null, timeZone: a.timeZone ?? null, url: a.url ?? null })))
      .returning({ id: announcements.id });
    return rows.length;
  });
}

export type { ReactionItem } from '../../src/analytics/reaction.ts';

/**
 * The web-search query an announcement's keywords make (phrases quoted, joined by "or"), or null
 * when it has none.
 */
export function keywordQuery(keywords: string[]): string | null {
  const words = keywords.map((k) => k.trim()).filter(Boolean);
  return words.length ? words.map((w) => (/\s/.test(w) ? `"${w.replace(/"/g, '')}"` : w)).join(' or ') : null;
}

/** The conditions that tie an item to an announcement: its studio named, or a keyword matched. */
function reactionMatches(p: { studio: string | null; keywords: string[] }): SQL[] {
  const matches: SQL[] = [];
  if (p.studio) matches.push(sql`${p.studio} = any(i.studios)`);
  const query = keywordQuery(p.keywords);
  if (query) matches.push(sql`i.search @@ websearch_to_tsquery('english', ${query})`);
  return matches;
}

export async function reactionOffTopicCounts(
  db: Db,
  p: { start: Date; moment: Date; end: Date; studio: string | null; keywords: string[]; kind?: SourceKind | undefined },
): Promise<{ before: number; after: number }> {
  const matches = reactionMatches(p);
  if (!matches.length) return { before: 0, after: 0 };
  const [row] = rowsOf<{ before: number | string; after: number | string }>(
    await db.execute(sql`
      select count(*) filter (where i.published_at < ${p.moment.toISOString()}::timestamptz)::int as before,
             count(*) filter (where i.published_at >= ${p.moment.toISOString()}::timestamptz)::int as after
      from items i join sources s on s.id = i.source_id
      where i.stance is not null and i.relevant is not true
        and i.published_at >= ${p.start.toISOString()}::timestamptz and i.published_at < ${p.end.toISOString()}::timestamptz
        and (${sql.join(matches, sql` or `)})
        ${p.kind ? sql`and s.kind = ${p.kind}` : sql``}`),
  );
  return { before: Number(row?.before ?? 0), after: Number(row?.after ?? 0) };
}

/**
 * Relevant, labelled items in [start, end) that name the studio or match any keyword
 * (full-text, so "Eternauta" also finds "El Eternauta's"), optionally from one source kind.
 */
export async function reactionItems(
  db: Db,
  p: {
    start: Date;
    end: Date;
    studio: string | null;
    keywords: string[];
    kind?: SourceKind | undefined;
    /** only items published on these UTC days */
    days?: string[] | undefined;
  },
): Promise<ReactionItem[]> {
  const matches = reactionMatches(p);
  if (!matches.length) return [];
  return reactionItemRows(
    db,
    sql`i.stance is not null and i.relevant is true
        and i.published_at >= ${p.start.toISOString()}::timestamptz and i.published_at < ${p.end.toISOString()}::timestamptz
        and (${sql.join(matches, sql` or `)})
        ${p.kind ? sql`and s.kind = ${p.kind}` : sql``}
        ${p.days ? sql`and (i.published_at at time zone 'UTC')::date = any(${arrayParam(p.days, 'date')})` : sql``}`,
  );
}

/** Items by id, as a reaction shows them (its most telling, picked from cached cells). */
export async function reactionItemsById(db: Db, ids: number[]): Promise<ReactionItem[]> {
  if (!ids.length) return [];
  return reactionItemRows(db, sql`i.id = any(${arrayParam(ids, 'bigint')})`);
}

/** Items with their source, as a reaction shows them, oldest first. */
async function reactionItemRows(db: Db, where: SQL): Promise<ReactionItem[]> {
  const rows = rowsOf<{
    id: number | string;
    title: string;
    url: string;
    published_at: string | Date;
    stance: Stance;
    confidence: number | null;
    kind: SourceKind;
    source_name: string;
    quote: string | null;
  }>(
    await db.execute(sql`
      select i.id, i.title, i.url, i.published_at, i.stance, i.confidence, s.kind, s.name as source_name, i.explanation->>'sentence' as quote
      from items i join sources s on s.id = i.source_id
      where ${where}
      order by i.published_at, i.id`),
  );
  return rows.map((r) => ({
    id: Number(r.id),
    title: r.title,
    url: r.url,
    publishedAt: new Date(r.published_at),
    stance: r.stance,
    confidence: Number(r.confidence),
    kind: r.kind,
    sourceName: r.source_name,
    quote: r.quote,
  }));
}
