import { describe, expect, it } from 'vitest';
import { lookupKeys, planEntries, reconcileRaced, sightingsOf, type KnownItems } from '../src/ingest/dedup-plan.ts';
import type { NormalisedItem } from '../src/ingest/normalise.ts';

const FETCHED = new Date('2025-07-20T10:00:00Z');

/** A normalised entry; only the keys dedup looks at matter. */
function entry(url: string, over: Partial<NormalisedItem> = {}): NormalisedItem {
  return {
    url,
    guid: null,
    title: `Story at ${url}`,
    summary: '',
    content: '',
    author: null,
    outlet: null,
    publishedAt: FETCHED,
    publishedEstimated: false,
    fetchedAt: FETCHED,
    contentHash: `hash-of-${url}`,
    linkableHash: false,
    language: null,
    studios: [],
    unions: [],
    areas: [],
    relevant: false,
    ...over,
  };
}

const known = (k: Partial<Record<keyof KnownItems, [string, number][]>> = {}): KnownItems => ({
  byUrl: new Map(k.byUrl ?? []),
  byGuid: new Map(k.byGuid ?? []),
  byHash: new Map(k.byHash ?? []),
});

describe('lookupKeys', () => {
  it('lists each URL once, in first-seen order', () => {
    expect(lookupKeys([entry('https://a.org/1'), entry('https://a.org/2'), entry('https://a.org/1')]).urls).toEqual([
      'https://a.org/1',
      'https://a.org/2',
    ]);
  });
  it('looks up content hashes only for texts long enough to link', () => {
    const keys = lookupKeys([
      entry('https://a.org/1', { contentHash: 'long', linkableHash: true }),
      entry('https://a.org/2', { contentHash: 'short', linkableHash: false }),
    ]);
    expect(keys.hashes).toEqual(['long']);
  });
  it('lists each guid once and skips entries without one', () => {
    const keys = lookupKeys([
      entry('https://a.org/1', { guid: 'g1' }),
      entry('https://a.org/2'),
      entry('https://a.org/3', { guid: 'g1' }),
      entry('https://a.org/4', { guid: '' }),
    ]);
    expect(keys.guids).toEqual(['g1']);
  });
  it('gives empty lists for an empty fetch', () => {
    expect(lookupKeys([])).toEqual({ urls: [], hashes: [], guids: [] });
  });
});

describe('planEntries', () => {
  it('inserts a never-seen entry once and counts no duplicate', () => {
    const e = entry('https://a.org/new');
    const plan = planEntries([e], known());
    expect(plan).toEqual({ fresh: [e], seen: [{ entry: e }], duplicates: 0 });
  });

  it('links an entry to the stored item with its URL', () => {
    const e = entry('https://a.org/1');
    const plan = planEntries([e], known({ byUrl: [['https://a.org/1', 7]] }));
    expect(plan).toEqual({ fresh: [], seen: [{ entry: e, itemId: 7 }], duplicates: 1 });
  });

  it('links an entry whose link and text changed but whose guid this source gave before', () => {
    const e = entry('https://a.org/renamed-slug', { guid: 'post-42', contentHash: 'edited', linkableHash: true });
    const plan = planEntries([e], known({ byGuid: [['post-42', 3]] }));
    expect(plan.seen).toEqual([{ entry: e, itemId: 3 }]);
    expect(plan.fresh).toEqual([]);
    expect(plan.duplicates).toBe(1);
  });

  it('links a re-post under another URL by its content hash when the text is long enough', () => {
    const e = entry('https://mirror.org/copy', { contentHash: 'h', linkableHash: true });
    expect(planEntries([e], known({ byHash: [['h', 9]] })).seen).toEqual([{ entry: e, itemId: 9 }]);
  });

  it('does not link by a content hash too short to identify a story', () => {
    const e = entry('https://mirror.org/short', { contentHash: 'h', linkableHash: false });
    const plan = planEntries([e], known({ byHash: [['h', 9]] }));
    expect(plan.fresh).toEqual([e]);
    expect(plan.duplicates).toBe(0);
  });

  it('prefers the URL match over the guid and the hash', () => {
    const e = entry('https://a.org/1', { guid: 'g', contentHash: 'h', linkableHash: true });
    const plan = planEntries([e], known({ byUrl: [['https://a.org/1', 1]], byGuid: [['g', 2]], byHash: [['h', 3]] }));
    expect(plan.seen[0]!.itemId).toBe(1);
  });

  it('prefers the guid match over the hash', () => {
    const e = entry('https://a.org/1', { guid: 'g', contentHash: 'h', linkableHash: true });
    expect(planEntries([e], known({ byGuid: [['g', 2]], byHash: [['h', 3]] })).seen[0]!.itemId).toBe(2);
  });

  it('ignores a stored guid when the entry has none', () => {
    const e = entry('https://a.org/1', { guid: null });
    const k = known();
    k.byGuid.set(null as unknown as string, 5); // a lookup on a missing guid must not happen
    expect(planEntries([e], k).fresh).toEqual([e]);
  });

  it('treats a repeated URL in one fetch as a copy of its first entry', () => {
    const first = entry('https://a.org/1');
    const again = entry('https://a.org/1', { title: 'again' });
    const plan = planEntries([first, again], known());
    expect(plan.fresh).toEqual([first]);
    expect(plan.seen).toEqual([{ entry: first }, { entry: again, sameAs: 'https://a.org/1' }]);
    expect(plan.duplicates).toBe(1);
  });

  it('treats a repeated guid in one fetch as a copy of the entry that first had it', () => {
    const first = entry('https://a.org/1', { guid: 'g' });
    const moved = entry('https://a.org/2', { guid: 'g' });
    const plan = planEntries([first, moved], known());
    expect(plan.fresh).toEqual([first]);
    expect(plan.seen[1]).toEqual({ entry: moved, sameAs: 'https://a.org/1' });
  });

  it('treats a repeated long text in one fetch as a copy of its first entry', () => {
    const first = entry('https://a.org/1', { contentHash: 'h', linkableHash: true });
    const copy = entry('https://a.org/2', { contentHash: 'h', linkableHash: true });
    const plan = planEntries([first, copy], known());
    expect(plan.seen[1]).toEqual({ entry: copy, sameAs: 'https://a.org/1' });
    expect(plan.duplicates).toBe(1);
  });

  it('keeps two short texts with one hash apart', () => {
    const a = entry('https://a.org/1', { contentHash: 'h', linkableHash: false });
    const b = entry('https://a.org/2', { contentHash: 'h', linkableHash: false });
    expect(planEntries([a, b], known()).fresh).toEqual([a, b]);
  });

  it('does not let a short first text claim a long copy', () => {
    const short = entry('https://a.org/1', { contentHash: 'h', linkableHash: false });
    const long = entry('https://a.org/2', { contentHash: 'h', linkableHash: true });
    expect(planEntries([short, long], known()).fresh).toEqual([short, long]);
  });

  it('keeps entries without guids apart even when both have none', () => {
    const a = entry('https://a.org/1', { guid: null });
    const b = entry('https://a.org/2', { guid: null });
    expect(planEntries([a, b], known()).fresh).toEqual([a, b]);
  });

  it('counts stored and in-batch duplicates together', () => {
    const entries = [entry('https://a.org/stored'), entry('https://a.org/new'), entry('https://a.org/new')];
    const plan = planEntries(entries, known({ byUrl: [['https://a.org/stored', 1]] }));
    expect(plan.duplicates).toBe(2);
    expect(plan.fresh.map((e) => e.url)).toEqual(['https://a.org/new']);
  });
});

describe('reconcileRaced', () => {
  it('finds the copy another process stored under the same URL', () => {
    const e = entry('https://a.org/1');
    expect([...reconcileRaced([e], [{ id: 4, url: 'https://a.org/1', key: null }])]).toEqual([['https://a.org/1', 4]]);
  });
  it('finds the copy stored under another URL by its content hash', () => {
    const e = entry('https://a.org/1', { contentHash: 'h', linkableHash: true });
    expect(reconcileRaced([e], [{ id: 5, url: 'https://b.org/x', key: 'h' }]).get('https://a.org/1')).toBe(5);
  });
  it('takes the row whose content hash is the entry’s, not just any row', () => {
    const e = entry('https://a.org/1', { contentHash: 'h', linkableHash: true });
    const rows = [
      { id: 5, url: 'https://b.org/x', key: 'other' },
      { id: 6, url: 'https://b.org/y', key: 'h' },
    ];
    expect(reconcileRaced([e], rows).get('https://a.org/1')).toBe(6);
  });
  it('prefers the same URL over a hash match', () => {
    const e = entry('https://a.org/1', { contentHash: 'h', linkableHash: true });
    const rows = [
      { id: 5, url: 'https://b.org/x', key: 'h' },
      { id: 6, url: 'https://a.org/1', key: 'other' },
    ];
    expect(reconcileRaced([e], rows).get('https://a.org/1')).toBe(6);
  });
  it('does not match a short text by hash', () => {
    const e = entry('https://a.org/1', { contentHash: 'h', linkableHash: false });
    expect(reconcileRaced([e], [{ id: 5, url: 'https://b.org/x', key: 'h' }]).size).toBe(0);
  });
  it('leaves out an entry with no stored copy', () => {
    expect(reconcileRaced([entry('https://a.org/1')], []).size).toBe(0);
  });
});

describe('sightingsOf', () => {
  it('writes one sighting per entry: stored, fresh and in-batch copies, with the entry’s own URL and guid', () => {
    const stored = entry('https://a.org/stored', { guid: 's' });
    const fresh = entry('https://a.org/fresh', { guid: 'f' });
    const copy = entry('https://a.org/fresh?copy', { guid: 'c' });
    const rows = sightingsOf(
      [{ entry: stored, itemId: 1 }, { entry: fresh }, { entry: copy, sameAs: 'https://a.org/fresh' }],
      new Map([['https://a.org/fresh', 2]]),
      17,
    );
    expect(rows).toEqual([
      { itemId: 1, sourceId: 17, url: 'https://a.org/stored', guid: 's', firstSeenAt: FETCHED },
      { itemId: 2, sourceId: 17, url: 'https://a.org/fresh', guid: 'f', firstSeenAt: FETCHED },
      { itemId: 2, sourceId: 17, url: 'https://a.org/fresh?copy', guid: 'c', firstSeenAt: FETCHED },
    ]);
  });
  it('skips an entry whose item never got an id', () => {
    expect(sightingsOf([{ entry: entry('https://a.org/lost') }], new Map(), 1)).toEqual([]);
  });
  it('keeps item id 0 (a real id, not a missing one)', () => {
    expect(sightingsOf([{ entry: entry('https://a.org/1'), itemId: 0 }], new Map(), 1).map((r) => r.itemId)).toEqual([0]);
  });
});
