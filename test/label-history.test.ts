import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf, type Database, type Db } from '../db/client.ts';
import { migrate, migrationJournal } from '../db/migrate.ts';
import { writeLabels } from '../db/queries/labels.ts';
import { dayCounts, rebuildDirtyDays } from '../db/queries/rollups.ts';
import { fixedClock } from '../src/clock.ts';
import { annotate } from '../src/services/validation.ts';
import { json, testApp } from './helpers/app.ts';
import { createEmptyPgDatabase, freshDatabase, testDatabaseUrl } from './helpers/db.ts';
import { makeItems, makeSource } from './helpers/factories.ts';

let database: Database;
let ids: { worry: number[]; excitement: number[]; neutral: number[] };

beforeAll(async () => {
  database = await freshDatabase();
  const src = await makeSource(database.db, 'news');
  const at = (day: number) => new Date(Date.UTC(2025, 6, day, 12));
  // week of 7 July: 4 worry (English), 2 excitement (Spanish); week of 14 July: 3 neutral (Spanish)
  ids = {
    worry: await makeItems(
      database.db,
      Array.from({ length: 4 }, () => ({ sourceId: src, stance: 'worry' as const, publishedAt: at(8) })),
    ),
    excitement: await makeItems(
      database.db,
      Array.from({ length: 2 }, () => ({ sourceId: src, stance: 'excitement' as const, publishedAt: at(9) })),
    ),
    neutral: await makeItems(
      database.db,
      Array.from({ length: 3 }, () => ({ sourceId: src, stance: 'neutral' as const, publishedAt: at(15) })),
    ),
  };
  await database.db.execute(sql`update items set language = case when stance = 'worry' then 'en' else 'es' end`);
  await rebuildDirtyDays(database.db, { limit: 100 });
  const deps = { db: database.db, clock: fixedClock('2025-07-20T00:00:00Z') };
  // the coders disagree with the model on three items
  await annotate(deps, { itemId: ids.worry[0]!, coder: 'ana', stance: 'excitement', relevant: true, concerns: [] });
  await annotate(deps, { itemId: ids.excitement[0]!, coder: 'ana', stance: 'neutral', relevant: false, concerns: [] });
  await annotate(deps, { itemId: ids.neutral[0]!, coder: 'ana', stance: 'worry', relevant: true, concerns: [] });
});
afterAll(async () => {
  await database?.close();
});

type Body = { series: { buckets: { start: string; counts: Record<string, number> }[] }[] };
const weeks = (body: Body) => body.series[0]!.buckets.map((b) => ({ start: b.start, ...b.counts }));

describe("corrections on main's bucketed trends", () => {
  it('labels=best puts the consensus in per week, from rollups and from items alike', async () => {
    const { app } = testApp(database);
    const q = 'from=2025-07-07&to=2025-07-21&granularity=week';
    const model = await json(await app.request(`/api/v1/trends?${q}&labels=model`));
    expect(weeks(model)).toEqual([
      { start: '2025-07-07', excitement: 2, worry: 4, neutral: 0 },
      { start: '2025-07-14', excitement: 0, worry: 0, neutral: 3 },
    ]);
    const best = await json(await app.request(`/api/v1/trends?${q}`));
    expect(best.meta.labels).toBe('best');
    // one worry item is excitement, one excitement item is off-topic, one neutral item is worry
    expect(weeks(best)).toEqual([
      { start: '2025-07-07', excitement: 2, worry: 3, neutral: 0 },
      { start: '2025-07-14', excitement: 0, worry: 1, neutral: 2 },
    ]);
    for (const bucket of ['week', 'month'] as const) {
      const f = { from: '2025-07-07', to: '2025-07-21', tz: 'UTC', relevant: true, bucket, labels: { corrections: true } };
      const sum = (rows: { day: string; stance: string; n: number }[]) => {
        const out: Record<string, number> = {};
        for (const r of rows) out[`${r.day} ${r.stance}`] = (out[`${r.day} ${r.stance}`] ?? 0) + r.n;
        return Object.fromEntries(Object.entries(out).filter(([, n]) => n !== 0));
      };
      expect(sum(await dayCounts(database.db, f, 'rollup'))).toEqual(sum(await dayCounts(database.db, f, 'direct')));
    }
  });

  it('applies corrections under a language filter (answered from items)', async () => {
    const { app } = testApp(database);
    const q = 'from=2025-07-07&to=2025-07-21&granularity=week&lang=es';
    expect(weeks(await json(await app.request(`/api/v1/trends?${q}&labels=model`)))).toEqual([
      { start: '2025-07-07', excitement: 2, worry: 0, neutral: 0 },
      { start: '2025-07-14', excitement: 0, worry: 0, neutral: 3 },
    ]);
    expect(weeks(await json(await app.request(`/api/v1/trends?${q}`)))).toEqual([
      { start: '2025-07-07', excitement: 1, worry: 0, neutral: 0 },
      { start: '2025-07-14', excitement: 0, worry: 1, neutral: 2 },
    ]);
  });
});

describe('a label without a stance (a language with no model)', () => {
  it('is kept under its version with its language, and counted nowhere', async () => {
    const id = ids.neutral[2]!;
    await database.db.transaction((tx) =>
      writeLabels(
        tx as unknown as Db,
        [
          {
            id,
            relevant: null,
            stance: null,
            confidence: null,
            language: 'ca',
            concerns: [],
            explanation: { terms: [], sentence: '' },
            model: 'unsupported-v',
          },
        ],
        new Date('2025-07-19T00:00:00Z'),
      ),
    );
    const [row] = rowsOf<{ stance: string | null; relevant: boolean | null; language: string | null }>(
      await database.db.execute(sql`select stance, relevant, language from item_labels where item_id = ${id} and model = 'unsupported-v'`),
    );
    expect(row).toEqual({ stance: null, relevant: null, language: 'ca' });
    const { app } = testApp(database);
    const models = await json(await app.request('/api/v1/models'));
    expect(models.models.find((m: { model: string }) => m.model === 'unsupported-v')).toMatchObject({ items: 1 });
    const q = 'from=2025-07-14&to=2025-07-21&granularity=week&labels=model';
    const under = await json(await app.request(`/api/v1/trends?${q}&model=unsupported-v`));
    expect(under.series[0].buckets[0].total).toBe(0);
    // the earlier version still counts the item as it labelled it
    const before = await json(await app.request(`/api/v1/trends?${q}&model=test-model`));
    expect(before.series[0].buckets[0].counts).toEqual({ excitement: 0, worry: 0, neutral: 3 });
  });
});

describe('migration 0006', () => {
  it("copies the labels stored before it into item_labels, each under its item's model version", async () => {
    const level = migrationJournal().findIndex((e) => e.tag.startsWith('0006_'));
    expect(level).toBeGreaterThan(0);
    const pg = testDatabaseUrl ? await createEmptyPgDatabase() : undefined;
    const dir = pg ? undefined : mkdtempSync(join(tmpdir(), 'pulse-label-history-'));
    const old = await openDatabase({ databaseUrl: pg?.url, dataDir: dir ?? '', max: 2 });
    try {
      await migrate(old, { upTo: level });
      const [{ id: src }] = rowsOf<{ id: number }>(
        await old.db.execute(
          sql`insert into sources (url, kind, name) values ('https://old.example.org/feed', 'news', 'old') returning id`,
        ),
      ) as [{ id: number }];
      await old.db.execute(sql`
        insert into items (source_id, url, title, summary, published_at, fetched_at, content_hash, status, relevant, stance, confidence, concerns, model, language, classified_at)
        values (${src}, 'https://old.example.org/1', 'one', '', '2025-07-08T12:00:00Z', '2025-07-08T12:00:00Z', 'h1', 'classified', true, 'worry', 0.7, '{compensation}', 'old-model', 'en', '2025-07-09T00:00:00Z'),
               (${src}, 'https://old.example.org/2', 'two', '', '2025-07-08T12:00:00Z', '2025-07-08T12:00:00Z', 'h2', 'pending', null, null, null, '{}', null, null, null)`);
      await migrate(old);
      const rows = rowsOf<{ model: string; stance: string; relevant: boolean; concerns: string[] | string; language: string }>(
        await old.db.execute(sql`select model, stance, relevant, concerns, language from item_labels`),
      );
      expect(rows.map((r) => ({ ...r, concerns: Array.isArray(r.concerns) ? r.concerns : String(r.concerns) }))).toEqual([
        { model: 'old-model', stance: 'worry', relevant: true, concerns: ['compensation'], language: 'en' },
      ]);
    } finally {
      await old.close();
      await pg?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });
});
