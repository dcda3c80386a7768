import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { lookupKeys, planEntries, reconcileRaced, sightingsOf, type KnownItems } from '../../src/ingest/dedup-plan.ts';
import type { NormalisedItem } from '../../src/ingest/normalise.ts';
import type { DiscoveryMethod } from '../../src/labels.ts';
import { rowsOf, type Db } from '../client.ts';
import { arrayParam, pgArrayLiteral } from './pg-array.ts';
import { items, sightings, sources } from '../schema/index.ts';

import type { SourceHealth } from '../../src/ingest/health.ts';

export type { SourceHealth } from '../../src/ingest/health.ts';

export interface StoreResult {
  inserted: number;
  duplicates: number;
  newIds: number[];
  /** the new items with their URLs (for full text) */
  fresh: { id: number; url: string }[];
}

const BATCH = 500;

/**
 * Stores one fetch of one source in a single transaction: new items, a sighting for every entry
 * (so a story carried by two feeds is one item seen twice), and the source's health. A crash
 * leaves all of it or none. Duplicates are found by canonical URL, by the source's own guid, and
 * by content hash (a re-post under another URL links to the first copy).
 */
export async function storeFetch(
  db: Db,
  p: { sourceId: number; instance?: string; entries: NormalisedItem[]; health?: SourceHealth; discoveredVia?: DiscoveryMethod },
): Promise<StoreResult> {
  return db.transaction(async (tx) => {
    const result: StoreResult = { inserted: 0, duplicates: 0, newIds: [], fresh: [] };
    if (p.entries.length) {
      const keys = lookupKeys(p.entries);
      const known: KnownItems = { byUrl: new Map(), byGuid: new Map(), byHash: new Map() };
      for (const chunk of chunks(keys.urls, BATCH)) {
        for (const r of await tx.select({ id: items.id, url: items.url }).from(items).where(inArray(items.url, chunk)))
          known.byUrl.set(r.url, r.id);
      }
      for (const chunk of chunks(keys.hashes, BATCH)) {
        const rows = await tx.select({ id: items.id, key: items.dedupKey }).from(items).where(inArray(items.dedupKey, chunk));
        for (const r of rows) known.byHash.set(r.key!, r.id);
      }
      for (const chunk of chunks(keys.guids, BATCH)) {
        const rows = await tx
          .select({ id: sightings.itemId, guid: sightings.guid })
          .from(sightings)
          .where(and(eq(sightings.sourceId, p.sourceId), inArray(sightings.guid, chunk)));
        for (const r of rows) known.byGuid.set(r.guid!, r.id);
      }
      const plan = planEntries(p.entries, known);
      result.duplicates = plan.duplicates;

      const idOf = new Map<string, number>();
      for (const chunk of chunks(plan.fresh, BATCH)) {
        const rows = await insertItems(tx as unknown as Db, p.sourceId, chunk, p.discoveredVia ?? 'feed');
        for (const r of rows) idOf.set(r.url, r.id);
        result.inserted += rows.length;
        result.newIds.push(...rows.map((r) => r.id));
        result.fresh.push(...rows);
      }
      // Another process may have stored some of these stories a moment ago (same URL or same
      // text): they count as duplicates and their sightings point at that copy.
      const raced = plan.fresh.filter((e) => !idOf.has(e.url));
      if (raced.length) {
        result.duplicates += raced.length;
        const urls = raced.map((e) => e.url);
        const hashes = raced.filter((e) => e.linkableHash).map((e) => e.contentHash);
        const rows = await tx
          .select({ id: items.id, url: items.url, key: items.dedupKey })
          .from(items)
          .where(hashes.length ? or(inArray(items.url, urls), inArray(items.dedupKey, hashes)) : inArray(items.url, urls));
        for (const [url, id] of reconcileRaced(raced, rows)) idOf.set(url, id);
      }

      for (const chunk of chunks(sightingsOf(plan.seen, idOf, p.sourceId), BATCH)) {
        await tx.execute(sql`
          insert into item_sightings (item_id, source_id, url, guid, first_seen_at)
          select * from unnest(${arrayParam(
            chunk.map((r) => r.itemId),
            'bigint',
          )}, ${arrayParam(
            chunk.map((r) => r.sourceId),
            'int',
          )},
                               ${arrayParam(
                                 chunk.map((r) => r.url),
                                 'text',
                               )}, ${arrayParam(
                                 chunk.map((r) => r.guid),
                                 'text',
                               )},
                               ${arrayParam(
                                 chunk.map((r) => r.firstSeenAt.toISOString()),
                                 'timestamptz',
                               )})
          on conflict do nothing`);
      }
    }
    if (p.health) await recordHealth(tx as unknown as Db, p.sourceId, p.health, p.instance);
    return result;
  });
}

/** Writes a fetch's outcome on the source row and releases this process's claim. */
export async function recordHealth(db: Db, sourceId: number, h: SourceHealth, _instance?: string): Promise<void> {
  await db
    .update(sources)
    .set({
      lastFetchedAt: h.at,
      lastStatus: h.status,
      consecutiveFailures: h.consecutiveFailures,
      nextFetchAt: h.nextFetchAt,
      lastError: h.error,
      claimedBy: null,
      claimExpiresAt: null,
      ...(h.ok ? { lastSuccessAt: h.at } : {}),
      ...(h.etag !== undefined ? { etag: h.etag } : {}),
      ...(h.lastModified !== undefined ? { lastModified: h.lastModified } : {}),
    })
    .where(eq(sources.id, sourceId));
}

/** Inserts new items with one parameter per column (see pg-array.ts); returns the rows stored. */
async function insertItems(db: Db, sourceId: number, list: NormalisedItem[], via: DiscoveryMethod): Promise<{ id: number; url: string }[]> {
  const col = <T extends string | number | boolean | null>(f: (e: NormalisedItem) => T, type: string) => arrayParam(list.map(f), type);
  const result = await db.execute(sql`
    insert into items (source_id, url, guid, title, summary, content, author, outlet, discovered_via, published_at, published_estimated,
                       fetched_at, content_hash, dedup_key, language, studios, unions, areas, relevant, status)
    select ${sourceId}, u.url, u.guid, u.title, u.summary, u.content, u.author, u.outlet, ${via}::discovery_method, u.published_at, u.published_estimated,
           u.fetched_at, u.content_hash, u.dedup_key, u.language, u.studios::text[], u.unions::text[], u.areas::text[], u.relevant, 'pending'
    from unnest(${col((e) => e.url, 'text')}, ${col((e) => e.guid, 'text')}, ${col((e) => e.title, 'text')}, ${col((e) => e.summary, 'text')},
                ${col((e) => e.content, 'text')}, ${col((e) => e.author, 'text')}, ${col((e) => e.outlet, 'text')}, ${col((e) => e.publishedAt.toISOString(), 'timestamptz')},
                ${col((e) => e.publishedEstimated, 'boolean')}, ${col((e) => e.fetchedAt.toISOString(), 'timestamptz')},
                ${col((e) => e.contentHash, 'text')}, ${col((e) => (e.linkableHash ? e.contentHash : null), 'text')}, ${col((e) => e.language, 'text')},
                ${col((e) => pgArrayLiteral(e.studios), 'text')}, ${col((e) => pgArrayLiteral(e.unions), 'text')},
                ${col((e) => pgArrayLiteral(e.areas), 'text')}, ${col((e) => e.relevant, 'boolean')})
      as u(url, guid, title, summary, content, author, outlet, published_at, published_estimated, fetched_at, content_hash, dedup_key, language, studios, unions, areas, relevant)
    on conflict do nothing
    returning id, url`);
  return rowsOf<{ id: number | string; url: string }>(result).map((r) => ({ id: Number(r.id), url: r.url }));
}

function* chunks<T>(list: T[], size: number): Generator<T[]> {
  for (let i = 0; i < list.length; i += size) yield list.slice(i, i + size);
}
