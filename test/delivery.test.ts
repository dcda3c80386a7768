import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { upsertAlert } from '../db/queries/alerts.ts';
import { run as runRollup } from '../jobs/rollup.ts';
import { chatMessage } from '../src/alerts/messages.ts';
import { defaultModel } from '../src/classify/model.ts';
import { fixedClock } from '../src/clock.ts';
import { silentLogger } from '../src/logger.ts';
import { rebuildDigest } from '../src/services/digests.ts';
import { mailDigest, subscribe } from '../src/services/mail.ts';
import { smtpMailer } from '../src/mail/mailer.ts';
import { createWebhook, deliverDue, sign } from '../src/services/webhooks.ts';
import { authHeader, json, testApp, testConfig } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';
import { makeItems, makeSource } from './helpers/factories.ts';

const alert = {
  id: 1,
  day: '2025-07-18',
  entityType: 'studio',
  entity: 'Netflix <Inc>',
  metric: 'worry_share',
  value: 0.62,
  baseline: 0.3,
  score: 4.2,
  pValue: 0.00001,
  count: 21,
  baselineCount: 300,
};

describe('chat formats', () => {
  it('shape one alert as each tool takes it', () => {
    const slack = chatMessage('slack', alert, 'https://pulse.example.org/x') as { text: string; blocks: { text: { text: string } }[] };
    expect(slack.text).toContain('worry share spike for Netflix <Inc>');
    expect(slack.blocks[1]!.text.text).toContain('Netflix &lt;Inc&gt;: worry share 62%');
    expect(slack.blocks[1]!.text.text).toContain('<https://pulse.example.org/x|Open in Pulse>');
    const discord = chatMessage('discord', alert, undefined) as { allowed_mentions: unknown; embeds: { title: string; url?: string }[] };
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    expect(discord.embeds[0]!.url).toBeUndefined();
    const teams = chatMessage('teams', alert, 'https://pulse.example.org/x') as {
      type: string;
      attachments: { contentType: string; content: { type: string; actions: { url: string }[] } }[];
    };
    expect(teams.type).toBe('message');
    expect(teams.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(teams.attachments[0]!.content.actions[0]!.url).toBe('https://pulse.example.org/x');
    expect((chatMessage('mattermost', alert, undefined) as { text: string }).text).toMatch(
      /^#### Pulse alert: worry share spike for Netflix &lt;Inc&gt;\n/,
    );
  });
});

describe('delivery', () => {
  let database: Database;
  let hooks: Server;
  let hookBase: string;
  const received: { path: string; body: string; signature: string | undefined }[] = [];
  let smtp: SMTPServer;
  let smtpPort: number;
  const mails: ParsedMail[] = [];

  beforeAll(async () => {
    database = await freshDatabase();
    hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ path: req.url!, body, signature: req.headers['x-pulse-signature'] as string | undefined });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
    hookBase = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
    // a real SMTP server on loopback: every message is parsed as a mail client would
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, done) {
        simpleParser(stream)
          .then((m) => {
            mails.push(m);
            done();
          })
          .catch(done);
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    smtpPort = (smtp.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => hooks?.close(() => r()));
    await new Promise<void>((r) => smtp?.close(() => r()));
    await database?.close();
  });

  it('posts each webhook in its format; the generic one signed', async () => {
    const deps = { db: database.db, config: testConfig() };
    const secrets: Record<string, string> = {};
    for (const format of ['generic', 'slack', 'discord', 'teams', 'mattermost'] as const)
      secrets[format] = (await createWebhook(deps, { url: `${hookBase}/${format}`, format })).secret;
    await upsertAlert(
      database.db,
      {
        day: '2025-07-18',
        entityType: 'studio',
        entity: 'Netflix',
        metric: 'volume',
        value: 40,
        baseline: 4,
        score: 5,
        pValue: 0.0001,
        count: 40,
        baselineCount: 112,
      },
      new Date('2025-07-18T23:00:00Z'),
    );
    const sent = await deliverDue({
      db: database.db,
      config: testConfig(),
      clock: fixedClock('2025-07-18T23:00:00Z'),
      logger: silentLogger(),
    });
    expect(sent).toEqual({ delivered: 5, failed: 0, retrying: 0 });
    const by = Object.fromEntries(received.map((r) => [r.path.slice(1), r]));
    expect(JSON.parse(by.generic!.body).alert.entity).toBe('Netflix');
    expect(by.generic!.signature).toBe(sign(secrets.generic!, by.generic!.body));
    expect(JSON.parse(by.slack!.body).text).toMatch(/^Pulse alert: volume spike for Netflix\. Netflix: 40 relevant items on 2025-07-18/);
    expect(JSON.parse(by.discord!.body).embeds[0].title).toBe('Pulse alert: volume spike for Netflix');
    expect(JSON.parse(by.teams!.body).attachments[0].content.type).toBe('AdaptiveCard');
    expect(JSON.parse(by.mattermost!.body).username).toBe('Pulse');
    // the API takes the format and lists it
    const { app } = testApp(database);
    const key = await authHeader(database, 'write');
    const res = await app.request('/api/v1/webhooks', {
      method: 'POST',
      headers: { ...key, 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: `${hookBase}/t2`, format: 'teams' }),
    });
    expect((await json(res)).format).toBe('teams');
    const bad = await app.request('/api/v1/webhooks', {
      method: 'POST',
      headers: { ...key, 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: `${hookBase}/x`, format: 'irc' }),
    });
    expect(bad.status).toBe(400);
  });

  it('emails alerts and the weekly digest by SMTP, each once, with an unsubscribe link that works', async () => {
    const env = {
      PULSE_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      PULSE_MAIL_FROM: 'Pulse <pulse@example.org>',
      PULSE_PUBLIC_URL: 'https://pulse.example.org',
    };
    const config = testConfig(env);
    const { app } = testApp(database, { env, now: '2025-07-19T06:00:00Z' });
    const key = await authHeader(database, 'write');
    // subscriptions: alerts about Netflix (API), and the digest from the form on /digests
    const viaApi = await app.request('/api/v1/subscriptions', {
      method: 'POST',
      headers: { ...key, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'Desk@Example.org', topic: 'alerts', entity: 'netflix' }),
    });
    expect(viaApi.status).toBe(201);
    expect((await json(viaApi)).entity).toBe('Netflix');
    expect(await (await app.request('/digests')).text()).toContain('id="subscribe"');
    const form = await app.request('/subscribe', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'email=reader%40example.org',
    });
    expect(form.status).toBe(201);
    expect(await form.text()).toContain('reader@example.org will get the weekly digest');
    expect(
      (
        await app.request('/subscribe', {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'email=not-an-address',
        })
      ).status,
    ).toBe(400);
    await subscribe({ db: database.db, config }, { email: 'other@example.org', topic: 'alerts', entity: 'SAG-AFTRA' });

    // the rollup job mails the Netflix alert stored above to the Netflix subscriber only
    const source = await makeSource(database.db, 'news');
    await makeItems(database.db, [
      { sourceId: source, publishedAt: new Date('2025-07-14T10:00:00Z'), stance: 'worry', studios: ['Netflix'], title: 'A story' },
    ]);
    const jobDeps = {
      database,
      config,
      logger: silentLogger(),
      clock: fixedClock('2025-07-19T06:00:00Z'),
      instance: 'test',
      model: defaultModel(),
    };
    const counts = await runRollup(jobDeps);
    expect(counts.mailed).toBe(1);
    expect(mails).toHaveLength(1);
    const m = mails[0]!;
    expect(m.to && 'text' in m.to ? m.to.text : '').toBe('desk@example.org');
    expect(m.from?.text).toBe('"Pulse" <pulse@example.org>');
    expect(m.subject).toBe('Pulse alert: volume spike for Netflix');
    expect(m.text).toContain('Netflix: 40 relevant items on 2025-07-18');
    expect(m.text).toContain('https://pulse.example.org/studios/Netflix');
    const off = /Unsubscribe: (\S+)/.exec(m.text!)![1]!;
    const header = (k: string) => m.headerLines.find((h) => h.key === k)?.line.replace(/\r\n\s+/g, ' ');
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(header('list-unsubscribe')).toBe(`List-Unsubscribe: <${off}>`);
    // a second run sends nothing new
    expect((await runRollup(jobDeps)).mailed).toBe(0);

    // the weekly digest reaches the digest subscriber, with their own unsubscribe link
    const view = await rebuildDigest(
      { db: database.db, clock: fixedClock('2025-07-21T06:00:00Z'), config, model: defaultModel() },
      { week: '2025-W29' },
    );
    const mailer = smtpMailer(config.mail!);
    const digestDeps = { db: database.db, clock: fixedClock('2025-07-21T06:00:00Z'), config, logger: silentLogger(), mailer };
    expect(await mailDigest(digestDeps, { view })).toEqual({ sent: 1, failed: 0 });
    expect(await mailDigest(digestDeps, { view })).toEqual({ sent: 0, failed: 0 });
    const digest = mails[1]!;
    expect(digest.subject).toBe('Pulse weekly digest, 2025-W29');
    expect(digest.html).toContain('unsubscribe?token=');
    const digestOff = /Unsubscribe: (\S+)/.exec(digest.text!)![1]!;

    // unsubscribing: the link shows a page with a button; the button (or a one-click POST) ends it
    const path = new URL(digestOff).pathname + new URL(digestOff).search;
    const page = await app.request(path);
    expect(await page.text()).toContain('Stop sending the weekly digest to reader@example.org?');
    const done = await app.request(path, { method: 'POST' });
    expect(await done.text()).toContain('reader@example.org will get no more digests');
    expect(await (await app.request(path)).text()).toContain('is not subscribed any more');
    expect((await app.request('/unsubscribe?token=nope')).status).toBe(400);
    expect((await app.request('/unsubscribe?token=aaaaaaaaaaaaaaaaaaaa')).status).toBe(404);
    const view2 = await rebuildDigest(
      { db: database.db, clock: fixedClock('2025-07-21T07:00:00Z'), config, model: defaultModel() },
      { week: '2025-W29' },
    );
    expect(await mailDigest(digestDeps, { view: view2 })).toEqual({ sent: 0, failed: 0 });
    expect(off).toMatch(/^https:\/\/pulse\.example\.org\/unsubscribe\?token=/);
    mailer.close();
  });

  it('checks the mail settings at start', () => {
    expect(() => testConfig({ PULSE_SMTP_URL: 'smtp://127.0.0.1:25' })).toThrow(/^PULSE_MAIL_FROM: required when PULSE_SMTP_URL is set/);
    expect(() => testConfig({ PULSE_SMTP_URL: 'http://mail', PULSE_MAIL_FROM: 'a@b.org' })).toThrow(
      /^PULSE_SMTP_URL: expected smtp:\/\/.*[^"]$/,
    );
    expect(() => testConfig({ PULSE_SMTP_URL: 'smtp://u:secret@mail.example.org:587', PULSE_MAIL_FROM: 'nobody' })).toThrow(
      /^PULSE_MAIL_FROM: expected an address/,
    );
    expect(testConfig({ PULSE_SMTP_URL: 'smtps://u:p@mail.example.org:465', PULSE_MAIL_FROM: 'pulse@example.org' }).mail).toEqual({
      smtpUrl: 'smtps://u:p@mail.example.org:465',
      from: 'pulse@example.org',
    });
  });
});
