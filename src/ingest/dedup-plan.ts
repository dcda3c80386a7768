import type { NormalisedItem } from './normalise.ts';

/**
 * Dedup planning for one fetch, as pure steps around the two database reads of storeFetch:
 * `lookupKeys` says what to look up, `planEntries` decides each entry from what was found,
 * `reconcileRaced` resolves the entries another process stored first, and `sightingsOf` lists
 * the sightings to write. An entry is the same story as a stored item when it has the item's
 * canonical URL, the guid this source gave it before, or (for texts long enough to identify a
 * story) its content hash.
 */

/** Items already stored, by each key an entry may match on. */
export interface KnownItems {
  byUrl: Map<string, number>;
  /** this source's own guids only: another feed's guid says nothing */
  byGuid: Map<string, number>;
  byHash: Map<string, number>;
}

/** One entry and the item it belongs to: a stored item, an earlier entry of this batch, or itself (new). */
export interface PlannedEntry {
  entry: NormalisedItem;
  itemId?: number;
  /** the URL of the earlier entry in this batch that this one copies */
  sameAs?: string;
}

export interface DedupPlan {
  /** entries to insert as new items, once each */
  fresh: NormalisedItem[];
  /** every entry, in order, with what it belongs to */
  seen: PlannedEntry[];
  duplicates: number;
}

/** The keys to look up for a batch: distinct URLs, linkable content hashes and guids. */
export function lookupKeys(entries: NormalisedItem[]): { urls: string[]; hashes: string[]; guids: string[] } {
  return {
    urls: [...new Set(entries.map((e) => e.url))],
    hashes: [...new Set(entries.filter((e) => e.linkableHash).map((e) => e.contentHash))],
    guids: [...new Set(entries.map((e) => e.guid).filter((g): g is string => !!g))],
  };
}

/** Decides each entry: a known item (URL, then guid, then hash), a copy of an earlier entry, or new. */
export function planEntries(entries: NormalisedItem[], known: KnownItems): DedupPlan {
  const plan: DedupPlan = { fresh: [], seen: [], duplicates: 0 };
  const batchUrls = new Set<string>();
  const batchGuids = new Map<string, string>();
  const batchHashes = new Map<string, string>();
  for (const e of entries) {
    const stored =
      known.byUrl.get(e.url) ??
      (e.guid ? known.byGuid.get(e.guid) : undefined) ??
      (e.linkableHash ? known.byHash.get(e.contentHash) : undefined);
    if (stored !== undefined) {
      plan.seen.push({ entry: e, itemId: stored });
      plan.duplicates++;
      continue;
    }
    const twin = batchUrls.has(e.url)
      ? e.url
      : ((e.guid ? batchGuids.get(e.guid) : undefined) ?? (e.linkableHash ? batchHashes.get(e.contentHash) : undefined));
    if (twin !== undefined) {
      plan.seen.push({ entry: e, sameAs: twin });
      plan.duplicates++;
      continue;
    }
    batchUrls.add(e.url);
    if (e.guid) batchGuids.set(e.guid, e.url);
    if (e.linkableHash) batchHashes.set(e.contentHash, e.url);
    plan.fresh.push(e);
    plan.seen.push({ entry: e });
  }
  return plan;
}

/**
 * For fresh entries whose insert found the story already stored (another process stored it a
 * moment ago, same URL or same text): the id of that copy, from the rows read back.
 */
export function reconcileRaced(raced: NormalisedItem[], rows: { id: number; url: string; key: string | null }[]): Map<string, number> {
  const ids = new Map<string, number>();
  for (const e of raced) {
    const hit = rows.find((r) => r.url === e.url) ?? (e.linkableHash ? rows.find((r) => r.key === e.contentHash) : undefined);
    if (hit) ids.set(e.url, hit.id);
  }
  return ids;
}

export interface SightingRow {
  itemId: number;
  sourceId: number;
  url: string;
  guid: string | null;
  firstSeenAt: Date;
}

/** A sighting for every entry whose item is known; `idOf` maps a fresh entry's URL to its new id. */
export function sightingsOf(seen: PlannedEntry[], idOf: Map<string, number>, sourceId: number): SightingRow[] {
  const rows: SightingRow[] = [];
  for (const { entry, itemId, sameAs } of seen) {
    const id = itemId ?? idOf.get(sameAs ?? entry.url);
    if (id !== undefined) rows.push({ itemId: id, sourceId, url: entry.url, guid: entry.guid, firstSeenAt: entry.fetchedAt });
  }
  return rows;
}
