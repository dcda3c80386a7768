import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { fixedClock } from '../src/clock.ts';
import { annotate, createSample, sampleForCoding } from '../src/services/validation.ts';
import { defaultModel } from '../src/classify/model.ts';
import { authHeader, json, testApp } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';
import { makeItems, makeSource } from './helpers/factories.ts';

let database: Database;
let sampleId: number;
const STANCE = ['worry', 'neutral', 'excitement'] as const;

beforeAll(async () => {
  database = await freshDatabase();
  const src = await makeSource(database.db, 'news');
  await makeItems(
    database.db,
    Array.from({ length: 200 }, (_, k) => ({
      sourceId: src,
      stance: STANCE[k % 3]!,
      relevant: k % 5 !== 4,
      studios: ['Netflix'],
      publishedAt: new Date(Date.UTC(2025, 6, 7 + (k % 14), 12)),
    })),
  );
  const deps = { db: database.db, clock: fixedClock('2025-07-22T00:00:00Z'), model: defaultModel() };
  const sample = await createSample(deps, { n: 80, seed: 5 });
  sampleId = sample.id;
  // the model over-reads worry: a third of its worry items are neutral to the coder
  const { items } = await sampleForCoding(deps, { id: sampleId });
  for (const [k, it] of items.entries()) {
    const m = it.model;
    const stance = m.stance === 'worry' && k % 3 === 0 ? 'neutral' : m.relevant ? m.stance! : 'neutral';
    await annotate(deps, { itemId: it.id, coder: 'ana', stance, relevant: !!m.relevant, concerns: [], sampleId });
  }
});
afterAll(async () => {
  await database?.close();
});

describe('adjust=true', () => {
  it('adds adjusted shares and relevant counts to each bucket and names the sample', async () => {
    const { app } = testApp(database, { env: { PULSE_ADJUST_MIN_CODED: '20' } });
    const q = '/api/v1/trends?from=2025-07-07&to=2025-07-21&granularity=week';
    const res = await app.request(`${q}&adjust=true`);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.adjustment.sample.id).toBe(sampleId);
    expect(body.adjustment.codedItems).toBe(80);
    expect(body.meta.filters.adjust).toBe('true');
    for (const b of body.series[0].buckets) {
      // the raw shares are the model's; adjusted worry is lower, since the model over-reads worry
      expect(b.adjusted.shares.worry.value).toBeLessThan(b.shares.worry.value);
      expect(b.adjusted.shares.worry.low).toBeLessThanOrEqual(b.adjusted.shares.worry.value);
      expect(b.adjusted.shares.worry.high).toBeGreaterThanOrEqual(b.adjusted.shares.worry.value);
      const sum = b.adjusted.shares.worry.value + b.adjusted.shares.neutral.value + b.adjusted.shares.excitement.value;
      expect(sum).toBeCloseTo(1, 3);
      expect(b.adjusted.observed.relevant).toBe(b.total);
    }
    const again = await json(await app.request(`${q}&adjust=true`));
    expect(again.series).toEqual(body.series); // seeded: the same request gives the same intervals
    const csv = await (await app.request(`${q}&adjust=true&format=csv`)).text();
    expect(csv.split('\n')[0]).toContain('adjusted_worry_share,adjusted_worry_low,adjusted_worry_high');
    const plainCsv = await (await app.request(`${q}&format=csv`)).text();
    expect(plainCsv.split('\n')[0]).not.toContain('adjusted');
  });

  it('refuses with a clear message below the minimum of coded items, and for off-topic trends', async () => {
    const { app } = testApp(database, { env: { PULSE_ADJUST_MIN_CODED: '100' } });
    const res = await app.request('/api/v1/trends?from=2025-07-07&to=2025-07-21&adjust=true');
    expect(res.status).toBe(400);
    expect((await json(res)).error.message).toBe(
      'adjust: no validation sample has 100 coded items with a consensus yet (the most is 80); code more (/code/ID) or lower PULSE_ADJUST_MIN_CODED',
    );
    const strict = testApp(database, { env: { PULSE_ADJUST_MIN_CODED: '20' } }).app;
    expect((await strict.request('/api/v1/trends?from=2025-07-07&to=2025-07-21&adjust=true&relevant=false')).status).toBe(400);
    expect((await strict.request(`/api/v1/trends?from=2025-07-07&to=2025-07-21&adjust=true&sample=${sampleId}`)).status).toBe(200);
  });

  it('adjusts the reaction answer too', async () => {
    const { app } = testApp(database, { env: { PULSE_ADJUST_MIN_CODED: '20' } });
    const headers = { ...(await authHeader(database)), 'Content-Type': 'application/json' };
    const a = await json(
      await app.request('/api/v1/announcements', {
        method: 'POST',
        headers,
        body: JSON.stringify({ title: 'Test', studio: 'Netflix', date: '2025-07-14' }),
      }),
    );
    const r = await json(await app.request(`/api/v1/announcements/${a.id}/reaction?window=7d&adjust=true`));
    expect(r.adjustment.sample.id).toBe(sampleId);
    expect(r.adjusted.before.shares.worry.value).toBeLessThan(r.before.shares.worry.value);
    expect(r.adjusted.worryShareDiff.low).toBeLessThanOrEqual(r.adjusted.worryShareDiff.high);
    const plain = await json(await app.request(`/api/v1/announcements/${a.id}/reaction?window=7d`));
    expect(plain.adjusted).toBeUndefined();
  });
});
