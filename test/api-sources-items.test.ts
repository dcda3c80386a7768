import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { seedSourcesOnce, listSources } from '../db/queries/sources.ts';
import { defaultSourceRows, DEFAULT_SOURCES } from '../db/seed/sources.ts';
import { fixedClock } from '../src/clock.ts';
import { ingest } from '../src/services/ingest.ts';
import { silentLogger } from '../src/logger.ts';
import { authHeader, json, testApp, testConfig } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';
import { body, manyItems, rss, startFeedServer } from './helpers/feed-server.ts';

let database: Database;
let write: Record<string, string>;
let server: Awaited<ReturnType<typeof startFeedServer>>;

beforeAll(async () => {
  database = await freshDatabase();
  write = { ...(await authHeader(database, 'write')), 'Content-Type': 'application/json' };
  server = await startFeedServer({ '/feed': body(rss(manyItems(25, 'https://items.example.org'))) });
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

describe('sources API', () => {
  it('needs a key to write, validates the body, and creates a source', async () => {
    const { app } = testApp(database);
    const payload = JSON.stringify({ url: 'https://variety.example.com/feed/', kind: 'news' });
    expect(
      (await app.request('/api/v1/sources', { method: 'POST', body: payload, headers: { 'Content-Type': 'application/json' } })).status,
    ).toBe(401);
    const bad = await app.request('/api/v1/sources', {
      method: 'POST',
      body: JSON.stringify({ url: 'ftp://x', kind: 'news' }),
      headers: write,
    });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.message).toMatch(/^url: /);
    const badKind = await app.request('/api/v1/sources', {
      method: 'POST',
      body: JSON.stringify({ url: 'https://x.org/f', kind: 'blog' }),
      headers: write,
    });
    expect((await json(badKind)).error.message).toMatch(/^kind: /);
    const created = await app.request('/api/v1/sources', { method: 'POST', body: payload, headers: write });
    expect(created.status).toBe(201);
    const s = await json(created);
    expect(s).toMatchObject({
      name: 'variety.example.com',
      kind: 'news',
      enabled: true,
      health: { consecutiveFailures: 0, lastError: null },
    });
    const dup = await app.request('/api/v1/sources', { method: 'POST', body: payload, headers: write });
    expect(dup.status).toBe(409);
  });

  it('gets, patches and deletes a source; a deleted URL can be added back', async () => {
    const { app } = testApp(database);
    const s = await json(
      await app.request('/api/v1/sources', {
        method: 'POST',
        body: JSON.stringify({ url: 'https://guild.example.org/rss', kind: 'union', organisation: 'Guild' }),
        headers: write,
      }),
    );
    const got = await json(await app.request(`/api/v1/sources/${s.id}`));
    expect(got.health).toHaveProperty('nextFetchAt');
    const patched = await app.request(`/api/v1/sources/${s.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ enabled: false, fetchIntervalMinutes: 15 }),
      headers: write,
    });
    expect(await json(patched)).toMatchObject({ enabled: false, fetchIntervalMinutes: 15 });
    const unknownField = await app.request(`/api/v1/sources/${s.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ colour: 'red' }),
      headers: write,
    });
    expect(unknownField.status).toBe(400);
    expect((await app.request(`/api/v1/sources/${s.id}`, { method: 'DELETE', headers: write })).status).toBe(204);
    expect((await app.request(`/api/v1/sources/${s.id}`)).status).toBe(404);
    expect((await app.request(`/api/v1/sources/${s.id}`, { method: 'DELETE', headers: write })).status).toBe(404);
    const back = await app.request('/api/v1/sources', {
      method: 'POST',
      body: JSON.stringify({ url: 'https://guild.example.org/rss', kind: 'union' }),
      headers: write,
    });
    expect(back.status).toBe(201);
    expect((await json(back)).id).toBe(s.id);
  });

  it('round-trips sources through OPML', async () => {
    const { app } = testApp(database);
    const opml = `<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
      <outline text="union"><outline type="rss" text="Actors &amp; Co" xmlUrl="https://actors.example.org/feed"/></outline>
      <outline type="rss" text="Opinion blog" xmlUrl="https://blog.example.org/atom" category="opinion"/>
      <outline type="rss" text="Bad" xmlUrl="javascript:alert(1)"/>
    </body></opml>`;
    const res = await app.request('/api/v1/sources/import', {
      method: 'POST',
      body: opml,
      headers: { ...write, 'Content-Type': 'text/x-opml' },
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ created: 2, existing: 0, invalid: [{ url: 'javascript:alert(1)' }] });
    const again = await json(
      await app.request('/api/v1/sources/import', { method: 'POST', body: opml, headers: { ...write, 'Content-Type': 'text/x-opml' } }),
    );
    expect(again).toMatchObject({ created: 0, existing: 2 });
    const notOpml = await app.request('/api/v1/sources/import', {
      method: 'POST',
      body: '<rss/>',
      headers: { ...write, 'Content-Type': 'text/xml' },
    });
    expect(notOpml.status).toBe(400);

    const exported = await app.request('/api/v1/sources/export');
    expect(exported.headers.get('content-type')).toMatch(/opml/);
    const text = await exported.text();
    expect(text).toContain('xmlUrl="https://actors.example.org/feed"');
    expect(text).toContain('text="Actors &amp; Co"');
    const list = await json(await app.request('/api/v1/sources?kind=union'));
    expect(list.sources.some((s: { url: string }) => s.url === 'https://actors.example.org/feed')).toBe(true);
    expect(list.sources.find((s: { url: string }) => s.url === 'https://blog.example.org/atom')).toBeUndefined();
  });
});

describe('default sources', () => {
  it('seeds once, into an empty database, and never seeds a deleted source back', async () => {
    const fresh = await freshDatabase();
    try {
      expect(await seedSourcesOnce(fresh.db, defaultSourceRows())).toBe(DEFAULT_SOURCES.length);
      const { app } = testApp(fresh);
      const key = await authHeader(fresh, 'write');
      const variety = (await listSources(fresh.db)).find((s) => s.name === 'Variety')!;
      await app.request(`/api/v1/sources/${variety.id}`, { method: 'DELETE', headers: key });
      expect(await seedSourcesOnce(fresh.db, defaultSourceRows())).toBe(0);
      expect((await listSources(fresh.db)).find((s) => s.name === 'Variety')).toBeUndefined();
    } finally {
      await fresh.close();
    }
  });

  it('covers trade press and unions with well-formed https URLs', () => {
    const kinds = new Set(DEFAULT_SOURCES.map((s) => s.kind));
    expect(kinds).toEqual(new Set(['news', 'union']));
    for (const s of DEFAULT_SOURCES) expect(new URL(s.url).protocol).toBe('https:');
    expect(new Set(DEFAULT_SOURCES.map((s) => s.url)).size).toBe(DEFAULT_SOURCES.length);
  });
});

describe('items API', () => {
  it('lists items newest first with filters and a stable cursor', async () => {
    const { app } = testApp(database);
    const created = await json(
      await app.request('/api/v1/sources', {
        method: 'POST',
        body: JSON.stringify({ url: server.url('/feed'), kind: 'union', name: 'Feed' }),
        headers: write,
      }),
    );
    await ingest(
      { db: database.db, config: testConfig(), logger: silentLogger(), clock: fixedClock('2025-07-20T00:00:00Z'), instance: 't' },
      { ids: [created.id] },
    );
    const first = await json(await app.request(`/api/v1/items?limit=10&source=${created.id}`));
    expect(first.total).toBe(25);
    expect(first.items).toHaveLength(10);
    expect(first.items[0]).toMatchObject({
      source: { id: created.id, name: 'Feed', kind: 'union' },
      studios: ['Netflix'],
      unions: ['IATSE'],
      relevant: true,
    });
    const times = first.items.map((i: { publishedAt: string }) => i.publishedAt);
    expect([...times].sort().reverse()).toEqual(times);

    const seen = new Set<number>(first.items.map((i: { id: number }) => i.id));
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await json(await app.request(`/api/v1/items?limit=10&source=${created.id}&cursor=${cursor}`));
      for (const i of page.items as { id: number }[]) seen.add(i.id);
      cursor = page.nextCursor;
    }
    expect(seen.size).toBe(25);

    const filtered = await json(await app.request(`/api/v1/items?kind=union&from=2025-07-01T00:05:00Z&to=2025-07-01T00:10:00Z`));
    expect(filtered.total).toBe(5);
    expect((await json(await app.request('/api/v1/items?kind=opinion'))).total).toBe(0);
  });

  it('rejects bad parameters naming them', async () => {
    const { app } = testApp(database);
    for (const [query, param] of [
      ['limit=500', 'limit'],
      ['limit=abc', 'limit'],
      ['cursor=notacursor', 'cursor'],
      ['from=yesterday', 'from'],
      ['relevant=maybe', 'relevant'],
      ['kind=blog', 'kind'],
      ['from=2025-07-10&to=2025-07-01', 'to'],
    ]) {
      const res = await app.request(`/api/v1/items?${query}`);
      expect(res.status, query).toBe(400);
      expect((await json(res)).error.message, query).toMatch(new RegExp(`^${param}: `));
    }
  });
});
