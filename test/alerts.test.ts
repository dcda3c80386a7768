import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { listDeliveries } from '../db/queries/alerts.ts';
import * as rollupJob from '../jobs/rollup.ts';
import { detectSpikes, DEFAULT_ALERT_SETTINGS } from '../src/analytics/alerts.ts';
import { defaultModel } from '../src/classify/model.ts';
import { fixedClock } from '../src/clock.ts';
import { silentLogger } from '../src/logger.ts';
import { authHeader, json, testApp, testConfig } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';
import { startFeedServer } from './helpers/feed-server.ts';
import { makeItems, makeSource, type ItemSpec } from './helpers/factories.ts';

describe('detectSpikes', () => {
  const s = DEFAULT_ALERT_SETTINGS;
  it('flags a volume spike against a Poisson baseline, and nothing below the minimum volume', () => {
    const [spike] = detectSpikes({ total: 12, worry: 3 }, { total: 28, worry: 7 }, s);
    expect(spike).toMatchObject({ metric: 'volume', value: 12, baseline: 1, count: 12, baselineCount: 28 });
    expect(spike!.pValue).toBeLessThan(1e-6);
    expect(detectSpikes({ total: 4, worry: 4 }, { total: 0, worry: 0 }, s)).toEqual([]);
    expect(detectSpikes({ total: 30, worry: 8 }, { total: 28 * 30, worry: 28 * 8 }, s)).toEqual([]);
  });
  it('flags a worry-share spike with a two-proportion z-test', () => {
    const spikes = detectSpikes({ total: 30, worry: 25 }, { total: 28 * 30, worry: 28 * 9 }, s);
    expect(spikes.map((x) => x.metric)).toEqual(['worry_share']);
    expect(spikes[0]!.score).toBeGreaterThan(3);
    expect(spikes[0]!.baseline).toBe(0.3);
  });
  it('alerts only on a rise in worry: a fall from 50% to 0% raises nothing, the mirror rise does', () => {
    const baseline = { total: 28 * 20, worry: 28 * 10 }; // 50% worry, 20 items a day
    expect(detectSpikes({ total: 20, worry: 0 }, baseline, s)).toEqual([]);
    const rise = detectSpikes({ total: 20, worry: 20 }, baseline, s);
    expect(rise.map((x) => x.metric)).toEqual(['worry_share']);
    expect(rise[0]).toMatchObject({ value: 1, baseline: 0.5 });
    expect(rise[0]!.pValue).toBeLessThan(0.001);
  });
});

describe('alerts and webhooks', () => {
  let database: Database;
  let receiver: Awaited<ReturnType<typeof startFeedServer>>;
  const received: { body: string; headers: Record<string, string | string[] | undefined> }[] = [];
  let failing = 0;
  const clock = fixedClock('2025-07-18T20:00:00Z');

  beforeAll(async () => {
    database = await freshDatabase();
    receiver = await startFeedServer({
      '/hook': (req, res) => {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => {
          received.push({ body, headers: req.headers });
          res.writeHead(204).end();
        });
      },
      '/broken': (req, res) => {
        failing++;
        req.resume();
        res.writeHead(500).end();
      },
    });
    const union = await makeSource(database.db, 'union');
    const specs: ItemSpec[] = [];
    // one Netflix item a day for 28 days, mostly excitement; then 14 on 18 July, mostly worry
    for (let d = 1; d <= 28; d++)
      specs.push({
        sourceId: union,
        publishedAt: new Date(Date.UTC(2025, 6, 18) - d * 86_400_000 + 3_600_000),
        stance: d % 4 ? 'excitement' : 'worry',
        studios: ['Netflix'],
      });
    for (let k = 0; k < 14; k++)
      specs.push({
        sourceId: union,
        publishedAt: new Date(Date.UTC(2025, 6, 18, 8, k)),
        stance: k < 12 ? 'worry' : 'neutral',
        studios: ['Netflix'],
        unions: ['SAG-AFTRA'],
      });
    await makeItems(database.db, specs);
  });
  afterAll(async () => {
    await receiver?.close();
    await database?.close();
  });

  it('refuses webhook targets on private addresses unless allowed, and validates the body', async () => {
    const { app } = testApp(database, { env: { PULSE_ALLOW_PRIVATE_FEEDS: 'false' } });
    const key = { ...(await authHeader(database)), 'Content-Type': 'application/json' };
    const res = await app.request('/api/v1/webhooks', {
      method: 'POST',
      headers: key,
      body: JSON.stringify({ url: receiver.url('/hook') }),
    });
    expect(res.status).toBe(400);
    expect((await json(res)).error.message).toMatch(/^url: 127\.0\.0\.1 resolves to 127\.0\.0\.1, a private/);
    const meta = await app.request('/api/v1/webhooks', {
      method: 'POST',
      headers: key,
      body: JSON.stringify({ url: 'http://169.254.169.254/latest' }),
    });
    expect(meta.status).toBe(400);
    const scheme = await app.request('/api/v1/webhooks', {
      method: 'POST',
      headers: key,
      body: JSON.stringify({ url: 'file:///etc/passwd' }),
    });
    expect((await json(scheme)).error.message).toMatch(/^url: only http and https/);
    expect(
      (
        await app.request('/api/v1/webhooks', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ url: 'https://x.org' }),
        })
      ).status,
    ).toBe(401);
  });

  it('raises alerts in the rollup job, delivers them signed, and retries failures with backoff', async () => {
    const { app } = testApp(database);
    const key = { ...(await authHeader(database)), 'Content-Type': 'application/json' };
    const good = await json(
      await app.request('/api/v1/webhooks', {
        method: 'POST',
        headers: key,
        body: JSON.stringify({ url: receiver.url('/hook'), entity: 'Netflix' }),
      }),
    );
    expect(good.secret).toMatch(/^[0-9a-f]{64}$/);
    const bad = await json(
      await app.request('/api/v1/webhooks', {
        method: 'POST',
        headers: key,
        body: JSON.stringify({ url: receiver.url('/broken'), metric: 'volume' }),
      }),
    );
    const listed = await json(await app.request('/api/v1/webhooks', { headers: key }));
    expect(JSON.stringify(listed)).not.toContain(good.secret);

    const counts = await rollupJob.run({
      database,
      config: testConfig(),
      logger: silentLogger(),
      clock,
      instance: 't',
      model: defaultModel(),
    });
    // Netflix volume and worry share, SAG-AFTRA volume; the good hook takes Netflix (2), the broken one volume (2)
    expect(counts).toMatchObject({ newAlerts: 3, delivered: 2, retrying: 2 });
    const alerts = await json(await app.request('/api/v1/alerts?from=2025-07-18&to=2025-07-18'));
    expect(alerts.alerts.map((a: { entity: string; metric: string }) => `${a.entity}/${a.metric}`).sort()).toEqual([
      'Netflix/volume',
      'Netflix/worry_share',
      'SAG-AFTRA/volume',
    ]);
    expect(alerts.method).toMatch(/Poisson/);

    expect(received).toHaveLength(2);
    for (const r of received) {
      const expected = 'sha256=' + createHmac('sha256', good.secret).update(r.body).digest('hex');
      expect(r.headers['x-pulse-signature']).toBe(expected);
      expect(JSON.parse(r.body).alert.entity).toBe('Netflix');
    }
    expect(failing).toBe(2);
    const [attempt] = await listDeliveries(database.db, bad.id, 10);
    expect(attempt).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 500, lastError: 'HTTP 500' });
    expect(attempt!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(60_000);

    // a second run the same day refreshes the alerts without new deliveries; the retry waits its turn
    const again = await rollupJob.run({
      database,
      config: testConfig(),
      logger: silentLogger(),
      clock,
      instance: 't',
      model: defaultModel(),
    });
    expect(again).toMatchObject({ newAlerts: 0, delivered: 0, retrying: 0 });
    clock.set('2025-07-18T20:01:30Z');
    await rollupJob.run({ database, config: testConfig(), logger: silentLogger(), clock, instance: 't', model: defaultModel() });
    expect(failing).toBe(4);
    const log = await json(await app.request(`/api/v1/webhooks/${bad.id}/deliveries`, { headers: key }));
    expect(log.deliveries[0]).toMatchObject({ attempts: 2, status: 'pending', lastStatus: 500 });
  });
});
