import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { dayCounts, rebuildDirtyDays, GROUP_DIMENSIONS, type DayCount, type TrendFilters } from '../db/queries/rollups.ts';
import { CONCERNS, SOURCE_KINDS, STANCES, type Concern } from '../src/labels.ts';
import { json, testApp } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';
import { clearItems, makeItems, makeSource, type ItemSpec } from './helpers/factories.ts';

let database: Database;
const sources: Record<string, number> = {};

beforeAll(async () => {
  database = await freshDatabase();
  for (const k of SOURCE_KINDS) sources[k] = await makeSource(database.db, k);
});
afterAll(async () => {
  await database?.close();
});

const STUDIOS = ['Netflix', 'Disney', 'Sony'];
const UNIONS = ['SAG-AFTRA', 'WGA'];
const AREAS = ['vfx', 'writing', 'animation'];
const sortRows = (rows: DayCount[]) =>
  rows
    .filter((r) => r.n > 0)
    .map((r) => `${r.day}|${r.group}|${r.stance}|${r.n}`)
    .sort();

describe('rollups answer exactly what a direct aggregate over items answers', () => {
  it('for random items and every filter and grouping', { timeout: 120_000 }, async () => {
    const subset = <T>(xs: readonly T[]) => fc.subarray([...xs], { minLength: 0, maxLength: 2 });
    const item = fc.record({
      kind: fc.constantFrom(...SOURCE_KINDS),
      minute: fc.integer({ min: 0, max: 12 * 24 * 60 - 1 }),
      stance: fc.constantFrom(...STANCES),
      relevant: fc.boolean(),
      studios: subset(STUDIOS),
      unions: subset(UNIONS),
      areas: subset(AREAS),
      concerns: subset(CONCERNS),
    });
    const filters = fc.record({
      from: fc.integer({ min: -2, max: 8 }),
      span: fc.integer({ min: 1, max: 16 }),
      groupBy: fc.option(fc.constantFrom(...GROUP_DIMENSIONS), { nil: undefined }),
      studio: fc.option(fc.constantFrom(...STUDIOS, 'Nobody'), { nil: undefined }),
      union: fc.option(fc.constantFrom(...UNIONS), { nil: undefined }),
      kind: fc.option(fc.constantFrom(...SOURCE_KINDS), { nil: undefined }),
      area: fc.option(fc.constantFrom(...AREAS), { nil: undefined }),
      concern: fc.option(fc.constantFrom(...CONCERNS), { nil: undefined }),
      relevant: fc.option(fc.boolean(), { nil: undefined }),
    });
    const base = Date.UTC(2025, 5, 20);
    await fc.assert(
      fc.asyncProperty(
        fc.array(item, { minLength: 30, maxLength: 150 }),
        fc.array(filters, { minLength: 8, maxLength: 8 }),
        fc.boolean(),
        async (list, queries, partial) => {
          await clearItems(database.db);
          const specs: ItemSpec[] = list.map((x) => ({
            sourceId: sources[x.kind]!,
            publishedAt: new Date(base + x.minute * 60_000),
            stance: x.stance,
            relevant: x.relevant,
            studios: x.studios,
            unions: x.unions,
            areas: x.areas,
            concerns: x.concerns as Concern[],
          }));
          const half = Math.floor(specs.length / 2);
          await makeItems(database.db, specs.slice(0, half));
          await rebuildDirtyDays(database.db, { limit: 10_000 });
          // the rest stays dirty or is rebuilt too: both states must read the same
          await makeItems(database.db, specs.slice(half));
          if (!partial) await rebuildDirtyDays(database.db, { limit: 10_000 });
          for (const q of [{ from: 0, span: 12 }, ...queries]) {
            const day = (n: number) => new Date(base + n * 86_400_000).toISOString().slice(0, 10);
            const f: TrendFilters = { ...q, from: day(q.from), to: day(q.from + q.span), tz: 'UTC' } as TrendFilters;
            const viaRollups = sortRows(await dayCounts(database.db, f, 'rollup'));
            const direct = sortRows(await dayCounts(database.db, f, 'direct'));
            expect(viaRollups).toEqual(direct);
          }
        },
      ),
      { numRuns: 15, seed: 20250717 },
    );
  });
});

describe('GET /api/v1/trends', () => {
  beforeAll(async () => {
    await clearItems(database.db);
    const at = (day: string, h = 12) => new Date(`${day}T${String(h).padStart(2, '0')}:00:00Z`);
    const specs: ItemSpec[] = [];
    // week of 14 July 2025: 3 worry, 1 excitement (Netflix); week of 21 July: 2 excitement, 1 neutral
    for (let i = 0; i < 3; i++)
      specs.push({
        sourceId: sources.union!,
        publishedAt: at('2025-07-15'),
        stance: 'worry',
        studios: ['Netflix'],
        concerns: ['job_displacement'],
      });
    specs.push({ sourceId: sources.news!, publishedAt: at('2025-07-20', 23), stance: 'excitement', studios: ['Netflix'] });
    specs.push({ sourceId: sources.news!, publishedAt: at('2025-07-21'), stance: 'excitement', studios: ['Disney'] });
    specs.push({ sourceId: sources.news!, publishedAt: at('2025-07-22'), stance: 'excitement', studios: ['Netflix', 'Disney'] });
    specs.push({ sourceId: sources.news!, publishedAt: at('2025-07-23'), stance: 'neutral' });
    specs.push({ sourceId: sources.news!, publishedAt: at('2025-07-23'), stance: 'neutral', relevant: false });
    await makeItems(database.db, specs);
  });

  it('gives weekly buckets with counts, shares, intervals, net and low-N flags, no gaps', async () => {
    const { app } = testApp(database);
    const body = await json(await app.request('/api/v1/trends?from=2025-07-07&to=2025-08-04&granularity=week'));
    expect(body).toMatchObject({ granularity: 'week', from: '2025-07-07', to: '2025-08-04', tz: 'UTC', minN: 30 });
    expect(body.series).toHaveLength(1);
    const [s] = body.series;
    expect(s.group).toBeNull();
    expect(s.buckets.map((b: { start: string }) => b.start)).toEqual(['2025-07-07', '2025-07-14', '2025-07-21', '2025-07-28']);
    // an empty week has counts of zero and no shares at all: not 0% with a 0-0 interval
    expect(s.buckets[0]).toMatchObject({
      total: 0,
      counts: { excitement: 0, worry: 0, neutral: 0 },
      net: null,
      lowN: true,
      partial: false,
    });
    expect(s.buckets[0].shares).toEqual({ excitement: null, worry: null, neutral: null });
    const w = s.buckets[1];
    expect(w).toMatchObject({ total: 4, counts: { excitement: 1, worry: 3, neutral: 0 }, net: -0.5, lowN: true });
    expect(w.shares.worry.value).toBe(0.75);
    expect(w.shares.worry.low).toBeCloseTo(0.3006, 3);
    expect(w.shares.worry.high).toBeCloseTo(0.9544, 3);
    expect(s.buckets[2].counts).toEqual({ excitement: 2, worry: 0, neutral: 1 }); // the irrelevant item is left out
  });

  it('includes irrelevant items on request and groups by studio, kind and concern', async () => {
    const { app } = testApp(database);
    const all = await json(await app.request('/api/v1/trends?from=2025-07-21&to=2025-07-28&granularity=week&relevant=all'));
    expect(all.series[0].buckets[0].counts.neutral).toBe(2);
    const byStudio = await json(await app.request('/api/v1/trends?from=2025-07-14&to=2025-07-28&granularity=week&group_by=studio'));
    expect(byStudio.series.map((s: { group: string }) => s.group)).toEqual(['Netflix', 'Disney']);
    expect(byStudio.series[0].buckets.map((b: { total: number }) => b.total)).toEqual([4, 1]);
    const byKind = await json(await app.request('/api/v1/trends?from=2025-07-14&to=2025-07-21&granularity=week&group_by=kind'));
    expect(
      Object.fromEntries(byKind.series.map((s: { group: string; buckets: { total: number }[] }) => [s.group, s.buckets[0]!.total])),
    ).toEqual({ union: 3, news: 1 });
    const netflixUnion = await json(
      await app.request('/api/v1/trends?from=2025-07-14&to=2025-07-21&granularity=day&studio=Netflix&kind=union&concern=job_displacement'),
    );
    expect(netflixUnion.series[0].buckets.map((b: { total: number }) => b.total)).toEqual([0, 3, 0, 0, 0, 0, 0]);
  });

  it('buckets in the requested time zone', async () => {
    const { app } = testApp(database);
    // 23:00 UTC on Sunday 20 July is Monday 21 July in Madrid: it moves to the next week
    const madrid = await json(await app.request('/api/v1/trends?from=2025-07-14&to=2025-07-28&granularity=week&tz=Europe/Madrid'));
    expect(madrid.series[0].buckets.map((b: { total: number }) => b.total)).toEqual([3, 4]);
  });

  it('answers CSV with one row per group and bucket', async () => {
    const { app } = testApp(database, { now: '2025-08-01T12:00:00Z' });
    const res = await app.request('/api/v1/trends?from=2025-07-14&to=2025-07-28&granularity=week&group_by=studio&format=csv');
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toBe(
      'group,bucket_start,bucket_end,total,excitement_count,worry_count,neutral_count,excitement_share,excitement_low,excitement_high,worry_share,worry_low,worry_high,neutral_share,neutral_low,neutral_high,net,low_n,partial',
    );
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/^Netflix,2025-07-14,2025-07-21,4,1,3,0,0\.25,/);
    // Disney had nothing in the first week: its shares and net are empty cells, not zeros
    expect(lines.find((l) => l.startsWith('Disney,2025-07-14'))).toBe('Disney,2025-07-14,2025-07-21,0,0,0,0,,,,,,,,,,,true,false');
    // what made the answer travels in headers
    expect(res.headers.get('pulse-model')).toMatch(/^pulse-stance/);
    expect(res.headers.get('pulse-relevance')).toBe('relevant items only');
    expect(new URLSearchParams(res.headers.get('pulse-filters')!).get('group_by')).toBe('studio');
  });

  it('flags buckets the range or the present cuts, and by default shows whole buckets up to the last complete day', async () => {
    const { app } = testApp(database, { now: '2025-07-23T12:00:00Z' });
    const month = await json(await app.request('/api/v1/trends?granularity=month&from=2025-06-15&to=2025-08-01'));
    expect(month.series[0].buckets.map((b: { start: string; partial: boolean }) => [b.start, b.partial])).toEqual([
      ['2025-06-01', true],
      ['2025-07-01', true], // today (23 July) falls inside it
    ]);
    const weeks = await json(await app.request('/api/v1/trends?granularity=week'));
    // Wednesday 23 July: the week in progress is left out; twelve whole weeks end on Sunday 20 July
    expect(weeks).toMatchObject({ from: '2025-04-28', to: '2025-07-21' });
    expect(weeks.series[0].buckets).toHaveLength(12);
    expect(weeks.series[0].buckets.every((b: { partial: boolean }) => !b.partial)).toBe(true);
    const days = await json(await app.request('/api/v1/trends?granularity=day'));
    expect(days.to).toBe('2025-07-23'); // exclusive: yesterday is the last day counted
    const months = await json(await app.request('/api/v1/trends?granularity=month'));
    expect(months).toMatchObject({ from: '2024-07-01', to: '2025-07-01' });
  });

  it('says what made the answer', async () => {
    const { app } = testApp(database, { now: '2025-08-01T12:00:00Z' });
    const body = await json(await app.request('/api/v1/trends?from=2025-07-14&to=2025-07-28&studio=Netflix'));
    expect(body.meta).toEqual({
      model: expect.stringMatching(/^pulse-stance/),
      labels: 'best',
      filters: {
        from: '2025-07-14',
        to: '2025-07-28',
        granularity: 'week',
        tz: 'UTC',
        relevant: 'true',
        studio: 'Netflix',
        labels: 'best',
      },
      relevance: 'relevant items only',
      generatedAt: '2025-08-01T12:00:00.000Z',
      dataThrough: expect.stringMatching(/^2025-07-2/),
    });
  });

  it("gives each concern a denominator: its share of the bucket's relevant items and of its worry items", async () => {
    const { app } = testApp(database);
    const body = await json(await app.request('/api/v1/trends?from=2025-07-14&to=2025-07-21&granularity=week&group_by=concern'));
    const jobs = body.series.find((s: { group: string }) => s.group === 'job_displacement');
    // the week has 4 relevant items, 3 of them worry, and 3 raise job displacement
    expect(jobs.buckets[0].concern).toMatchObject({ count: 3, relevantTotal: 4, worryTotal: 3 });
    expect(jobs.buckets[0].concern.ofRelevant.value).toBe(0.75);
    expect(jobs.buckets[0].concern.ofWorry.value).toBe(1);
    const csv = await (
      await app.request('/api/v1/trends?from=2025-07-14&to=2025-07-21&granularity=week&group_by=concern&format=csv')
    ).text();
    expect(csv.split('\n')[0]).toMatch(
      /,relevant_total,worry_total,share_of_relevant,share_of_relevant_low,share_of_relevant_high,share_of_worry,/,
    );
  });

  it('sends an ETag and answers 304 to a matching If-None-Match', async () => {
    const { app } = testApp(database);
    const url = '/api/v1/trends?from=2025-07-14&to=2025-07-28';
    const first = await app.request(url);
    const tag = first.headers.get('etag');
    expect(tag).toBeTruthy();
    expect(first.headers.get('cache-control')).toMatch(/max-age=/);
    expect((await app.request(url, { headers: { 'If-None-Match': tag! } })).status).toBe(304);
  });

  it('reuses answers for PULSE_CACHE_TTL_MS, and not at all when it is 0', async () => {
    const cached = testApp(database, { env: { PULSE_CACHE_TTL_MS: '60000' } }).app;
    const uncached = testApp(database).app;
    const url = '/api/v1/trends?from=2025-07-28&to=2025-08-04&granularity=week';
    const before = await json(await cached.request(url));
    expect(before.series[0].buckets[0].total).toBe(0);
    await makeItems(database.db, [{ sourceId: sources.news!, publishedAt: new Date('2025-07-29T10:00:00Z'), stance: 'worry' }]);
    expect((await json(await cached.request(url))).series[0].buckets[0].total).toBe(0);
    expect((await json(await uncached.request(url))).series[0].buckets[0].total).toBe(1);
    expect((await cached.request(url)).headers.get('cache-control')).toBe('public, max-age=60');
  });

  it('rejects bad parameters naming them', async () => {
    const { app } = testApp(database);
    for (const [query, param] of [
      ['granularity=year', 'granularity'],
      ['group_by=planet', 'group_by'],
      ['from=2025-13-01', 'from'],
      ['from=2025-02-30', 'from'],
      ['tz=Mars/Base', 'tz'],
      ['relevant=maybe', 'relevant'],
      ['format=xml', 'format'],
      ['concern=boredom', 'concern'],
      ['from=2025-07-10&to=2025-07-01', 'to'],
      ['from=2000-01-01&to=2025-01-01', 'from'],
    ]) {
      const res = await app.request(`/api/v1/trends?${query}`);
      expect(res.status, query).toBe(400);
      expect((await json(res)).error.message, query).toMatch(new RegExp(`^${param}: `));
    }
  });
});

describe('an item at exactly midnight UTC', () => {
  it('is counted once, in the day it starts, from rollups and from items alike', async () => {
    const { app } = testApp(database);
    // Tuesday 6 May 2025 00:00:00.000Z, and the last millisecond of Monday
    await makeItems(database.db, [
      { sourceId: sources.news!, publishedAt: new Date('2025-05-06T00:00:00.000Z'), stance: 'worry' },
      { sourceId: sources.news!, publishedAt: new Date('2025-05-05T23:59:59.999Z'), stance: 'excitement' },
    ]);
    const totals = async (query: string) =>
      (await json(await app.request(`/api/v1/trends?${query}`))).series[0].buckets.map(
        (b: { start: string; total: number }) => `${b.start}:${b.total}`,
      );
    for (const state of ['dirty days, read from items', 'rolled up']) {
      if (state === 'rolled up') await rebuildDirtyDays(database.db, { limit: 10_000 });
      expect(await totals('from=2025-05-04&to=2025-05-08&granularity=day'), state).toEqual([
        '2025-05-04:0',
        '2025-05-05:1',
        '2025-05-06:1',
        '2025-05-07:0',
      ]);
      expect(await totals('from=2025-05-06&to=2025-05-07&granularity=day'), state).toEqual(['2025-05-06:1']);
      expect(await totals('from=2025-05-05&to=2025-05-06&granularity=day'), state).toEqual(['2025-05-05:1']);
      expect(await totals('from=2025-05-05&to=2025-05-12&granularity=week'), state).toEqual(['2025-05-05:2']);
    }
    for (const mode of ['rollup', 'direct'] as const) {
      expect(sortRows(await dayCounts(database.db, { from: '2025-05-06', to: '2025-05-07', tz: 'UTC' }, mode)), mode).toEqual([
        '2025-05-06|null|worry|1',
      ]);
      expect(sortRows(await dayCounts(database.db, { from: '2025-05-05', to: '2025-05-06', tz: 'UTC' }, mode)), mode).toEqual([
        '2025-05-05|null|excitement|1',
      ]);
    }
  });
});
