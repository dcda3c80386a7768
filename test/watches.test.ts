import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { listAlerts } from '../db/queries/alerts.ts';
import { rebuildDirtyDays } from '../db/queries/rollups.ts';
import { detectConcernSpike } from '../src/analytics/alerts.ts';
import { fixedClock } from '../src/clock.ts';
import { silentLogger } from '../src/logger.ts';
import type { Mailer, MailMessage } from '../src/mail/mailer.ts';
import { detectAlerts } from '../src/services/alerts.ts';
import { checkWatches } from '../src/services/watches.ts';
import { sign } from '../src/services/webhooks.ts';
import { authHeader, json, testApp, testConfig } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';
import { makeItems, makeSource } from './helpers/factories.ts';

const settings = { baselineDays: 28, minVolume: 5, maxP: 0.01, minZ: 3 };

describe('concern alerts', () => {
  it('flag a rise in a concern share beyond noise, never a fall or a small day', () => {
    const rise = detectConcernSpike({ n: 12, total: 20 }, { n: 50, total: 500 }, settings);
    expect(rise).toMatchObject({ metric: 'concern_share', value: 0.6, baseline: 0.1, count: 12, baselineCount: 50 });
    expect(rise!.score).toBeGreaterThan(3);
    expect(detectConcernSpike({ n: 1, total: 20 }, { n: 250, total: 500 }, settings)).toBeUndefined(); // a fall
    expect(detectConcernSpike({ n: 4, total: 4 }, { n: 5, total: 500 }, settings)).toBeUndefined(); // fewer than minVolume items
    expect(detectConcernSpike({ n: 3, total: 20 }, { n: 50, total: 500 }, settings)).toBeUndefined(); // 15% against 10%: noise
  });
});

describe('watches', () => {
  let database: Database;
  let hooks: Server;
  let hookBase: string;
  const received: { body: string; signature: string | undefined }[] = [];
  beforeAll(async () => {
    database = await freshDatabase();
    hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ body, signature: req.headers['x-pulse-signature'] as string | undefined });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
    hookBase = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => hooks?.close(() => r()));
    await database?.close();
  });

  it('send one message for new matching items, at most once per interval, and never count an item twice', async () => {
    const t0 = Date.now() - 60_000;
    const env = {
      PULSE_SMTP_URL: 'smtp://127.0.0.1:9',
      PULSE_MAIL_FROM: 'pulse@example.org',
      PULSE_PUBLIC_URL: 'https://pulse.example.org',
    };
    const { app } = testApp(database, { env, now: new Date(t0).toISOString() });
    const key = { ...(await authHeader(database, 'write')), 'Content-Type': 'application/json' };
    const post = (body: unknown) => app.request('/api/v1/watches', { method: 'POST', headers: key, body: JSON.stringify(body) });
    const created = await post({
      name: 'Replicas',
      query: { q: 'replica', union: 'sag-aftra' },
      intervalMinutes: 60,
      email: 'Desk@example.org',
      webhook: { url: `${hookBase}/hook` },
    });
    expect(created.status).toBe(201);
    const watch = await json(created);
    expect(watch.query).toEqual({ q: 'replica', union: 'SAG-AFTRA' });
    expect((await post({ name: 'nowhere', query: {} })).status).toBe(400);
    expect((await post({ name: 'x', query: { stnce: 'worry' }, email: 'a@b.org' })).status).toBe(400);
    expect((await post({ name: 'x', query: {}, email: 'a@b.org', intervalMinutes: 1 })).status).toBe(400);
    expect((await json(await app.request('/api/v1/watches', { headers: key }))).watches).toHaveLength(1);

    const source = await makeSource(database.db, 'union');
    const at = new Date('2025-07-15T10:00:00Z');
    await makeItems(database.db, [
      { sourceId: source, publishedAt: at, stance: 'worry', unions: ['SAG-AFTRA'], title: 'Guild fights digital replica clause' },
      { sourceId: source, publishedAt: at, stance: 'worry', unions: ['SAG-AFTRA'], title: 'Another replica dispute' },
      { sourceId: source, publishedAt: at, stance: 'worry', unions: ['WGA'], title: 'Writers and a replica' },
      { sourceId: source, publishedAt: at, stance: 'neutral', unions: ['SAG-AFTRA'], title: 'Contract talks resume' },
    ]);
    const config = testConfig(env);
    const sentMail: MailMessage[] = [];
    const mailer: Mailer = { send: async (m) => void sentMail.push(m), close: () => {} };
    const check = (ms: number) =>
      checkWatches({ db: database.db, clock: fixedClock(new Date(ms)), config, logger: silentLogger(), mailer });

    expect(await check(Date.now())).toEqual({ checked: 1, sent: 1, failed: 0 });
    expect(sentMail).toHaveLength(1);
    expect(sentMail[0]!.to).toBe('desk@example.org');
    expect(sentMail[0]!.subject).toBe('Pulse watch "Replicas": 2 new items');
    expect(sentMail[0]!.text).toContain('Guild fights digital replica clause');
    expect(sentMail[0]!.text).not.toContain('Writers and a replica');
    expect(sentMail[0]!.text).toContain('https://pulse.example.org/?q=replica&union=SAG-AFTRA');
    expect(received).toHaveLength(1);
    const hook = JSON.parse(received[0]!.body);
    expect(hook).toMatchObject({ event: 'watch', count: 2, watch: { name: 'Replicas' } });
    expect(received[0]!.signature).toBe(sign(watch.secret, received[0]!.body));

    // a new match inside the interval waits; nothing is sent twice
    const [late] = await makeItems(database.db, [
      { sourceId: source, publishedAt: at, stance: 'excitement', unions: ['SAG-AFTRA'], title: 'Replica tools praised' },
    ]);
    expect(await check(Date.now() + 2000)).toEqual({ checked: 0, sent: 0, failed: 0 });
    expect(sentMail).toHaveLength(1);
    // after the interval: one message with the new item only
    expect(await check(Date.now() + 61 * 60_000)).toEqual({ checked: 1, sent: 1, failed: 0 });
    expect(sentMail[1]!.subject).toBe('Pulse watch "Replicas": 1 new item');
    expect(sentMail[1]!.text).toContain(`https://pulse.example.org/items/${late}`);
    // due again later, but nothing new: no message
    expect(await check(Date.now() + 130 * 60_000)).toEqual({ checked: 1, sent: 0, failed: 0 });
    expect(sentMail).toHaveLength(2);
    expect((await app.request(`/api/v1/watches/${watch.id}`, { method: 'DELETE', headers: key })).status).toBe(204);
    expect((await app.request(`/api/v1/watches/${watch.id}`, { method: 'DELETE', headers: key })).status).toBe(404);
  });

  it('alert on a concern whose share rises beyond noise', async () => {
    const source = await makeSource(database.db, 'news');
    const specs = [];
    // 28 baseline days with 10 items a day, one in ten raising pay; then a day where most do
    for (let d = 0; d < 28; d++)
      for (let k = 0; k < 10; k++)
        specs.push({
          sourceId: source,
          publishedAt: new Date(Date.UTC(2025, 8, 1 + d, 9, k)),
          stance: 'neutral' as const,
          concerns: k === 0 ? (['compensation'] as const).slice() : [],
        });
    for (let k = 0; k < 12; k++)
      specs.push({
        sourceId: source,
        publishedAt: new Date(Date.UTC(2025, 8, 29, 9, k)),
        stance: 'worry' as const,
        concerns: k < 9 ? (['compensation'] as const).slice() : [],
      });
    await makeItems(database.db, specs);
    await rebuildDirtyDays(database.db, { limit: 1000 });
    await detectAlerts({ db: database.db }, { day: '2025-09-29', settings, at: new Date('2025-09-29T23:00:00Z') });
    const found = (await listAlerts(database.db, { from: '2025-09-29', to: '2025-09-29', limit: 20 })).filter(
      (a) => a.entityType === 'concern',
    );
    expect(found.map((a) => [a.entity, a.metric, a.count])).toEqual([['compensation', 'concern_share', 9]]);
    // the same day a week earlier (one in ten, like the baseline) raises nothing
    await detectAlerts({ db: database.db }, { day: '2025-09-22', settings, at: new Date('2025-09-22T23:00:00Z') });
    expect(
      (await listAlerts(database.db, { from: '2025-09-22', to: '2025-09-22', limit: 20 })).filter((a) => a.entityType === 'concern'),
    ).toEqual([]);
  });
});
