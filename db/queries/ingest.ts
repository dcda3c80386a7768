import { and, eq, inArray } from 'drizzle-orm';
import type { NormalisedItem } from '../../src/ingest/normalise.ts';
import type { Db } from '../client.ts';
import { items, sightings, sources } from '../schema/index.ts';

/** What one fetch did to its source's health. */
export interface SourceHealth {
  at: Date;
  ok: boolean;
  status: number | null;
  error: string | null;
  consecutiveFailures: number;
  nextFetchAt: Date;
  /** only set when the server sent new validators */
  etag?: string | null;
  lastModified?: string | null;
}

export interface StoreResult {
  inserted: number;
  duplicates: number;
  newIds: number[];
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
  p: { sourceId: number; instance?: string; entries: NormalisedItem[]; health: SourceHealth },
): Promise<StoreResult> {
  return db.transaction(async (tx) => {
    const result: StoreResult = { inserted: 0, duplicates: 0, newIds: [] };
    /** every entry with the item it belongs to: known id, or the URL of the batch entry it copies */
    const seen: { entry: NormalisedItem; itemId?: number; sameAs?: string }[] = [];
    if (p.entries.length) {
      const urls = [...new Set(p.entries.map((e) => e.url))];
      const hashes = [...new Set(p.entries.filter((e) => e.linkableHash).map((e) => e.contentHash))];
      const guids = [...new Set(p.entries.map((e) => e.guid).filter((g): g is string => !!g))];
      const byUrl = new Map<string, number>();
      const byHash = new Map<string, number>();
      const byGuid = new Map<string, number>();
      for (const chunk of chunks(urls, BATCH)) {
        for (const r of await tx.select({ id: items.id, url: items.url }).from(items).where(inArray(items.url, chunk))) byUrl.set(r.url, r.id);
      }
      for (const chunk of chunks(hashes, BATCH)) {
        const rows = await tx
          .select({ id: items.id, hash: items.contentHash })
          .from(items)
          .where(inArray(items.contentHash, chunk))
          .orderBy(items.id);
        for (const r of rows) if (!byHash.has(r.hash)) byHash.set(r.hash, r.id);
      }
      for (const chunk of chunks(guids, BATCH)) {
        const rows = await tx
          .select({ id: sightings.itemId, guid: sightings.guid })
          .from(sightings)
          .where(and(eq(sightings.sourceId, p.sourceId), inArray(sightings.guid, chunk)));
        for (const r of rows) byGuid.set(r.guid!, r.id);
      }

      // Decide each entry: a known item, a copy of one earlier in this batch, or new.
      const fresh: NormalisedItem[] = [];
      const batchUrls = new Set<string>();
      const batchHashes = new Map<string, string>();
      for (const e of p.entries) {
        const known = byUrl.get(e.url) ?? (e.guid ? byGuid.get(e.guid) : undefined) ?? (e.linkableHash ? byHash.get(e.contentHash) : undefined);
        if (known !== undefined) {
          seen.push({ entry: e, itemId: known });
          result.duplicates++;
          continue;
        }
        const twinUrl = batchUrls.has(e.url) ? e.url : e.linkableHash ? batchHashes.get(e.contentHash) : undefined;
        if (twinUrl !== undefined) {
          seen.push({ entry: e, sameAs: twinUrl });
          result.duplicates++;
          continue;
        }
        batchUrls.add(e.url);
        if (e.linkableHash) batchHashes.set(e.contentHash, e.url);
        fresh.push(e);
        seen.push({ entry: e });
      }

      const idOf = new Map<string, number>();
      for (const chunk of chunks(fresh, BATCH)) {
        const rows = await tx
          .insert(items)
          .values(chunk.map((e) => toRow(p.sourceId, e)))
          .onConflictDoNothing({ target: items.url })
          .returning({ id: items.id, url: items.url });
        for (const r of rows) idOf.set(r.url, r.id);
        result.inserted += rows.length;
        result.newIds.push(...rows.map((r) => r.id));
      }
      // Another process may have inserted some of these URLs a moment ago: count them as duplicates.
      const raced = fresh.filter((e) => !idOf.has(e.url)).map((e) => e.url);
      if (raced.length) {
        result.duplicates += raced.length;
        for (const r of await tx.select({ id: items.id, url: items.url }).from(items).where(inArray(items.url, raced))) idOf.set(r.url, r.id);
      }

      const sightingRows = seen
        .map(({ entry, itemId, sameAs }) => {
          const id = itemId ?? idOf.get(sameAs ?? entry.url);
          return id === undefined ? undefined : { itemId: id, sourceId: p.sourceId, url: entry.url, guid: entry.guid, firstSeenAt: entry.fetchedAt };
        })
        .filter((r) => r !== undefined);
      for (const chunk of chunks(sightingRows, BATCH)) await tx.insert(sightings).values(chunk).onConflictDoNothing();
    }
    await recordHealth(tx as unknown as Db, p.sourceId, p.health, p.instance);
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

function toRow(sourceId: number, e: NormalisedItem): typeof items.$inferInsert {
  return {
    sourceId,
    url: e.url,
    guid: e.guid,
    title: e.title,
    summary: e.summary,
    content: e.content,
    author: e.author,
    publishedAt: e.publishedAt,
    publishedEstimated: e.publishedEstimated,
    fetchedAt: e.fetchedAt,
    contentHash: e.contentHash,
    language: e.language,
    studios: e.studios,
    unions: e.unions,
    areas: e.areas,
    relevant: e.relevant,
    status: 'pending',
  };
}

function* chunks<T>(list: T[], size: number): Generator<T[]> {
  for (let i = 0; i < list.length; i += size) yield list.slice(i, i + size);
}

