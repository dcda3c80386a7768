import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/analytics/random.ts';
import type { Database, Db } from '../db/client.ts';
import { rowsOf } from '../db/client.ts';
import { itemLanguages, sourceBreakdown } from '../db/queries/dashboard.ts';
import { countMatching, type ItemFilters } from '../db/queries/items.ts';
import { writeLabels } from '../db/queries/labels.ts';
import { addSource, deleteSource } from '../db/queries/sources.ts';
import { rebuildDirtyDays } from '../db/queries/rollups.ts';
import { STANCES, type SourceKind } from '../src/labels.ts';
import { freshDatabase } from './helpers/db.ts';
import { makeItems, makeSource, type ItemSpec } from './helpers/factories.ts';

/** The dashboard's source table and language menu from the rollups' 'source' and 'lang' rows. */
let database: Database;
let db: Db;
// the project's seeded generator, so a failure is repeatable
const rand = seededRandom(11);
const DAY = 86_400_000;
const START = Date.parse('2025-03-01T00:00:00Z');

const FILTERS: ItemFilters[] = [
  { relevant: true, labelled: true, from: new Date('2025-03-10T00:00:00Z'), to: new Date('2025-04-07T00:00:00Z') },
  { relevant: true, labelled: true, kind: 'union', from: new Date('2025-03-01T00:00:00Z'), to: new Date('2025-05-01T00:00:00Z') },
  { labelled: true, from: new Date('2025-03-20T00:00:00Z'), to: new Date('2025-03-21T00:00:00Z') },
  // not answerable from the rollups: read from items either way
  { relevant: true, labelled: true, studio: 'Netflix', from: new Date('2025-03-01T00:00:00Z'), to: new Date('2025-05-01T00:00:00Z') },
  { relevant: true, labelled: true, from: new Date('2025-03-10T12:00:00Z'), to: new Date('2025-04-07T00:00:00Z') },
];

const COUNTS: ItemFilters[] = [
  ...FILTERS,
  {
    relevant: true,
    labelled: true,
    concern: 'consent_likeness',
    from: new Date('2025-03-01T00:00:00Z'),
    to: new Date('2025-05-01T00:00:00Z'),
  },
  { labelled: true, kind: 'news', studio: 'Netflix', from: new Date('2025-03-05T00:00:00Z'), to: new Date('2025-04-05T00:00:00Z') },
  ...FILTERS.map((f) => ({ ...f, labels: { corrections: true } })),
  // not answerable from the rollups
  { relevant: true, labelled: true, stance: 'worry', from: new Date('2025-03-01T00:00:00Z'), to: new Date('2025-05-01T00:00:00Z') },
  { relevant: false, labelled: true, from: new Date('2025-03-01T00:00:00Z'), to: new Date('2025-05-01T00:00:00Z') },
  { relevant: true, from: new Date('2025-03-01T00:00:00Z'), to: new Date('2025-05-01T00:00:00Z') },
];

async function countsBothWays() {
  const out = [];
  for (const filters of COUNTS) out.push([await countMatching(db, filters), await countMatching(db, filters, 'direct')]);
  return out;
}

async function bothWays() {
  const out = [];
  for (const filters of FILTERS) {
    const rollup = await sourceBreakdown(db, { filters, limit: 10 });
    const direct = await sourceBreakdown(db, { filters, limit: 10 }, 'direct');
    out.push({ rollup, direct });
  }
  return out;
}

beforeAll(async () => {
  database = await freshDatabase();
  db = database.db;
  const kinds: SourceKind[] = ['union', 'news', 'studio', 'opinion'];
  const ids: number[] = [];
  // names chosen so that ties in counts are broken by the database's collation
  for (let k = 0; k < 14; k++)
    ids.push(await makeSource(db, kinds[k % 4]!, ['alpha', 'Beta', 'gamma', 'Delta', 'épsilon', 'zeta', 'Eta'][k % 7] + ` ${k}`));
  const specs: ItemSpec[] = [];
  for (let k = 0; k < 1200; k++)
    specs.push({
      sourceId: ids[Math.floor(rand() * rand() * ids.length)]!,
      publishedAt: new Date(START + Math.floor(rand() * 60 * DAY)),
      stance: STANCES[Math.floor(rand() * 3)]!,
      relevant: rand() > 0.3,
      studios: rand() > 0.5 ? ['Netflix'] : [],
      concerns: rand() > 0.6 ? ['consent_likeness'] : [],
      language: rand() > 0.8 ? 'es' : rand() > 0.1 ? 'en' : rand() > 0.5 ? 'fr' : undefined,
    });
  await makeItems(db, specs);
});
afterAll(async () => {
  await database?.close();
});

describe('dashboard figures from the rollups', () => {
  it('give the same source table as items: all days dirty, none, and some', async () => {
    for (const { rollup, direct } of await bothWays()) expect(rollup).toEqual(direct);
    while ((await rebuildDirtyDays(db, { limit: 1000 })).remaining > 0);
    const clean = await bothWays();
    for (const { rollup, direct } of clean) expect(rollup).toEqual(direct);
    expect(clean[0]!.direct.length).toBe(10);
    // the rollups are what is read: change them and the answer moves
    await db.execute(sql`update daily_rollups set n = n + 100 where dim = 'source' and day = '2025-03-20'`);
    expect((await sourceBreakdown(db, { filters: FILTERS[2]!, limit: 10 }))[0]!.total).toBeGreaterThan(100);
    while ((await rebuildAfterMarking('2025-03-20')).remaining > 0);
    // relabel some items: their days turn dirty and are read from items until rebuilt
    const rows = rowsOf<{ id: number | string }>(
      await db.execute(sql`select id from items where published_at < '2025-03-25' order by id limit 60`),
    );
    await db.transaction((tx) =>
      writeLabels(
        tx as unknown as Db,
        rows.map((r, k) => ({
          id: Number(r.id),
          relevant: k % 3 !== 0,
          stance: 'worry',
          confidence: 0.9,
          concerns: [],
          explanation: { terms: [], sentence: '' },
          model: 'test-model',
        })),
        new Date(),
      ),
    );
    for (const { rollup, direct } of await bothWays()) expect(rollup).toEqual(direct);
  });

  it("count items as rows do, with and without the coders' corrections, with dirty days", async () => {
    while ((await rebuildDirtyDays(db, { limit: 1000 })).remaining > 0);
    // the coders disagree with the model on some items
    await db.execute(sql`
      insert into item_corrections (item_id, relevant, stance, concerns, coders, updated_at)
      select id, not coalesce(relevant, false), 'neutral', '{}', 2, now() from items where id % 7 = 0
      on conflict (item_id) do nothing`);
    const clean = await countsBothWays();
    for (const [rollup, direct] of clean) expect(rollup).toBe(direct);
    expect(clean.every(([n]) => n! > 0)).toBe(true);
    // the rollups are what is read for the first count
    await db.execute(sql`update daily_rollups set n = n + 1000 where dim = 'all' and day = '2025-03-20'`);
    expect(await countMatching(db, COUNTS[0]!)).toBeGreaterThan(clean[0]![1]!);
    await rebuildAfterMarking('2025-03-20');
    // some days dirty: read from items until rebuilt
    await db.execute(sql`
      insert into rollup_dirty_days (day) values ('2025-03-12'), ('2025-03-20'), ('2025-04-01') on conflict do nothing`);
    await db.execute(sql`update items set relevant = not relevant where published_at >= '2025-03-12' and published_at < '2025-03-13'`);
    for (const [rollup, direct] of await countsBothWays()) expect(rollup).toBe(direct);
    // coders code an item the model never labelled: rows leave it out, and so must the count
    const [unlabelled] = await makeItems(db, [
      {
        sourceId: Number(rowsOf<{ id: number }>(await db.execute(sql`select id from sources limit 1`))[0]!.id),
        publishedAt: new Date('2025-03-15T10:00:00Z'),
        stance: 'worry',
      },
    ]);
    await db.execute(sql`update items set stance = null, relevant = null where id = ${unlabelled!}`);
    await db.execute(sql`
      insert into item_corrections (item_id, relevant, stance, concerns, coders, updated_at)
      values (${unlabelled!}, true, 'worry', '{}', 2, now())`);
    for (const [rollup, direct] of await countsBothWays()) expect(rollup).toBe(direct);
  });

  it('move with a source brought back as another kind', async () => {
    const { row } = await addSource(db, { url: 'https://revived.example.org/feed', kind: 'news', name: 'Revived' });
    await makeItems(db, [{ sourceId: row.id, publishedAt: new Date('2025-04-02T10:00:00Z'), stance: 'worry' }]);
    while ((await rebuildDirtyDays(db, { limit: 1000 })).remaining > 0);
    await deleteSource(db, { id: row.id, at: new Date() });
    const back = await addSource(db, { url: 'https://revived.example.org/feed', kind: 'union', name: 'Revived' });
    expect(back.outcome).toBe('restored');
    const filters: ItemFilters = {
      relevant: true,
      labelled: true,
      kind: 'union',
      from: new Date('2025-04-01T00:00:00Z'),
      to: new Date('2025-04-05T00:00:00Z'),
    };
    expect(await sourceBreakdown(db, { filters, limit: 20 })).toEqual(await sourceBreakdown(db, { filters, limit: 20 }, 'direct'));
    expect((await sourceBreakdown(db, { filters, limit: 20 })).some((r) => r.id === row.id)).toBe(true);
  });

  it('list languages by how many labelled items carry them', async () => {
    while ((await rebuildDirtyDays(db, { limit: 1000 })).remaining > 0);
    // the all-days totals the menus read are the sums of every day's rollups, after all the rebuilds above
    const totals = await db.execute(sql`select dim, value, n::int as n from rollup_values where n > 0 order by dim, value`);
    const sums = await db.execute(
      sql`select dim, value, sum(n)::int as n from daily_rollups where dim <> 'all' group by dim, value order by dim, value`,
    );
    expect(rowsOf(totals)).toEqual(rowsOf(sums));
    expect(rowsOf(totals).length).toBeGreaterThan(10);
    const counted = rowsOf<{ language: string }>(
      await db.execute(
        sql`select language from items where stance is not null and language is not null group by 1 order by count(*) desc, 1`,
      ),
    ).map((r) => r.language);
    expect(await itemLanguages(db)).toEqual(counted);
    expect(counted).toEqual(['en', 'es', 'fr']);
  });
});

async function rebuildAfterMarking(day: string) {
  await db.execute(sql`insert into rollup_dirty_days (day) values (${day}::date) on conflict do nothing`);
  return rebuildDirtyDays(db, { limit: 1000 });
}
