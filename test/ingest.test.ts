import { gzipSync } from 'node:zlib';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { addSource, getSource } from '../db/queries/sources.ts';
import { items, sightings, sources } from '../db/schema/index.ts';
import { fixedClock } from '../src/clock.ts';
import { ingest, type IngestDeps } from '../src/services/ingest.ts';
import { silentLogger } from '../src/logger.ts';
import { testConfig } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';
import { body, manyItems, rss, startFeedServer } from './helpers/feed-server.ts';
import { feedFixture } from './helpers/fixtures.ts';

let database: Database;
let server: Awaited<ReturnType<typeof startFeedServer>>;
const clock = fixedClock('2025-07-20T12:00:00Z');
let edits = 0;

const story = (n: number, extra: Partial<{ link: string; guid: string; title: string }> = {}) => ({
  title: `Guild warns on AI replicas, part ${n}`,
  link: `https://news.example.org/story-${n}`,
  guid: `story-${n}`,
  description: `A union statement number ${n} says performers need consent before studios build digital replicas with generative AI tools.`,
  pubDate: 'Thu, 17 Jul 2025 15:00:00 GMT',
  ...extra,
});

beforeAll(async () => {
  database = await freshDatabase();
  server = await startFeedServer({
    '/rss': body(rss([story(1), story(2)])),
    '/rdf': body(feedFixture('rss1-rdf.xml'), 'application/rdf+xml'),
    '/atom': body(feedFixture('atom.xml'), 'application/atom+xml'),
    '/big': body(rss(manyItems(5000, 'https://big.example.org'))),
    '/latin1': body(feedFixture('latin1-declared.xml'), 'application/rss+xml; charset=ISO-8859-1'),
    '/cp1252': body(feedFixture('windows-1252-declared.xml'), 'application/rss+xml'),
    '/malformed': body(feedFixture('malformed.xml')),
    '/entities': body(feedFixture('undeclared-entities.xml')),
    '/html': body(feedFixture('html-page.html'), 'text/html'),
    '/html-after-comment': body(feedFixture('html-page-after-comment.html'), 'application/rss+xml'),
    '/truncated': body(feedFixture('truncated.xml')),
    '/cp1252-undeclared': body(feedFixture('windows-1252-undeclared.xml'), 'application/rss+xml'),
    '/empty': body('', 'application/rss+xml'),
    '/500': (_req, res) => res.writeHead(500).end('boom'),
    '/hang': () => {},
    '/trickle': (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/rss+xml' });
      const t = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(t));
    },
    '/loop': (_req, res) => res.writeHead(302, { Location: '/loop' }).end(),
    '/oversized': body(Buffer.alloc(11 * 1024 * 1024, 0x20)),
    '/bomb': body(gzipSync(Buffer.alloc(60 * 1024 * 1024, 0x20)), 'application/rss+xml', { 'Content-Encoding': 'gzip' }),
    // the same two stories as /rss, one with tracking parameters, one re-posted under another URL
    '/mirror': body(
      rss([
        story(1, { link: 'https://news.example.org/story-1?utm_source=mirror&utm_medium=rss#top', guid: 'mirror-1' }),
        story(2, { link: 'https://mirror.example.net/copy-of-story-2', guid: 'mirror-2' }),
        story(3, { link: 'https://mirror.example.net/story-3' }),
      ]),
    ),
    '/etag': (req, res) => {
      if (req.headers['if-none-match'] === '"abc"') return res.writeHead(304).end();
      res.writeHead(200, { 'Content-Type': 'application/rss+xml', ETag: '"abc"' }).end(rss([story(10), story(11)]));
    },
    // the publisher edits an entry between fetches: new link and new text, same guid
    '/edited': (_req, res) => {
      const version =
        edits++ === 0
          ? story(20, { guid: 'edited-20', link: 'https://news.example.org/draft-headline' })
          : {
              title: 'Studio and guild settle AI likeness terms',
              link: 'https://news.example.org/final-headline',
              guid: 'edited-20',
              description:
                'The final version of the article, rewritten after the negotiators announced consent and pay terms for digital doubles.',
              pubDate: 'Thu, 17 Jul 2025 18:00:00 GMT',
            };
      res.writeHead(200, { 'Content-Type': 'application/rss+xml' }).end(rss([version]));
    },
    // another publisher's guid scheme happens to give the same guid to another story
    '/same-guid': body(
      rss([
        {
          title: 'Dubbing actors and synthetic voices',
          link: 'https://other.example.net/dubbing',
          guid: 'edited-20',
          description: 'A different story from a different publisher about voice actors and AI dubbing contracts in Europe.',
        },
      ]),
    ),
    '/to-localhost': (_req, res) => res.writeHead(302, { Location: server.url('/rss').replace('127.0.0.1', 'localhost') }).end(),
  });
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

function deps(env: Record<string, string> = {}, extra: Partial<IngestDeps> = {}): IngestDeps {
  return {
    db: database.db,
    config: testConfig({ PULSE_FETCH_TIMEOUT_MS: '1500', PULSE_FETCH_CONNECT_TIMEOUT_MS: '1000', ...env }),
    logger: silentLogger(),
    clock,
    instance: 'test:1',
    random: () => 0.5,
    ...extra,
  };
}

let n = 0;
async function source(path: string, kind: 'news' | 'union' = 'news') {
  // a unique query string lets one path back several sources
  const { row } = await addSource(database.db, { url: server.url(path) + `?s=${++n}`, kind, name: path });
  return row;
}
const itemsOf = (sourceId: number) => database.db.select().from(items).where(eq(items.sourceId, sourceId));

describe('ingest', () => {
  it('stores RSS 2.0 items as plain text with UTC dates and records success', async () => {
    const s = await source('/rss', 'union');
    const { reports } = await ingest(deps(), { ids: [s.id] });
    expect(reports[0]).toMatchObject({ outcome: 'ok', inserted: 2, duplicates: 0, status: 200 });
    const rows = await itemsOf(s.id);
    expect(rows.map((r) => r.url).sort()).toEqual(['https://news.example.org/story-1', 'https://news.example.org/story-2']);
    expect(rows[0]!.publishedAt.toISOString()).toBe('2025-07-17T15:00:00.000Z');
    expect(rows[0]!.status).toBe('pending');
    expect(rows[0]!.language).toBe('en-gb');
    expect(rows[0]!.unions).toEqual([]);
    expect(rows[0]!.areas).toContain('acting_likeness');
    const health = (await getSource(database.db, s.id))!;
    expect(health).toMatchObject({ lastStatus: 200, consecutiveFailures: 0, lastError: null });
    expect(health.lastSuccessAt).toEqual(clock.now());
    expect(health.nextFetchAt.getTime()).toBeGreaterThan(clock.now().getTime());
    expect(health.claimedBy).toBeNull();
  });

  it('reads RSS 1.0 (RDF) and Atom, resolving relative links', async () => {
    const rdf = await source('/rdf');
    const atom = await source('/atom');
    await ingest(deps(), { ids: [rdf.id, atom.id] });
    const rdfRows = await itemsOf(rdf.id);
    expect(rdfRows).toHaveLength(2);
    expect(rdfRows.find((r) => r.url === 'http://rdf.example.org/1')).toMatchObject({
      author: 'R. Writer',
      unions: ['The Animation Guild'],
    });
    const [entry] = await itemsOf(atom.id);
    expect(entry).toMatchObject({
      url: `${server.base}/articles/eternauta`,
      title: 'Netflix El Eternauta used generative AI',
      author: 'A. Critic',
      content: 'The VFX shot of a collapsing building was made with generative AI.',
      studios: ['Netflix'],
      relevant: true,
    });
    expect(entry!.publishedAt.toISOString()).toBe('2025-07-17T22:00:00.000Z');
  });

  it('stores a 5,000-item feed, and a refetch adds nothing', async () => {
    const s = await source('/big');
    const first = await ingest(deps(), { ids: [s.id] });
    expect(first.totals.inserted).toBe(5000);
    const again = await ingest(deps(), { ids: [s.id] });
    expect(again.totals).toMatchObject({ inserted: 0, duplicates: 5000 });
    expect(await itemsOf(s.id)).toHaveLength(5000);
  });

  it('decodes ISO-8859-1 and Windows-1252 feeds, declared or not', async () => {
    const latin = await source('/latin1');
    const cp = await source('/cp1252');
    const undeclared = await source('/cp1252-undeclared');
    await ingest(deps(), { ids: [latin.id, cp.id, undeclared.id] });
    expect((await itemsOf(latin.id))[0]!.title).toBe('Café de Paris');
    expect((await itemsOf(cp.id))[0]!.title).toBe('\u201cAI\u201d \u2013 \u20ac5');
    expect((await itemsOf(undeclared.id))[0]!.title).toBe('Café \u201cAI\u201d \u2013 \u20ac5');
  });

  it('repairs undeclared entities and bare ampersands', async () => {
    const s = await source('/entities');
    await ingest(deps(), { ids: [s.id] });
    const [row] = await itemsOf(s.id);
    expect(row).toMatchObject({ title: 'Café R&D for AI dubbing \u2014 news', summary: 'AT&T', url: 'http://ent.example.org/1?a=1&b=2' });
  });

  it.each([
    ['/malformed', /^parse: not a readable feed/, 200],
    ['/html', /^parse: the server sent an HTML page/, 200],
    ['/html-after-comment', /^parse: the server sent an HTML page/, 200],
    ['/truncated', /^parse: not a readable feed/, 200],
    ['/empty', /^parse: empty body/, 200],
    ['/500', /^http_status: HTTP 500/, 500],
    ['/nowhere', /^http_status: HTTP 404/, 404],
    ['/hang', /^timeout: /, null],
    ['/trickle', /^timeout: /, null],
    ['/loop', /^too_many_redirects: /, 302],
    ['/oversized', /^too_large: /, null],
    ['/bomb', /^too_large: .*after decompression/, null],
  ])('records %s as a failure with a readable reason and backs off', async (path, reason, status) => {
    const s = await source(path);
    // the two that wait for the timeout get a short one
    const waits = path === '/hang' || path === '/trickle';
    const { reports } = await ingest(deps(waits ? { PULSE_FETCH_TIMEOUT_MS: '400' } : {}), { ids: [s.id] });
    expect(reports[0]!.outcome).toBe('failed');
    const health = (await getSource(database.db, s.id))!;
    expect(health.lastError).toMatch(reason);
    expect(health.lastStatus).toBe(status);
    expect(health.consecutiveFailures).toBe(1);
    expect(health.lastSuccessAt).toBeNull();
    expect(health.enabled).toBe(true);
    // backoff: twice the 60-minute interval, plus jitter
    expect(health.nextFetchAt.getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(120 * 60_000);
    expect(await itemsOf(s.id)).toHaveLength(0);
  });

  it('keeps one bad source from affecting the others in the same run', async () => {
    const good = await source('/rss');
    const bad = await source('/500');
    const { reports } = await ingest(deps(), { ids: [good.id, bad.id] });
    expect(reports.find((r) => r.sourceId === bad.id)!.outcome).toBe('failed');
    expect(reports.find((r) => r.sourceId === good.id)!.outcome).toBe('ok');
  });

  it('stores a story once across feeds, tracking variants and re-posts, and records each sighting', async () => {
    const a = await source('/rss');
    const b = await source('/mirror');
    await ingest(deps(), { ids: [a.id] });
    const { reports } = await ingest(deps(), { ids: [b.id] });
    expect(reports[0]).toMatchObject({ inserted: 1, duplicates: 2 });
    const all = await database.db.select().from(items).where(eq(items.url, 'https://news.example.org/story-1'));
    expect(all).toHaveLength(1);
    expect(await database.db.select().from(items).where(eq(items.url, 'https://mirror.example.net/copy-of-story-2'))).toHaveLength(0);
    const seen = await database.db.select().from(sightings).where(eq(sightings.sourceId, b.id));
    expect(seen.map((x) => x.url).sort()).toEqual([
      'https://mirror.example.net/copy-of-story-2',
      'https://mirror.example.net/story-3',
      'https://news.example.org/story-1',
    ]);
    const again = await ingest(deps(), { ids: [a.id, b.id] });
    expect(again.totals.inserted).toBe(0);
  });

  it('stores an entry once when its source changes its link and text but keeps its guid, and keeps the sighting', async () => {
    const s = await source('/edited');
    expect((await ingest(deps(), { ids: [s.id] })).reports[0]).toMatchObject({ inserted: 1, duplicates: 0 });
    expect((await ingest(deps(), { ids: [s.id] })).reports[0]).toMatchObject({ outcome: 'ok', inserted: 0, duplicates: 1 });
    const stored = await itemsOf(s.id);
    expect(stored.map((r) => r.url)).toEqual(['https://news.example.org/draft-headline']);
    const seen = await database.db.select().from(sightings).where(eq(sightings.sourceId, s.id));
    expect(seen.map((x) => ({ item: x.itemId, url: x.url, guid: x.guid }))).toEqual([
      { item: stored[0]!.id, url: 'https://news.example.org/draft-headline', guid: 'edited-20' },
    ]);
    // the guid identifies an entry within its own source only
    const other = await source('/same-guid');
    expect((await ingest(deps(), { ids: [other.id] })).reports[0]).toMatchObject({ inserted: 1, duplicates: 0 });
    expect((await itemsOf(other.id)).map((r) => r.url)).toEqual(['https://other.example.net/dubbing']);
  });

  it('stores a story once when two feeds carrying it are stored at the same moment', async () => {
    const feeds = await Promise.all(['/rss', '/mirror', '/rss', '/mirror'].map((p) => source(p)));
    const runs = await Promise.all(feeds.map((f, i) => ingest({ ...deps(), instance: `racer-${i}` }, { ids: [f.id] })));
    expect(runs.every((r) => r.reports[0]!.outcome === 'ok')).toBe(true);
    for (const url of ['https://news.example.org/story-1', 'https://news.example.org/story-2', 'https://mirror.example.net/story-3']) {
      expect(await database.db.select().from(items).where(eq(items.url, url))).toHaveLength(1);
    }
    expect(await database.db.select().from(items).where(eq(items.url, 'https://mirror.example.net/copy-of-story-2'))).toHaveLength(0);
  });

  it('refetches with the ETag and treats 304 as a success with nothing new', async () => {
    const s = await source('/etag');
    await ingest(deps(), { ids: [s.id] });
    expect((await getSource(database.db, s.id))!.etag).toBe('"abc"');
    const { reports } = await ingest(deps(), { ids: [s.id] });
    expect(reports[0]).toMatchObject({ outcome: 'not_modified', status: 304, inserted: 0 });
    const health = (await getSource(database.db, s.id))!;
    expect(health).toMatchObject({ lastStatus: 304, consecutiveFailures: 0, etag: '"abc"' });
    expect(await itemsOf(s.id)).toHaveLength(2);
  });

  it('refuses private addresses without the allowlist, and a redirect to one', async () => {
    const s = await source('/rss');
    await ingest(deps({ PULSE_ALLOW_PRIVATE_FEEDS: 'false' }), { ids: [s.id] });
    expect((await getSource(database.db, s.id))!.lastError).toMatch(/^blocked_address: 127\.0\.0\.1 is a private/);
    const r = await source('/to-localhost');
    await ingest(deps({}, { allowPrivate: (host) => host === '127.0.0.1' }), { ids: [r.id] });
    expect((await getSource(database.db, r.id))!.lastError).toMatch(/^blocked_address: localhost resolves to/);
    expect(await itemsOf(r.id)).toHaveLength(0);
  });

  it('fetches only due sources unless asked, and never the same source twice in a round', async () => {
    const s = await source('/rss');
    // newly added sources are due from the moment they are added (database time); after a
    // fetch they are not due again until their interval has passed
    clock.set(new Date(Date.now() + 60_000));
    // every source of this file is due: the heavy ones (5,000 items, a decompression bomb, 11 MB)
    // are switched off and a short timeout keeps the hanging ones from setting the pace
    await database.db
      .update(sources)
      .set({ enabled: false })
      .where(inArray(sources.name, ['/big', '/bomb', '/oversized']));
    const quick = { PULSE_FETCH_TIMEOUT_MS: '400' };
    const first = await ingest(deps(quick));
    expect(first.reports.some((r) => r.sourceId === s.id)).toBe(true);
    const second = await ingest(deps(quick));
    expect(second.reports.some((r) => r.sourceId === s.id)).toBe(false);
    const forced = await ingest(deps(quick), { all: true });
    expect(forced.reports.filter((r) => r.sourceId === s.id)).toHaveLength(1);
    clock.set('2025-07-20T12:00:00Z');
  });
});
