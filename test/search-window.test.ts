import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/analytics/random.ts';
import type { Database, Db } from '../db/client.ts';
import { rowsOf } from '../db/client.ts';
import { listItems, SEARCH_CANDIDATES, type ItemCursor, type ItemFilters } from '../db/queries/items.ts';
import { moveSearchWindow } from '../db/queries/search-window.ts';
import { STANCES } from '../src/labels.ts';
import { freshDatabase } from './helpers/db.ts';
import { makeItems, makeSource, type ItemSpec } from './helpers/factories.ts';

/**
 * A search ranks the newest matches from the recent search index when that is enough to know
 * them: the answer must be the one the full index gives, page after page.
 */
let database: Database;
let db: Db;
let news: number;
// the project's seeded generator, so a failure is repeatable
const rand = seededRandom(5);
const DAY = 86_400_000;
const END = Date.parse('2025-09-01T00:00:00Z');
const WORDS = ['replica', 'dubbing', 'storyboard', 'consent', 'voice', 'guild'];

const QUERIES: { q: string; filters?: Partial<ItemFilters> }[] = [
  { q: 'everyone' }, // in every title: more than SEARCH_CANDIDATES recent matches
  { q: 'replica' },
  { q: 'voice dubbing' },
  { q: 'consent', filters: { relevant: true, labelled: true } },
  { q: 'guild', filters: { from: new Date(END - 3 * DAY) } },
  { q: 'storyboard', filters: { from: new Date(END - 400 * DAY), to: new Date(END - 100 * DAY) } },
  { q: 'everyone', filters: { labels: { corrections: true }, relevant: true } },
];

/** Every page of a search, up to `pages`, as ids, ranks and totals. */
async function pages(q: string, extra: Partial<ItemFilters> = {}, max = 4) {
  const out: unknown[] = [];
  let cursor: ItemCursor | undefined;
  for (let k = 0; k < max; k++) {
    const page = await listItems(db, { filters: { q, ...extra }, limit: 25, cursor });
    out.push({ ids: page.rows.map((r) => r.id), ranks: page.rows.map((r) => r.rank), total: page.total, relation: page.totalRelation });
    if (!page.next) break;
    cursor = page.next;
  }
  return out;
}

async function allAnswers() {
  const out = [];
  for (const { q, filters } of QUERIES) out.push(await pages(q, filters));
  return out;
}

type Page = { ids: number[]; ranks: unknown[]; total: number; relation: 'eq' | 'gte' };

/**
 * The same pages as the full index's; a total marked 'gte' is a lower bound of the full count
 * (the matches inside the window), any other the full count itself.
 */
function expectSameAnswers(got: unknown[][], full: unknown[][]) {
  let bounded = 0;
  got.forEach((answer, k) => {
    const want = full[k] as Page[];
    (answer as Page[]).forEach((page, j) => {
      expect({ ids: page.ids, ranks: page.ranks }).toEqual({ ids: want[j]!.ids, ranks: want[j]!.ranks });
      expect(want[j]!.relation).toBe('eq');
      if (page.relation === 'gte') {
        bounded++;
        expect(page.total).toBeLessThanOrEqual(want[j]!.total);
        expect(page.total).toBeGreaterThanOrEqual(SEARCH_CANDIDATES);
      } else expect(page.total).toBe(want[j]!.total);
    });
    expect(answer.length).toBe(want.length);
  });
  return bounded;
}

async function withoutWindow<T>(f: () => Promise<T>): Promise<T> {
  const saved = rowsOf<{ since: string }>(await db.execute(sql`select since::text as since from search_window`));
  await db.execute(sql`delete from search_window`);
  try {
    return await f();
  } finally {
    if (saved[0]) await db.execute(sql`insert into search_window (id, since) values (1, ${saved[0].since}::timestamptz)`);
  }
}

async function windowHoldsEveryNewItem() {
  const [row] = rowsOf<{ missing: number | string; extra: number | string }>(
    await db.execute(sql`
      select (select count(*) from items i where i.published_at >= w.since
                and not exists (select 1 from recent_search r where r.item_id = i.id and r.search = i.search and r.published_at = i.published_at))::int as missing,
             (select count(*) from recent_search r where r.published_at < w.since)::int as extra
      from search_window w`),
  );
  return { missing: Number(row?.missing), extra: Number(row?.extra) };
}

beforeAll(async () => {
  database = await freshDatabase();
  db = database.db;
  news = await makeSource(db, 'news', 'Trade');
  const specs: ItemSpec[] = [];
  for (let k = 0; k < 3000; k++) {
    // most items recent (as a feed reader sees them), some going back two years
    const age = k < 2600 ? rand() * 20 * DAY : rand() * 730 * DAY;
    const words = WORDS.filter(() => rand() > 0.6).join(' ');
    specs.push({
      sourceId: news,
      // whole minutes, so that some items share a publication time
      publishedAt: new Date(END - Math.floor(age / 60_000) * 60_000),
      stance: STANCES[k % 3]!,
      relevant: rand() > 0.2,
      title: `Item ${k} for everyone ${words}`,
      summary: rand() > 0.5 ? `more about ${WORDS[k % WORDS.length]}` : '',
    });
  }
  await makeItems(db, specs);
  await db.execute(sql`
    insert into item_corrections (item_id, relevant, stance, concerns, coders, updated_at)
    select id, not coalesce(relevant, false), 'worry', '{}', 2, now() from items where id % 11 = 0`);
});
afterAll(async () => {
  await database?.close();
});

describe('the recent search index', () => {
  it('gives the answers of the full index, page after page', async () => {
    const expected = await withoutWindow(allAnswers);
    // the newest 2,400 items: 'everyone' has more than SEARCH_CANDIDATES matches inside, the rest fewer
    const w = await moveSearchWindow(db, { keep: 2400 });
    expect(w.items).toBeGreaterThanOrEqual(2400);
    expect(SEARCH_CANDIDATES).toBeLessThan(2400);
    expect(await windowHoldsEveryNewItem()).toEqual({ missing: 0, extra: 0 });
    const got = await allAnswers();
    // 'everyone' (twice) is answered from the window, with a lower bound for its total
    expect(expectSameAnswers(got, expected)).toBeGreaterThan(0);
    expect((got[0] as Page[])[0]).toMatchObject({ relation: 'gte', total: 2400 });
    expect((expected[0] as Page[])[0]!.total).toBe(3000);
  });

  it('is what the answer is read from, when it can be', async () => {
    // take out the 300 newest copies: 2,100 recent matches are still enough, so the answer now
    // comes from the others (with them back, it is the full index's again)
    const before = await pages('everyone');
    const top = rowsOf<{ id: number | string }>(
      await db.execute(sql`select item_id as id from recent_search order by published_at desc, item_id desc limit 300`),
    ).map((r) => Number(r.id));
    const ids = `{${top.join(',')}}`;
    await db.execute(sql`delete from recent_search where item_id = any(${ids}::bigint[])`);
    expect(await pages('everyone')).not.toEqual(before);
    await db.execute(
      sql`insert into recent_search (item_id, published_at, search) select id, published_at, search from items where id = any(${ids}::bigint[])`,
    );
    expect(await pages('everyone')).toEqual(before);
  });

  it('follows new, changed and deleted items, and the window moving on', async () => {
    const [w] = rowsOf<{ since: string | Date }>(await db.execute(sql`select since from search_window`));
    const since = new Date(w!.since).getTime();
    const fresh = await makeItems(db, [
      { sourceId: news, publishedAt: new Date(END + DAY), stance: 'worry', title: 'Newest everyone voice' },
      { sourceId: news, publishedAt: new Date(since - 30 * DAY), stance: 'worry', title: 'Backfilled everyone voice' },
    ]);
    expect(await windowHoldsEveryNewItem()).toEqual({ missing: 0, extra: 0 });
    const inside = rowsOf(
      await db.execute(sql`select item_id from recent_search where item_id = any(${`{${fresh.join(',')}}`}::bigint[])`),
    );
    expect(inside).toEqual([{ item_id: expect.anything() }]);
    // a new title changes the copy; a date moved out of the window takes it out; back in, in again
    await db.execute(sql`update items set title = 'Renamed everyone replica' where id = ${fresh[0]!}`);
    await db.execute(
      sql`update items set published_at = ${new Date(since - DAY).toISOString()}::timestamptz where id = ${fresh[0]! - 100}`,
    );
    await db.execute(sql`update items set published_at = ${new Date(END).toISOString()}::timestamptz where id = ${fresh[1]!}`);
    expect(await windowHoldsEveryNewItem()).toEqual({ missing: 0, extra: 0 });
    await db.execute(sql`delete from items where id = ${fresh[0]!}`);
    expect(await windowHoldsEveryNewItem()).toEqual({ missing: 0, extra: 0 });
    // the window moves forward to the newest 1,000 and leaves nothing older behind
    const moved = await moveSearchWindow(db, { keep: 1000 });
    expect(moved.moved).toBe(true);
    expect(moved.since!.getTime()).toBeGreaterThan(since);
    expect(await windowHoldsEveryNewItem()).toEqual({ missing: 0, extra: 0 });
    expect(await moveSearchWindow(db, { keep: 5000 })).toMatchObject({ moved: false });
    // and still the answers of the full index
    const now = await allAnswers();
    expectSameAnswers(now, await withoutWindow(allAnswers));
  });
});
