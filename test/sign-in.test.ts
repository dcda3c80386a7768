import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { defaultModel } from '../src/classify/model.ts';
import { silentLogger } from '../src/logger.ts';
import { createKey, revokeKey } from '../src/services/keys.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { systemClock } from '../src/clock.ts';
import { testApp, testConfig, json } from './helpers/app.ts';
import { hasChromium, launchBrowser, OUTPUT_DIR, unreachedByKeyboard, watchPage } from './helpers/browser.ts';
import { freshDatabase } from './helpers/db.ts';

let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.close();
});

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
  redirect: 'manual' as const,
});
const cookieOf = (res: Response) => /pulse_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];

describe('signing in when reads need a key', () => {
  it('redirects pages to a sign-in form that sets an HttpOnly, SameSite session cookie; the cookie reads but never writes', async () => {
    const { app } = testApp(database, { env: { PULSE_READ_KEY_REQUIRED: 'true' }, now: new Date().toISOString() });
    const { secret, key } = await createKey({ db: database.db }, { name: 'reader', scope: 'write' });
    const page = await app.request('/?kind=union');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/sign-in?next=%2F%3Fkind%3Dunion');
    expect((await app.request('/api/v1/items')).status).toBe(401);
    expect((await app.request('/sign-in')).status).toBe(200);

    const wrong = await app.request('/sign-in', form({ key: 'pulse_nope', next: '/' }));
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('That is not a key this Pulse knows.');
    const ok = await app.request('/sign-in', form({ key: secret, next: '/?kind=union' }));
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/?kind=union');
    const setCookie = ok.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Path=\//);
    const cookie = `pulse_session=${cookieOf(ok)}`;
    expect((await app.request('/?kind=union', { headers: { Cookie: cookie } })).status).toBe(200);
    expect((await app.request('/api/v1/trends', { headers: { Cookie: cookie } })).status).toBe(200);
    // a cookie never authorises a write (no cross-site request forgery)
    const write = await app.request('/api/v1/announcements', {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'x', date: '2025-07-17' }),
    });
    expect(write.status).toBe(401);
    // only paths on this site are followed after signing in
    for (const next of ['//evil.example', 'https://evil.example/', '/\\evil.example'])
      expect((await app.request('/sign-in', form({ key: secret, next }))).headers.get('location'), next).toBe('/');
    // signing out ends the session
    expect((await app.request('/sign-out', { method: 'POST', headers: { Cookie: cookie } })).status).toBe(303);
    expect((await app.request('/', { headers: { Cookie: cookie } })).status).toBe(303);
    // revoking the key ends its sessions
    const again = `pulse_session=${cookieOf(await app.request('/sign-in', form({ key: secret })))}`;
    expect((await app.request('/', { headers: { Cookie: again } })).status).toBe(200);
    await revokeKey({ db: database.db, clock: systemClock }, { id: key.id });
    expect((await app.request('/', { headers: { Cookie: again } })).status).toBe(303);
    expect((await app.request('/sign-in', form({ key: secret }))).status).toBe(401);
  });

  it('opens feed URLs with a per-key read token that can be revoked', async () => {
    const { app } = testApp(database, { env: { PULSE_READ_KEY_REQUIRED: 'true' }, now: new Date().toISOString() });
    const { secret, key } = await createKey({ db: database.db }, { name: 'feeds', scope: 'write' });
    const auth = { Authorization: `Bearer ${secret}` };
    expect((await app.request('/api/v1/digests/feed.xml')).status).toBe(401);
    const made = await json(await app.request('/api/v1/feed-tokens', { method: 'POST', headers: auth }));
    expect(made.feedUrl).toBe(`/api/v1/digests/feed.xml?token=${made.token}`);
    const feed = await app.request(made.feedUrl);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toContain('application/atom+xml');
    expect((await app.request('/api/v1/digests/feed.xml?token=pft_aaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(401);
    // a feed token opens feeds only
    expect((await app.request(`/api/v1/items?token=${made.token}`)).status).toBe(401);
    expect((await app.request(`/?token=${made.token}`)).status).toBe(303);
    // another key cannot revoke it; its own key can
    const other = await createKey({ db: database.db }, { name: 'other', scope: 'write' });
    expect(
      (await app.request(`/api/v1/feed-tokens/${made.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${other.secret}` } }))
        .status,
    ).toBe(404);
    expect((await app.request(`/api/v1/feed-tokens/${made.id}`, { method: 'DELETE', headers: auth })).status).toBe(204);
    expect((await app.request(made.feedUrl)).status).toBe(401);
    // revoking the key ends its tokens too
    const second = await json(await app.request('/api/v1/feed-tokens', { method: 'POST', headers: auth }));
    expect((await app.request(second.feedUrl)).status).toBe(200);
    await revokeKey({ db: database.db, clock: systemClock }, { id: key.id });
    expect((await app.request(second.feedUrl)).status).toBe(401);
  });
});

describe.runIf(hasChromium)('sign-in in headless Chromium', () => {
  let server: RunningServer;
  afterAll(async () => {
    await server?.close();
  });
  it('signs in by keyboard at desktop and phone widths and lands on the page asked for', { timeout: 90_000 }, async () => {
    server = await startServer({
      config: { ...testConfig({ PULSE_READ_KEY_REQUIRED: 'true' }), port: 0, host: '127.0.0.1' },
      database,
      logger: silentLogger(),
      model: defaultModel(),
    });
    const base = server.url;
    const { secret } = await createKey({ db: database.db }, { name: 'browser', scope: 'write' });
    const browser = await launchBrowser();
    try {
      for (const [name, viewport] of [
        ['desktop', { width: 1280, height: 900 }],
        ['phone', { width: 390, height: 844 }],
      ] as const) {
        const context = await browser.newContext({ viewport });
        const page = await context.newPage();
        const seen = watchPage(page, base);
        await page.goto(`${base}/sources`, { waitUntil: 'networkidle' });
        expect(page.url()).toBe(`${base}/sign-in?next=%2Fsources`);
        expect(await unreachedByKeyboard(page)).toEqual([]);
        await page.screenshot({ path: join(OUTPUT_DIR, `sign-in-${name}.png`), fullPage: true });
        await page.focus('#sign-in-key');
        await page.keyboard.type(secret);
        await page.keyboard.press('Enter');
        await page.waitForURL(`${base}/sources`);
        expect(await page.locator('h2').first().textContent()).toBe('Sources');
        const cookies = await context.cookies();
        expect(cookies.find((c) => c.name === 'pulse_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
        // the session cookie is invisible to scripts
        expect(await page.evaluate<string>('document.cookie')).toBe('');
        expect(seen.errors).toEqual([]);
        expect(seen.foreign).toEqual([]);
        await context.close();
      }
    } finally {
      await browser.close();
    }
  });
});
