import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { momentOf } from '../src/analytics/reaction.ts';
import type { Database } from '../db/client.ts';
import { insertAnnouncement, listAnnouncements, seedAnnouncementsOnce } from '../db/queries/announcements.ts';
import { DEFAULT_ANNOUNCEMENTS } from '../db/seed/announcements.ts';
import { zonedInstant } from '../src/analytics/buckets.ts';
import { twoProportionTest } from '../src/analytics/stats.ts';
import { authHeader, json, testApp } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';
import { makeItems, makeSource, type ItemSpec } from './helpers/factories.ts';

let database: Database;
let netflixId: number;

beforeAll(async () => {
  database = await freshDatabase();
  const union = await makeSource(database.db, 'union', 'Guild');
  const news = await makeSource(database.db, 'news', 'Trade');
  const moment = new Date('2025-07-17T22:45:00Z'); // 15:45 in Los Angeles
  const a = await insertAnnouncement(database.db, {
    title: 'Netflix GenAI shot',
    studio: 'Netflix',
    date: '2025-07-17',
    time: '15:45',
    timeZone: 'America/Los_Angeles',
    keywords: ['Eternauta'],
  });
  netflixId = a.id;
  const specs: ItemSpec[] = [];
  const before = (k: number) => new Date(moment.getTime() - ((k % 13) + 1) * 86_400_000 + 3_600_000);
  const after = (k: number) => new Date(moment.getTime() + (k % 13) * 86_400_000 + 60_000);
  // before: 40 items (10 worry, 20 excitement, 10 neutral); after: 60 (36 worry, 12 excitement, 12 neutral)
  for (let k = 0; k < 40; k++)
    specs.push({
      sourceId: k % 2 ? union : news,
      publishedAt: before(k),
      stance: k < 10 ? 'worry' : k < 30 ? 'excitement' : 'neutral',
      studios: ['Netflix'],
      confidence: 0.5 + k / 100,
    });
  for (let k = 0; k < 60; k++)
    specs.push({
      sourceId: k % 2 ? union : news,
      publishedAt: after(k),
      stance: k < 36 ? 'worry' : k < 48 ? 'excitement' : 'neutral',
      studios: k % 3 ? ['Netflix'] : [],
      title: k % 3 ? `Netflix item ${k}` : `El Eternauta item ${k}`,
      sentence: `quote ${k}`,
    });
  // not counted: other studio, irrelevant, outside the window
  specs.push({ sourceId: news, publishedAt: after(1), stance: 'worry', studios: ['Disney'] });
  specs.push({ sourceId: news, publishedAt: after(2), stance: 'worry', studios: ['Netflix'], relevant: false });
  specs.push({ sourceId: news, publishedAt: new Date('2025-09-30T00:00:00Z'), stance: 'worry', studios: ['Netflix'] });
  await makeItems(database.db, specs);
});
afterAll(async () => {
  await database?.close();
});

describe('announcement reaction', () => {
  it('compares the windows with shares, intervals and tests', async () => {
    const { app } = testApp(database, { now: '2025-12-01T00:00:00Z' });
    const r = await json(await app.request(`/api/v1/announcements/${netflixId}/reaction?window=14d`));
    expect(r.moment).toBe('2025-07-17T22:45:00.000Z');
    expect(r.before).toMatchObject({ total: 40, counts: { worry: 10, excitement: 20, neutral: 10 }, net: 0.25 });
    expect(r.after).toMatchObject({ total: 60, counts: { worry: 36, excitement: 12, neutral: 12 }, net: -0.4 });
    expect(r.after.shares.worry.value).toBe(0.6);
    expect(r.after.shares.worry.low).toBeLessThan(0.6);
    const expected = twoProportionTest(10, 40, 36, 60)!;
    expect(r.worryShare.diff).toBeCloseTo(0.35, 4);
    expect(r.worryShare.z).toBeCloseTo(expected.z, 3);
    expect(r.worryShare.p).toBeLessThan(0.01);
    expect(r.net.diff).toBeCloseTo(-0.65, 4);
    expect(r.volume).toMatchObject({ before: 40, after: 60, ratio: 1.5 });
    expect(r.volume.p).toBeGreaterThan(0);
    expect(r.enoughData).toBe(true);
    expect(r.note).toBeNull();
    expect(r.windows.after.complete).toBe(true);
    expect(Object.keys(r.byKind).sort()).toEqual(['news', 'union']);
    expect(r.byKind.union.before.total + r.byKind.news.before.total).toBe(40);
    expect(r.byKind.union.enoughData).toBe(false);
    expect(r.byKind.union.note).toMatch(/^Too few items to conclude/);
    // 3 July 22:45 to 31 July 22:45 touches 29 UTC days; the moment's day has a row for each side
    expect(r.daily).toHaveLength(30);
    expect(r.daily[0]).toMatchObject({ day: '2025-07-03', side: 'before' });
    expect(r.daily.filter((d: { day: string }) => d.day === '2025-07-17').map((d: { side: string }) => d.side)).toEqual([
      'before',
      'after',
    ]);
    expect(r.windowDays).toBe(14);
    expect(r.daily.reduce((s: number, d: { total: number }) => s + d.total, 0)).toBe(100);
    expect(r.topItems.after.filter((i: { stance: string }) => i.stance === 'worry')).toHaveLength(5);
    expect(r.topItems.after[0].quote).toMatch(/^quote /);
    expect(r.method).toMatch(/two-proportion/);
  });

  it('filters by source kind and says when counts are too small', async () => {
    const { app } = testApp(database);
    const union = await json(await app.request(`/api/v1/announcements/${netflixId}/reaction?window=14d&kind=union`));
    expect(union.before.total + union.after.total).toBe(50);
    const short = await json(await app.request(`/api/v1/announcements/${netflixId}/reaction?window=1d`));
    expect(short.enoughData).toBe(false);
    expect(short.note).toMatch(/before and .* after/);
    for (const [q, param] of [
      ['window=2w', 'window'],
      ['window=0d', 'window'],
      ['window=400d', 'window'],
      ['kind=blog', 'kind'],
    ]) {
      const res = await app.request(`/api/v1/announcements/${netflixId}/reaction?${q}`);
      expect(res.status).toBe(400);
      expect((await json(res)).error.message).toMatch(new RegExp(`^${param}: `));
    }
    expect((await app.request('/api/v1/announcements/99999/reaction')).status).toBe(404);
  });
});

describe('announcements CRUD and seed', () => {
  it('creates, reads, changes and deletes with a key, validating fields', async () => {
    const { app } = testApp(database);
    const key = { ...(await authHeader(database, 'write')), 'Content-Type': 'application/json' };
    const body = JSON.stringify({ title: 'Studio X uses AI trailers', studio: 'Sony', date: '2025-08-01', keywords: ['trailer'] });
    expect(
      (await app.request('/api/v1/announcements', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } })).status,
    ).toBe(401);
    const created = await app.request('/api/v1/announcements', { method: 'POST', body, headers: key });
    expect(created.status).toBe(201);
    const a = await json(created);
    expect(a).toMatchObject({ studio: 'Sony', date: '2025-08-01', time: null, moment: '2025-08-01T00:00:00.000Z' });
    const patched = await json(
      await app.request(`/api/v1/announcements/${a.id}`, {
        method: 'PATCH',
        body: JSON.stringify({ time: '09:30', timeZone: 'Europe/London' }),
        headers: key,
      }),
    );
    expect(patched.moment).toBe('2025-08-01T08:30:00.000Z');
    for (const [payload, field] of [
      [{ title: 'x', date: '2025-02-30' }, 'date'],
      [{ title: 'x', date: '2025-02-03', time: '25:00', timeZone: 'UTC' }, 'time'],
      [{ title: 'x', date: '2025-02-03', time: '10:00' }, 'timeZone'],
      [{ date: '2025-02-03' }, 'title'],
    ] as const) {
      const res = await app.request('/api/v1/announcements', { method: 'POST', body: JSON.stringify(payload), headers: key });
      expect(res.status).toBe(400);
      expect((await json(res)).error.message).toMatch(new RegExp(`^${field}: `));
    }
    expect((await app.request(`/api/v1/announcements/${a.id}`, { method: 'DELETE', headers: key })).status).toBe(204);
    expect((await app.request(`/api/v1/announcements/${a.id}`)).status).toBe(404);
  });

  it('seeds the El Eternauta disclosure and the others once', async () => {
    const fresh = await freshDatabase();
    try {
      expect(await seedAnnouncementsOnce(fresh.db, DEFAULT_ANNOUNCEMENTS)).toBe(DEFAULT_ANNOUNCEMENTS.length);
      expect(await seedAnnouncementsOnce(fresh.db, DEFAULT_ANNOUNCEMENTS)).toBe(0);
      const list = await listAnnouncements(fresh.db);
      const netflix = list.find((a) => a.studio === 'Netflix')!;
      expect(netflix.date).toBe('2025-07-17');
      expect(netflix.keywords).toContain('Eternauta');
      // the earnings interview began at 1:45 p.m. Pacific: 20:45 UTC
      expect(momentOf(netflix).toISOString()).toBe('2025-07-17T20:45:00.000Z');
    } finally {
      await fresh.close();
    }
  });

  it("moves an existing database's seeded disclosure from the wrong 15:45 to 13:45 Pacific, and leaves an edited one alone", async () => {
    const fresh = await freshDatabase();
    try {
      const seeded = DEFAULT_ANNOUNCEMENTS[0]!;
      const wrong = await insertAnnouncement(fresh.db, {
        ...seeded,
        studio: seeded.studio,
        time: '15:45',
        timeZone: 'America/Los_Angeles',
        keywords: seeded.keywords,
      });
      const edited = await insertAnnouncement(fresh.db, {
        ...seeded,
        studio: seeded.studio,
        date: '2025-07-18',
        time: '15:45',
        timeZone: 'America/Los_Angeles',
        keywords: seeded.keywords,
      });
      const fix = readFileSync(new URL('../migrations/0003_fix_eternauta_time.sql', import.meta.url), 'utf8');
      await fresh.db.execute(sql.raw(fix));
      const rows = await listAnnouncements(fresh.db);
      expect(rows.find((a) => a.id === wrong.id)!.time).toBe('13:45:00');
      expect(rows.find((a) => a.id === edited.id)!.time).toBe('15:45:00');
    } finally {
      await fresh.close();
    }
  });

  it('turns a local time in a zone into the right instant, across DST', () => {
    expect(zonedInstant('2025-07-17', '15:45', 'America/Los_Angeles').toISOString()).toBe('2025-07-17T22:45:00.000Z');
    expect(zonedInstant('2025-01-17', '15:45', 'America/Los_Angeles').toISOString()).toBe('2025-01-17T23:45:00.000Z');
    expect(zonedInstant('2025-03-30', '03:30', 'Europe/Madrid').toISOString()).toBe('2025-03-30T01:30:00.000Z');
  });
});
