import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { rebuildDirtyDays } from '../db/queries/rollups.ts';
import { authHeader, json, testApp } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';
import { makeItems, makeSource } from './helpers/factories.ts';

let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
  const news = await makeSource(database.db, 'news', 'Trade');
  await makeItems(database.db, [
    { sourceId: news, publishedAt: new Date('2025-07-15T12:00:00Z'), stance: 'worry', studios: ['Warner Bros. Discovery'] },
    { sourceId: news, publishedAt: new Date('2025-07-16T12:00:00Z'), stance: 'excitement', studios: ['Netflix'] },
  ]);
  await rebuildDirtyDays(database.db, { limit: 100 });
});
afterAll(async () => {
  await database?.close();
});

async function error(res: Response): Promise<[number, string]> {
  return [res.status, (await json(res)).error?.message];
}

describe('a typo is an error, never an unfiltered answer', () => {
  it('names unknown query parameters and lists the ones the route takes', async () => {
    const { app } = testApp(database);
    for (const [url, param] of [
      ['/api/v1/trends?studios=Netflix', 'studios'],
      ['/api/v1/trends?stnce=worry', 'stnce'],
      ['/api/v1/trends?group-by=studio', 'group-by'],
      ['/api/v1/items?stnce=worry&limt=5', 'stnce, limt'],
      ['/api/v1/sources?x=1', 'x'],
      ['/?studios=Netflix', 'studios'],
    ]) {
      const [status, message] = await error(await app.request(url));
      expect(status, url).toBe(400);
      expect(message, url).toMatch(new RegExp(`^${param}: unknown parameter`));
    }
    const [, message] = await error(await app.request('/api/v1/trends?stnce=worry'));
    expect(message).toMatch(
      /expected from, to, granularity, group_by, studio, union, kind, area, concern, lang, q, source, relevant, tz, format, model, labels, adjust, sample$/,
    );
  });

  it('names unknown body fields', async () => {
    const { app } = testApp(database);
    const key = await authHeader(database, 'write');
    const res = await app.request('/api/v1/announcements', {
      method: 'POST',
      headers: { ...key, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'x', date: '2025-07-17', studios: 'Netflix' }),
    });
    const [status, message] = await error(res);
    expect(status).toBe(400);
    expect(message).toMatch(/^studios: unknown field; expected title, studio, date/);
    // the refinements of a body survive closing it
    const patch = await app.request('/api/v1/announcements/1', {
      method: 'PATCH',
      headers: { ...key, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect((await error(patch))[0]).toBe(400);
  });

  it('matches studios, unions and areas in any case and through aliases, and refuses unknown ones listing the known', async () => {
    const { app } = testApp(database);
    const url = (studio: string) => `/api/v1/trends?from=2025-07-14&to=2025-07-21&studio=${encodeURIComponent(studio)}`;
    for (const spelling of ['Warner Bros. Discovery', 'warner bros. discovery', 'wbd', 'WBD', 'HBO', 'warner brothers']) {
      const body = await json(await app.request(url(spelling)));
      expect(body.series[0].buckets[0].total, spelling).toBe(1);
      expect(body.meta.filters.studio, spelling).toBe('Warner Bros. Discovery');
    }
    expect((await json(await app.request(url('netflix')))).series[0].buckets[0].total).toBe(1);
    const [status, message] = await error(await app.request(url('Nope')));
    expect(status).toBe(400);
    expect(message).toMatch(/^studio: unknown studio "Nope"; known: Netflix, Disney, Warner Bros\. Discovery/);
    const items = await json(await app.request('/api/v1/items?studio=wbd'));
    expect(items.items).toHaveLength(1);
    expect((await app.request('/api/v1/items?union=sag-aftra')).status).toBe(200);
    expect((await error(await app.request('/api/v1/items?union=Nobody')))[0]).toBe(400);
    expect((await error(await app.request('/?studio=Nope')))[0]).toBe(400);
  });

  it('states the relevance mode of item lists, and takes relevant=all', async () => {
    const { app } = testApp(database);
    const all = await json(await app.request('/api/v1/items'));
    expect(all.meta.relevance).toBe('relevant and off-topic items');
    expect((await json(await app.request('/api/v1/items?relevant=true'))).meta.relevance).toBe('relevant items only');
    expect((await app.request('/api/v1/items?relevant=all')).status).toBe(200);
    const csv = await app.request('/api/v1/items/export?relevant=true');
    expect(csv.headers.get('pulse-relevance')).toBe('relevant items only');
    expect(csv.headers.get('pulse-model')).toMatch(/^pulse-stance/);
    await csv.arrayBuffer();
  });

  it('filters by the language detected in each item, on items, exports and trends', async () => {
    const { app } = testApp(database);
    await database.db.execute(sql`update items set language = case when 'Netflix' = any(studios) then 'es' else 'en' end`);
    const es = await json(await app.request('/api/v1/items?lang=es'));
    expect(es.items.map((i: { studios: string[] }) => i.studios)).toEqual([['Netflix']]);
    expect(es.meta.filters.lang).toBe('es');
    const trends = await json(await app.request('/api/v1/trends?from=2025-07-14&to=2025-07-21&lang=en'));
    expect(trends.series[0].buckets[0].counts).toEqual({ excitement: 0, worry: 1, neutral: 0 });
    const csv = await (await app.request('/api/v1/items/export?format=ndjson&lang=es')).text();
    expect(csv.trim().split('\n')).toHaveLength(1);
    expect((await error(await app.request('/api/v1/items?lang=spanish')))[1]).toMatch(/^lang: expected an ISO 639-1 code/);
  });

  it('refuses dates outside the years Pulse can answer for', async () => {
    const { app } = testApp(database);
    for (const url of [
      '/api/v1/trends?from=0000-01-01&to=2025-01-01',
      '/api/v1/items?from=0001-01-01T00:00:00Z',
      '/api/v1/alerts?to=9999-12-31',
    ]) {
      const [status, message] = await error(await app.request(url));
      expect(status, url).toBe(400);
      expect(message, url).toMatch(/expected a year from 1900 to 2200/);
    }
  });
});
