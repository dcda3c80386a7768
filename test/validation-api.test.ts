import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { exportAnnotations, importAnnotations } from '../src/services/validation.ts';
import { fixedClock } from '../src/clock.ts';
import { authHeader, json, testApp } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';
import { makeItems, makeSource } from './helpers/factories.ts';

let database: Database;
let ids: number[];
let auth: Record<string, string>;

beforeAll(async () => {
  database = await freshDatabase();
  const src = await makeSource(database.db, 'news');
  const specs = Array.from({ length: 60 }, (_, k) => ({
    sourceId: src,
    stance: (k % 3 === 0 ? 'worry' : k % 3 === 1 ? 'neutral' : 'excitement') as 'worry' | 'neutral' | 'excitement',
    relevant: k % 10 !== 9,
    publishedAt: new Date(Date.UTC(2025, 6, 7 + (k % 7), 12)),
  }));
  ids = await makeItems(database.db, specs);
  auth = { ...(await authHeader(database)), 'Content-Type': 'application/json' };
});
afterAll(async () => {
  await database?.close();
});

const post = (app: ReturnType<typeof testApp>['app'], path: string, body: unknown, headers = auth) =>
  app.request(path, { method: 'POST', headers, body: JSON.stringify(body) });

describe('validation samples', () => {
  it('draws a stored, reproducible sample; stratified samples record weights; writes need a key', async () => {
    const { app } = testApp(database);
    expect((await post(app, '/api/v1/samples', { n: 10 }, { 'Content-Type': 'application/json' })).status).toBe(401);
    const a = await json(await post(app, '/api/v1/samples', { n: 12, seed: 7, from: '2025-07-07', to: '2025-07-14' }));
    const b = await json(await post(app, '/api/v1/samples', { n: 12, seed: 7, from: '2025-07-07', to: '2025-07-14' }));
    expect(a.size).toBe(12);
    expect(a.population).toBe(60);
    const itemsOf = async (id: number) => (await json(await app.request(`/api/v1/samples/${id}`))).items.map((i: { id: number }) => i.id);
    expect(await itemsOf(a.id)).toEqual(await itemsOf(b.id));
    const s = await json(await post(app, '/api/v1/samples', { n: 20, seed: 1, stratify: 'stance', name: 'strat' }));
    expect(s.stratify).toBe('stance');
    expect(s.strata.map((x: { stratum: string }) => x.stratum).sort()).toEqual(['excitement', 'neutral', 'off_topic', 'worry']);
    expect(s.strata.find((x: { stratum: string }) => x.stratum === 'off_topic').weight).toBe(6 / 5);
    expect((await post(app, '/api/v1/samples', { n: 0 })).status).toBe(400);
    expect((await post(app, '/api/v1/samples', { n: 5, from: '2030-01-01' })).status).toBe(400);
    expect((await json(await app.request('/api/v1/samples'))).samples).toHaveLength(3);
  });
});

describe('annotations, measured accuracy and corrections', () => {
  it('stores several coders per item, reports agreement and accuracy, and the consensus overrides the model', async () => {
    const { app } = testApp(database);
    const s = await json(await post(app, '/api/v1/samples', { n: 30, seed: 3 }));
    const items = (await json(await app.request(`/api/v1/samples/${s.id}`))).items as {
      id: number;
      model: { stance: string; relevant: boolean };
    }[];
    // coder ana agrees with the model except on every 5th item (calls it worry); ben agrees with ana on all but two
    for (const [k, it] of items.entries()) {
      const anaStance = k % 5 === 0 ? 'worry' : it.model.relevant ? it.model.stance : 'neutral';
      const res = await post(app, '/api/v1/annotations', {
        itemId: it.id,
        coder: 'ana',
        stance: anaStance,
        relevant: it.model.relevant,
        concerns: [],
        sampleId: s.id,
        durationMs: 4000,
      });
      expect(res.status).toBe(201);
      const benStance = k === 1 || k === 2 ? 'excitement' : anaStance;
      await post(app, '/api/v1/annotations', {
        itemId: it.id,
        coder: 'ben',
        stance: benStance,
        relevant: it.model.relevant,
        concerns: [],
        sampleId: s.id,
      });
    }
    expect((await post(app, '/api/v1/annotations', { itemId: 999999, coder: 'ana', stance: 'worry', relevant: true })).status).toBe(404);
    expect((await post(app, '/api/v1/annotations', { itemId: ids[0], coder: 'ana', stance: 'angry', relevant: true })).status).toBe(400);
    const coded = await json(await app.request(`/api/v1/samples/${s.id}?coder=ana`));
    expect(coded.items.every((i: { coded: unknown }) => i.coded !== null)).toBe(true);

    const v = await json(await app.request(`/api/v1/validation?sample=${s.id}`));
    expect(v.coders).toEqual([
      { coder: 'ana', items: 30 },
      { coder: 'ben', items: 30 },
    ]);
    expect(v.items).toMatchObject({ inSample: 30, coded: 30, byTwoOrMore: 30 });
    expect(v.agreement.kappa).toHaveLength(1);
    expect(v.agreement.kappa[0].kappa.value).toBeGreaterThan(0.8);
    expect(v.agreement.stanceAlpha.value).toBeGreaterThan(0.8);
    expect(v.agreement.stanceAlpha.low).toBeLessThanOrEqual(v.agreement.stanceAlpha.value);
    // items 1 and 2 tie between coders: no consensus
    expect(v.items.withConsensus).toBe(28);
    expect(v.relevance.precision.value).toBe(1);
    expect(v.stance.accuracy.value).toBeLessThan(1);
    expect(v.stance.perClass.worry.recall.value).toBeLessThan(1);
    expect(v.weighted).toBe(false);

    // labels=best (default) counts the consensus; labels=model the model alone
    const flipped = items.filter((_, k) => k % 5 === 0 && items[k]!.model.relevant && items[k]!.model.stance !== 'worry').length;
    const q = '/api/v1/trends?from=2025-07-07&to=2025-07-14&granularity=week';
    const best = await json(await app.request(q));
    const model = await json(await app.request(`${q}&labels=model`));
    expect(best.series[0].buckets[0].counts.worry - model.series[0].buckets[0].counts.worry).toBe(flipped);
    expect(best.meta.labels).toBe('best');
    const list = await json(await app.request('/api/v1/items?limit=200'));
    const sources = new Set(list.items.map((i: { labelSource: string }) => i.labelSource));
    expect(sources).toEqual(new Set(['coders', 'model']));
    const onlyModel = await json(await app.request('/api/v1/items?limit=200&labels=model'));
    expect(onlyModel.items.every((i: { labelSource: string }) => i.labelSource === 'model')).toBe(true);
    const csv = await (await app.request('/api/v1/items/export?labels=best')).text();
    expect(csv.split('\n').filter((l) => l.endsWith(',coders')).length).toBe(28);
  });

  it('exports annotations as CSV and imports them back (all rows or none)', async () => {
    const deps = { db: database.db, clock: fixedClock('2025-07-20T12:00:00Z') };
    const csv = await exportAnnotations(deps);
    expect(csv.split('\n')[0]).toBe('item_id,coder,stance,relevant,concerns,sample_id,duration_ms,coded_at');
    const renamed = csv.replaceAll(',ana,', ',cleo,');
    const r = await importAnnotations(deps, renamed);
    expect(r.imported).toBe(60);
    expect((await exportAnnotations(deps)).split('\n').filter((l) => l.includes(',cleo,'))).toHaveLength(30);
    await expect(importAnnotations(deps, 'item_id,coder,stance,relevant\n1,x,worry,maybe\n')).rejects.toThrow(/line 2/);
    await expect(importAnnotations(deps, 'item_id,coder,stance,relevant\n99999,x,worry,true\n')).rejects.toThrow(/item 99999/);
  });
});
