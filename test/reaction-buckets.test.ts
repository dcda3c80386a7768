import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/analytics/random.ts';
import type { Database, Db } from '../db/client.ts';
import { insertAnnouncement, updateAnnouncement } from '../db/queries/announcements.ts';
import { writeLabels } from '../db/queries/labels.ts';
import { rowsOf } from '../db/client.ts';
import { rebuildRollups } from '../src/services/jobs.ts';
import { announcementReaction } from '../src/services/reactions.ts';
import { STANCES, type SourceKind } from '../src/labels.ts';
import { freshDatabase } from './helpers/db.ts';
import { makeItems, makeSource, type ItemSpec } from './helpers/factories.ts';

/**
 * The cached reaction counts (reaction_buckets) must give exactly the answer counted from items:
 * every window, every source kind, dirty days, ties in confidence, and announcements changed
 * after their counts were cached.
 */
let database: Database;
let db: Db;
let announcementId: number;
const MOMENT = new Date('2025-07-17T20:45:00Z'); // 13:45 in Los Angeles
const clock = { now: () => new Date('2026-01-01T00:00:00Z') };

// the project's seeded generator, so a failure is repeatable
const rand = seededRandom(7);

const reaction = (windowDays: number, kind?: SourceKind) => announcementReaction({ db, clock }, { id: announcementId, windowDays, kind });

async function builds(): Promise<number> {
  const [row] = rowsOf<{ n: number | string }>(await db.execute(sql`select count(*)::int as n from reaction_builds`));
  return Number(row?.n);
}

async function rebuildAll() {
  let r: Awaited<ReturnType<typeof rebuildRollups>>;
  do r = await rebuildRollups({ db }, { limit: 1000 });
  while (r.remaining > 0 || r.reactionsRemaining > 0);
}

const WINDOWS = [1, 14, 30, 31, 180];
const KINDS: (SourceKind | undefined)[] = [undefined, 'union'];
/** Where the 14-day, every-kind answer is in a list of answers. */
const AT_14 = WINDOWS.indexOf(14) * KINDS.length;

async function answersFromItems() {
  // what the reaction says with no cache at all
  await db.execute(sql`delete from reaction_builds`);
  const out = [];
  for (const w of WINDOWS) for (const k of KINDS) out.push(await reaction(w, k));
  return out;
}

async function answersNow() {
  const out = [];
  for (const w of WINDOWS) for (const k of KINDS) out.push(await reaction(w, k));
  return out;
}

beforeAll(async () => {
  database = await freshDatabase();
  db = database.db;
  const kinds: SourceKind[] = ['union', 'news', 'studio'];
  const sources = [];
  for (const k of kinds) sources.push(await makeSource(db, k, `${k} one`));
  const a = await insertAnnouncement(db, {
    title: 'Netflix GenAI shot',
    studio: 'Netflix',
    date: '2025-07-17',
    time: '13:45',
    timeZone: 'America/Los_Angeles',
    keywords: ['Eternauta', 'generative AI'],
  });
  announcementId = a.id;
  const specs: ItemSpec[] = [];
  for (let k = 0; k < 900; k++) {
    // spread over 200 days each side, denser near the moment, some at exact day offsets
    const offsetMs = k % 50 === 0 ? Math.round((rand() - 0.5) * 20) * 86_400_000 : (rand() - 0.5) * 2 * 200 * 86_400_000 * rand() ** 2;
    const which = rand();
    specs.push({
      sourceId: sources[k % 3]!,
      publishedAt: new Date(MOMENT.getTime() + Math.round(offsetMs)),
      stance: STANCES[Math.floor(rand() * 3)]!,
      relevant: rand() > 0.1,
      studios: which < 0.4 ? ['Netflix'] : which < 0.5 ? ['Disney'] : [],
      title:
        which >= 0.5 && which < 0.8 ? `El Eternauta item ${k}` : which >= 0.8 && which < 0.9 ? `Generative AI at work ${k}` : `Item ${k}`,
      // few distinct values, so ties in confidence are common and broken by id
      confidence: 0.5 + Math.floor(rand() * 5) / 10,
      sentence: `quote ${k}`,
    });
  }
  await makeItems(db, specs);
});
afterAll(async () => {
  await database?.close();
});

describe('cached reaction counts', () => {
  it('give the answer counted from items, for every window and kind', async () => {
    const expected = await answersFromItems();
    // rollups rebuilt but the counts not cached yet: still from items
    await rebuildAll();
    expect(await builds()).toBe(1);
    const cached = await answersNow();
    expect(cached).toEqual(expected);
    // the cache is really read: emptying its cells changes the answer
    await db.execute(sql`update reaction_buckets set n = n + 1`);
    expect((await reaction(14)).before.total).toBeGreaterThan(expected[AT_14]!.before.total);
    await db.execute(sql`update reaction_buckets set n = n - 1`);
  });

  it('read dirty days from items until the rollup job rebuilds them', async () => {
    // relabel items near the moment: their days turn dirty; the answer must follow at once
    const rows = rowsOf<{ id: number | string }>(
      await db.execute(sql`
        select id from items
        where published_at between ${new Date(MOMENT.getTime() - 5 * 86_400_000).toISOString()}::timestamptz
                               and ${new Date(MOMENT.getTime() + 5 * 86_400_000).toISOString()}::timestamptz
        order by id limit 40`),
    );
    const ids = rows.map((r) => Number(r.id));
    await db.transaction((tx) =>
      writeLabels(
        tx as unknown as Db,
        ids.map((id, k) => ({
          id,
          relevant: true,
          stance: k % 2 ? 'worry' : 'excitement',
          confidence: 0.99,
          concerns: [],
          explanation: { terms: [], sentence: `relabelled ${id}` },
          model: 'test-model',
        })),
        new Date(),
      ),
    );
    const [dirty] = rowsOf<{ n: number | string }>(await db.execute(sql`select count(*)::int as n from rollup_dirty_days`));
    expect(Number(dirty?.n)).toBeGreaterThan(0);
    const during = await answersNow();
    // the relabelled, most confident items are the telling ones now
    expect(during[AT_14]!.topItems.after.some((i) => i.quote?.startsWith('relabelled'))).toBe(true);
    const expected = await answersFromItems();
    expect(during).toEqual(expected);
    await rebuildAll();
    expect(await answersNow()).toEqual(expected);
  });

  it('are not used for an announcement changed since they were made, and are rebuilt for it', async () => {
    await rebuildAll();
    await updateAnnouncement(db, announcementId, { keywords: ['Eternauta'] });
    const fresh = await answersNow();
    const expected = await answersFromItems();
    expect(fresh).toEqual(expected);
    await rebuildAll();
    expect(await builds()).toBe(1);
    expect(await answersNow()).toEqual(expected);
    // a new moment (the time corrected) moves every offset
    await updateAnnouncement(db, announcementId, { time: '15:45' });
    const moved = await answersNow();
    expect(moved.map((r) => r.moment)[0]).toBe('2025-07-17T22:45:00.000Z');
    expect(moved).toEqual(await answersFromItems());
    await rebuildAll();
    expect(await answersNow()).toEqual(moved);
  });

  it('go with their announcement', async () => {
    await rebuildAll();
    const other = await insertAnnouncement(db, { title: 'Other', studio: 'Disney', date: '2025-03-01', keywords: [] });
    await rebuildAll();
    expect(await builds()).toBe(2);
    await db.execute(sql`delete from announcements where id = ${other.id}`);
    expect(await builds()).toBe(1);
    const [left] = rowsOf<{ n: number | string }>(
      await db.execute(sql`select count(*)::int as n from reaction_buckets where announcement_id = ${other.id}`),
    );
    expect(Number(left?.n)).toBe(0);
  });
});
