import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { SEARCH_CANDIDATES } from '../db/queries/items.ts';
import { rowsOf } from '../db/client.ts';
import { json, testApp } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';
import { makeItems, makeSource } from './helpers/factories.ts';

let database: Database;
let union: number;
let news: number;

beforeAll(async () => {
  database = await freshDatabase();
  union = await makeSource(database.db, 'union', 'Guild');
  news = await makeSource(database.db, 'news', 'Trade paper');
  const at = (d: number) => new Date(Date.UTC(2025, 6, 1) + d * 3_600_000);
  await makeItems(database.db, [
    {
      sourceId: union,
      publishedAt: at(1),
      stance: 'worry',
      title: 'Animators fear generative AI will replace storyboard jobs',
      summary: 'The guild wants <b>protections</b> & consent.',
      studios: ['Disney'],
      concerns: ['job_displacement'],
      sentence: 'Animators fear generative AI will replace storyboard jobs',
    },
    {
      sourceId: news,
      publishedAt: at(2),
      stance: 'excitement',
      title: 'Studio says AI previs tool speeds up storyboard work',
      summary: 'Executives praise faster animatics.',
      studios: ['Netflix'],
    },
    {
      sourceId: news,
      publishedAt: at(3),
      stance: 'neutral',
      title: 'Box office weekend report',
      summary: 'Sequels lead.',
      relevant: false,
    },
  ]);
  await makeItems(
    database.db,
    Array.from({ length: 2500 }, (_, k) => ({
      sourceId: news,
      publishedAt: at(100 + k),
      stance: 'neutral' as const,
      title: `Filler item ${k}`,
      summary: 'nothing to see',
    })),
  );
});
afterAll(async () => {
  await database?.close();
});

describe('item search', () => {
  it('ranks full-text matches with escaped, highlighted snippets', async () => {
    const { app } = testApp(database);
    const res = await json(await app.request('/api/v1/items?q=storyboard%20jobs'));
    expect(res.total).toBe(1);
    expect(res.items[0].title).toMatch(/^Animators fear/);
    expect(res.items[0].snippet).toContain('<mark>storyboard</mark>');
    expect(res.items[0].snippet).toContain('&lt;b&gt;protections&lt;/b&gt; &amp; consent');
    expect(res.items[0].rank).toBeGreaterThan(0);
    const either = await json(await app.request('/api/v1/items?q=storyboard'));
    expect(either.total).toBe(2);
    expect(either.items[0].rank).toBeGreaterThanOrEqual(either.items[1].rank);
    const combined = await json(await app.request('/api/v1/items?q=storyboard&stance=excitement&kind=news&studio=Netflix'));
    expect(combined.items.map((i: { stance: string }) => i.stance)).toEqual(['excitement']);
    expect((await json(await app.request('/api/v1/items?q=%22no%20such%20phrase%22'))).total).toBe(0);
    // operators and odd input never become SQL or parse errors
    for (const q of ["'; drop table items; --", 'a & | ! ( :*', '-', '"""'])
      expect((await app.request(`/api/v1/items?q=${encodeURIComponent(q)}`)).status).toBe(200);
  });

  it('pages with a cursor that stays stable while new items arrive', async () => {
    const { app } = testApp(database);
    const seen: number[] = [];
    const url = '/api/v1/items?limit=200&kind=news';
    let page = await json(await app.request(url));
    seen.push(...page.items.map((i: { id: number }) => i.id));
    // new items land in the middle of the paging: newer than every page, and one at an old date
    await makeItems(database.db, [
      { sourceId: news, publishedAt: new Date('2030-01-01T00:00:00Z'), stance: 'neutral', title: 'Brand new' },
      { sourceId: news, publishedAt: new Date('2025-07-01T00:30:00Z'), stance: 'neutral', title: 'Late arrival, old date' },
    ]);
    while (page.nextCursor) {
      page = await json(await app.request(`${url}&cursor=${page.nextCursor}`));
      seen.push(...page.items.map((i: { id: number }) => i.id));
    }
    expect(new Set(seen).size).toBe(seen.length); // no repeats
    expect(seen.length).toBe(2502 + 1); // every original row, plus the late one that sorts after the cursor
    const wrong = await app.request(`/api/v1/items?q=storyboard&cursor=${page.nextCursor ?? encodeURIComponent('eyJ4IjoxfQ')}`);
    expect(wrong.status).toBe(400);
  });

  it('pages through items that share one published_at exactly once each', async () => {
    const { app } = testApp(database);
    // every undated entry of one fetch gets the fetch time: ties are normal, not an edge case
    const tied = await makeSource(database.db, 'opinion', 'Undated feed');
    const at = new Date('2025-06-01T08:00:00Z');
    const ids = await makeItems(
      database.db,
      [0, 1, 2].map(() => ({ sourceId: tied, publishedAt: at, stance: 'neutral' as const, title: 'Same words in a tied item' })),
    );
    // an updated row is stored anew, so storage order stops being id order (as after re-dating)
    await database.db.execute(sql`update items set published_at = published_at + interval '1 second' where id = ${ids[0]!}`);
    await database.db.execute(sql`update items set published_at = published_at - interval '1 second' where id = ${ids[0]!}`);
    for (const query of [`source=${tied}`, `source=${tied}&q=${encodeURIComponent('tied item')}`]) {
      const seen: number[] = [];
      let page = await json(await app.request(`/api/v1/items?limit=2&${query}`));
      expect(page.items, query).toHaveLength(2);
      seen.push(...page.items.map((i: { id: number }) => i.id));
      while (page.nextCursor) {
        page = await json(await app.request(`/api/v1/items?limit=2&${query}&cursor=${page.nextCursor}`));
        seen.push(...page.items.map((i: { id: number }) => i.id));
      }
      expect(
        [...seen].sort((a, b) => a - b),
        query,
      ).toEqual(ids);
    }
  });

  it('ranks the newest 2,000 matches of a broad query best first, and counts every match', async () => {
    const { app } = testApp(database);
    // the best match of all for "filler", older than the 2,500 filler items
    const studio = await makeSource(database.db, 'studio', 'Old press office');
    const [old] = await makeItems(database.db, [
      { sourceId: studio, publishedAt: new Date('2025-06-20T00:00:00Z'), stance: 'neutral', title: 'Filler, filler, filler: filler' },
    ]);
    const newest = rowsOf<{ id: number }>(
      await database.db.execute(
        sql`select id from items where search @@ websearch_to_tsquery('english', 'filler') order by published_at desc, id desc limit ${SEARCH_CANDIDATES}`,
      ),
    ).map((r) => Number(r.id));
    const seen: number[] = [];
    let page = await json(await app.request('/api/v1/items?q=filler&limit=200'));
    expect(page.total).toBe(2501);
    seen.push(...page.items.map((i: { id: number }) => i.id));
    // matches arriving between pages, newer than all: none of the first page's candidates drops out
    const arrived = await makeItems(
      database.db,
      Array.from({ length: 30 }, (_, k) => ({
        sourceId: studio,
        publishedAt: new Date(Date.UTC(2031, 0, 1, k)),
        stance: 'neutral' as const,
        title: `Filler arrival ${k}`,
      })),
    );
    while (page.nextCursor) {
      page = await json(await app.request(`/api/v1/items?q=filler&limit=200&cursor=${page.nextCursor}`));
      seen.push(...page.items.map((i: { id: number }) => i.id));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(newest.filter((id) => !seen.includes(id))).toEqual([]);
    expect(seen.filter((id) => !newest.includes(id) && !arrived.includes(id))).toEqual([]);
    expect(seen).not.toContain(old);
    // narrowed to fewer matches than that, every one is ranked and the best comes first
    const narrowed = await json(await app.request('/api/v1/items?q=filler&to=2025-07-20&limit=5'));
    expect(narrowed.items[0].id).toBe(old);
    expect(narrowed.items[0].rank).toBeGreaterThan(narrowed.items[1].rank);
  });

  it('shows one item with labels, explanation, entities, source and sightings', async () => {
    const { app } = testApp(database);
    const [first] = (await json(await app.request('/api/v1/items?q=animators'))).items;
    const item = await json(await app.request(`/api/v1/items/${first.id}`));
    expect(item).toMatchObject({
      id: first.id,
      source: { id: union, name: 'Guild', kind: 'union' },
      entities: { studios: ['Disney'] },
      labels: {
        stance: 'worry',
        concerns: ['job_displacement'],
        model: 'test-model',
        explanation: { sentence: expect.stringMatching(/^Animators fear/) },
      },
    });
    expect((await app.request('/api/v1/items/999999999')).status).toBe(404);
    expect((await app.request('/api/v1/items/abc')).status).toBe(400);
  });
});

describe('item export', () => {
  it('streams every matching row as CSV with the model version', async () => {
    const { app } = testApp(database);
    const res = await app.request('/api/v1/items/export?format=csv&kind=news');
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/pulse-items\.csv/);
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toBe(
      'id,url,title,summary,author,published_at,published_estimated,source_id,source_name,source_kind,relevant,stance,confidence,concerns,studios,unions,areas,quote,model,classified_at,label_source',
    );
    expect(lines.length - 1).toBe(2504);
    expect(lines.slice(1).every((l) => l.includes(',test-model,'))).toBe(true);
  });

  it('streams NDJSON with filters, one object per line', async () => {
    const { app } = testApp(database);
    const res = await app.request('/api/v1/items/export?format=ndjson&stance=worry');
    const rows = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      stance: 'worry',
      source_kind: 'union',
      concerns: ['job_displacement'],
      model: 'test-model',
      quote: expect.stringMatching(/^Animators/),
    });
    expect((await app.request('/api/v1/items/export?format=xlsx')).status).toBe(400);
  });
});
