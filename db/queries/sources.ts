import { markDirtySource } from './rollups.ts';
import { and, asc, count, eq, inArray, isNull, lt, lte, notInArray, or, sql } from 'drizzle-orm';
import type { SourceKind, SourceType } from '../../src/labels.ts';
import type { Db } from '../client.ts';
import { items, meta, type SourceSettings, sources } from '../schema/index.ts';

export type { SourceSettings } from '../schema/index.ts';

export type SourceRow = typeof sources.$inferSelect;

export interface NewSource {
  url: string;
  kind: SourceKind;
  name: string;
  organisation?: string | null;
  country?: string | null;
  language?: string | null;
  fetchIntervalMinutes?: number;
  enabled?: boolean;
  type?: SourceType;
  settings?: SourceSettings;
  fullText?: boolean;
}

export type SourcePatch = Partial<Omit<NewSource, 'url'>> & { url?: string };

const live = isNull(sources.deletedAt);

export async function listSources(db: Db, p: { kind?: SourceKind } = {}): Promise<SourceRow[]> {
  return db
    .select()
    .from(sources)
    .where(and(live, p.kind ? eq(sources.kind, p.kind) : undefined))
    .orderBy(asc(sources.id));
}

export async function getSource(db: Db, id: number): Promise<SourceRow | undefined> {
  const [row] = await db
    .select()
    .from(sources)
    .where(and(eq(sources.id, id), live));
  return row;
}

export type AddResult = { row: SourceRow; outcome: 'created' | 'restored' } | { row: SourceRow; outcome: 'exists' };

/**
 * Adds a source. A URL that was deleted before is brought back with the new details (its items
 * were kept); a URL that is already live is reported as existing, unchanged.
 */
export async function addSource(db: Db, s: NewSource): Promise<AddResult> {
  return db.transaction(async (tx) => {
    const [inserted] = await tx.insert(sources).values(s).onConflictDoNothing({ target: sources.url }).returning();
    if (inserted) return { row: inserted, outcome: 'created' as const };
    const [existing] = await tx.select().from(sources).where(eq(sources.url, s.url)).for('update');
    if (!existing!.deletedAt) return { row: existing!, outcome: 'exists' as const };
    const [restored] = await tx
      .update(sources)
      .set({ ...s, deletedAt: null, enabled: s.enabled ?? true, consecutiveFailures: 0, nextFetchAt: sql`now()`, lastError: null })
      .where(eq(sources.id, existing!.id))
      .returning();
    // brought back as another kind: its items' rollup rows and reaction cells must move
    if (restored!.kind !== existing!.kind) await markDirtySource(tx as unknown as Db, restored!.id);
    return { row: restored!, outcome: 'restored' as const };
  });
}

/** Updates a live source; returns undefined when there is none with that id. */
export async function updateSource(db: Db, id: number, patch: SourcePatch): Promise<SourceRow | undefined> {
  const [row] = await db
    .update(sources)
    .set(patch)
    .where(and(eq(sources.id, id), live))
    .returning();
  return row;
}

/** Marks a source deleted (items keep it as their provenance); false when there is none. */
export async function deleteSource(db: Db, p: { id: number; at: Date }): Promise<boolean> {
  const rows = await db
    .update(sources)
    .set({ deletedAt: p.at, enabled: false, claimedBy: null, claimExpiresAt: null })
    .where(and(eq(sources.id, p.id), live))
    .returning({ id: sources.id });
  return rows.length > 0;
}

const SEEDED_KEY = 'default_sources_seeded';

/**
 * Seeds the default list once, into a database that has never had sources. The marker in
 * `meta` means a source the user later deleted is never seeded back.
 */
export async function seedSourcesOnce(db: Db, defaults: NewSource[]): Promise<number> {
  return db.transaction(async (tx) => {
    const inserted = await tx.insert(meta).values({ key: SEEDED_KEY, value: true }).onConflictDoNothing().returning();
    if (!inserted.length) return 0;
    const [{ n }] = (await tx.select({ n: count() }).from(sources)) as [{ n: number }];
    if (n > 0 || !defaults.length) return 0;
    const rows = await tx.insert(sources).values(defaults).onConflictDoNothing().returning({ id: sources.id });
    return rows.length;
  });
}

export interface ClaimParams {
  now: Date;
  instance: string;
  leaseMs: number;
  limit: number;
  /** fetch these sources whatever their schedule */
  ids?: number[];
  /** fetch every enabled source whatever its schedule */
  all?: boolean;
  /** sources this run already took */
  exclude?: number[];
}

/**
 * Claims sources to fetch: due ones (or the given ids, or all), not already claimed by a live
 * lease. `FOR UPDATE SKIP LOCKED` lets many processes claim at once without taking the same
 * source; a crashed process's lease simply expires.
 */
export async function claimSources(db: Db, p: ClaimParams): Promise<SourceRow[]> {
  const leaseEnds = new Date(p.now.getTime() + p.leaseMs);
  const unclaimed = or(isNull(sources.claimExpiresAt), lt(sources.claimExpiresAt, p.now));
  const which = p.ids?.length ? inArray(sources.id, p.ids) : p.all ? undefined : lte(sources.nextFetchAt, p.now);
  const enabled = p.ids?.length ? undefined : eq(sources.enabled, true);
  const candidates = db
    .select({ id: sources.id })
    .from(sources)
    .where(and(live, enabled, unclaimed, which, p.exclude?.length ? notInArray(sources.id, p.exclude) : undefined))
    .orderBy(asc(sources.nextFetchAt), asc(sources.id))
    .limit(p.limit)
    .for('update', { skipLocked: true });
  return db.update(sources).set({ claimedBy: p.instance, claimExpiresAt: leaseEnds }).where(inArray(sources.id, candidates)).returning();
}

/** Gives up claims without recording a fetch (for a run stopped before it fetched). */
export async function releaseClaims(db: Db, p: { instance: string; ids: number[] }): Promise<void> {
  if (!p.ids.length) return;
  await db
    .update(sources)
    .set({ claimedBy: null, claimExpiresAt: null })
    .where(and(inArray(sources.id, p.ids), eq(sources.claimedBy, p.instance)));
}

/** A live source by exact name (for imports that name their source). */
export async function findSourceByName(db: Db, name: string): Promise<SourceRow | undefined> {
  const [row] = await db
    .select()
    .from(sources)
    .where(and(eq(sources.name, name), live))
    .orderBy(asc(sources.id))
    .limit(1);
  return row;
}

/** Items stored per source, with the newest publication time (for the health page). */
export async function itemCountsBySource(db: Db): Promise<Map<number, { items: number; latest: Date | null }>> {
  const rows = await db
    .select({ id: items.sourceId, n: count(), latest: sql<string | Date | null>`max(${items.publishedAt})` })
    .from(items)
    .groupBy(items.sourceId);
  return new Map(rows.map((r) => [r.id, { items: Number(r.n), latest: r.latest ? new Date(r.latest) : null }]));
}
