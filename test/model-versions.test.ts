import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { rowsOf } from '../db/client.ts';
import { writeLabels } from '../db/queries/labels.ts';
import type { Db } from '../db/client.ts';
import { json, testApp } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';
import { makeItems, makeSource } from './helpers/factories.ts';

let database: Database;
let ids: number[];
const V1 = 'test-model';
const V2 = 'test-model-v2';

beforeAll(async () => {
  database = await freshDatabase();
  const src = await makeSource(database.db, 'news');
  // week of 7 July: 6 worry, 4 excitement; week of 14 July: 5 worry, 5 neutral
  const specs = [
    ...Array.from({ length: 6 }, () => ({ stance: 'worry' as const, day: 8 })),
    ...Array.from({ length: 4 }, () => ({ stance: 'excitement' as const, day: 9 })),
    ...Array.from({ length: 5 }, () => ({ stance: 'worry' as const, day: 15 })),
    ...Array.from({ length: 5 }, () => ({ stance: 'neutral' as const, day: 16 })),
  ];
  ids = await makeItems(
    database.db,
    specs.map((s) => ({ sourceId: src, stance: s.stance, publishedAt: new Date(Date.UTC(2025, 6, s.day, 12)) })),
  );
  // a reclassify by a new version: every worry item becomes neutral
  const relabelled = specs.map((s, k) => ({
    id: ids[k]!,
    relevant: true,
    stance: s.stance === 'worry' ? ('neutral' as const) : s.stance,
    confidence: 0.8,
    concerns: [],
    explanation: { terms: [], sentence: 'v2' },
    model: V2,
  }));
  await database.db.transaction((tx) => writeLabels(tx as unknown as Db, relabelled, new Date('2025-07-19T00:00:00Z')));
});
afterAll(async () => {
  await database?.close();
});

const week = (body: { series: { buckets: { start: string; counts: Record<string, number> }[] }[] }, start: string) =>
  body.series[0]!.buckets.find((b) => b.start === start)!.counts;

describe('labels per model version', () => {
  it('keeps a row per item and version, and items keep the newest copy', async () => {
    const rows = rowsOf<{ model: string; n: number }>(
      await database.db.execute(sql`select model, count(*)::int as n from item_labels group by model order by model`),
    );
    expect(rows).toEqual([
      { model: V1, n: 20 },
      { model: V2, n: 20 },
    ]);
    const [item] = rowsOf<{ model: string }>(await database.db.execute(sql`select model from items where id = ${ids[0]}`));
    expect(item!.model).toBe(V2);
  });

  it("model=VERSION reproduces an earlier version's trend after a relabel", async () => {
    const { app } = testApp(database);
    const q = 'from=2025-07-07&to=2025-07-21&granularity=week';
    const now = await json(await app.request(`/api/v1/trends?${q}`));
    expect(week(now, '2025-07-07')).toEqual({ excitement: 4, worry: 0, neutral: 6 });
    const before = await json(await app.request(`/api/v1/trends?${q}&model=${V1}`));
    expect(week(before, '2025-07-07')).toEqual({ excitement: 4, worry: 6, neutral: 0 });
    expect(week(before, '2025-07-14')).toEqual({ excitement: 0, worry: 5, neutral: 5 });
    expect(before.meta.model).toBe(V1);
    expect(before.meta.filters.model).toBe(V1);
    const bad = await app.request(`/api/v1/trends?${q}&model=nope`);
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.message).toMatch(/model/);
  });

  it('model=VERSION on items and export', async () => {
    const { app } = testApp(database);
    const list = await json(await app.request(`/api/v1/items?stance=worry&model=${V1}&limit=100`));
    expect(list.total).toBe(11);
    expect(list.items.every((i: { model: string; labelSource: string }) => i.model === V1 && i.labelSource === 'model')).toBe(true);
    expect((await json(await app.request('/api/v1/items?stance=worry'))).total).toBe(0);
    const csv = await (await app.request(`/api/v1/items/export?model=${V1}&stance=worry`)).text();
    const lines = csv.trim().split('\n');
    expect(lines).toHaveLength(12);
    expect(lines[1]).toContain(`,${V1},`);
  });

  it('GET /models lists versions with item counts; /models/compare gives agreement, confusion and weekly shares', async () => {
    const { app } = testApp(database);
    const models = await json(await app.request('/api/v1/models'));
    expect(models.models.map((m: { model: string; items: number }) => [m.model, m.items]).sort()).toEqual([
      [V1, 20],
      [V2, 20],
    ]);
    const cmp = await json(await app.request(`/api/v1/models/compare?a=${V1}&b=${V2}&from=2025-07-07&to=2025-07-21`));
    expect(cmp.items).toBe(20);
    expect(cmp.agreement).toBe(0.45);
    expect(cmp.confusion.worry.neutral).toBe(11);
    expect(cmp.confusion.excitement.excitement).toBe(4);
    expect(cmp.weekly).toHaveLength(2);
    expect(cmp.weekly[0].a.shares.worry.value).toBe(0.6);
    expect(cmp.weekly[0].b.shares.worry.value).toBe(0);
    expect((await app.request('/api/v1/models/compare?a=x&b=y')).status).toBe(400);
  });
});
