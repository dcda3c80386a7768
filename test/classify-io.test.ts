import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { addSource } from '../db/queries/sources.ts';
import { items } from '../db/schema/index.ts';
import { labelPending, relabel } from '../src/services/labels.ts';
import { defaultModel } from '../src/classify/model.ts';
import { fixedClock } from '../src/clock.ts';
import { ingest } from '../src/services/ingest.ts';
import { silentLogger } from '../src/logger.ts';
import { json, testApp, testConfig } from './helpers/app.ts';
import { runPulse } from './helpers/cli.ts';
import { freshDatabase, pgliteOnly } from './helpers/db.ts';
import { body, rss, startFeedServer } from './helpers/feed-server.ts';

let database: Database;
let server: Awaited<ReturnType<typeof startFeedServer>>;
const clock = fixedClock('2025-07-20T12:00:00Z');

beforeAll(async () => {
  database = await freshDatabase();
  server = await startFeedServer({
    '/guild': body(
      rss([
        {
          title: 'Guild demands consent rules for digital replicas',
          link: 'https://g.example.org/1',
          description: 'The union says studios must not scan performers without consent and fair pay.',
          pubDate: 'Thu, 17 Jul 2025 10:00:00 GMT',
        },
        {
          title: 'Studio says its new AI previs tool frees artists from tedious work',
          link: 'https://g.example.org/2',
          description: 'Executives are thrilled: the tool cuts render times and no jobs will be lost.',
          pubDate: 'Thu, 17 Jul 2025 11:00:00 GMT',
        },
        {
          title: 'Box office slumps as summer sequels stumble',
          link: 'https://g.example.org/3',
          description: 'Exhibitors report a weak weekend.',
          pubDate: 'Thu, 17 Jul 2025 12:00:00 GMT',
        },
      ]),
    ),
  });
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

describe('labelling stored items', () => {
  it('labels new items right after ingest, with the model version, and filters by stance', async () => {
    const { row } = await addSource(database.db, { url: server.url('/guild'), kind: 'union', name: 'Guild' });
    const model = defaultModel();
    await ingest(
      {
        db: database.db,
        config: testConfig(),
        logger: silentLogger(),
        clock,
        instance: 't',
        afterStore: async (ids) => void (await labelPending({ db: database.db, model, clock }, { ids })),
      },
      { ids: [row.id] },
    );
    const rows = await database.db.select().from(items).where(eq(items.sourceId, row.id)).orderBy(items.id);
    expect(rows.map((r) => r.status)).toEqual(['classified', 'classified', 'classified']);
    expect(rows.map((r) => r.stance)).toEqual(['worry', 'excitement', 'neutral']);
    expect(rows.map((r) => r.language)).toEqual(['en', 'en', 'en']);
    expect(rows[0]!.concerns).toContain('consent_likeness');
    expect(rows[2]!.relevant).toBe(false);
    for (const r of rows) {
      expect(r.model).toBe(model.version);
      expect(r.explanation!.sentence.length).toBeGreaterThan(0);
    }
    const { app } = testApp(database);
    const worry = await json(await app.request('/api/v1/items?stance=worry'));
    expect(worry.items.map((i: { url: string }) => i.url)).toEqual(['https://g.example.org/1']);
    expect(worry.items[0]).toMatchObject({ stance: 'worry', model: model.version });
    expect((await json(await app.request('/api/v1/items?concern=consent_likeness'))).total).toBe(1);
    expect((await app.request('/api/v1/items?concern=bananas')).status).toBe(400);
  });

  it('leaves nothing pending after labelPending, and re-labels on demand', async () => {
    await database.db.update(items).set({ status: 'pending', stance: null });
    const result = await labelPending({ db: database.db, model: defaultModel(), clock });
    expect(result.classified).toBeGreaterThanOrEqual(3);
    expect(await database.db.select().from(items).where(eq(items.status, 'pending'))).toHaveLength(0);
    expect(await relabel({ db: database.db, model: defaultModel(), clock }, { since: new Date('2025-07-17T10:30:00Z') })).toBe(2);
  });
});

describe('POST /api/v1/classify', () => {
  it('labels texts in order and enforces the limits', async () => {
    const { app } = testApp(database);
    const post = (payload: unknown) =>
      app.request('/api/v1/classify', { method: 'POST', body: JSON.stringify(payload), headers: { 'Content-Type': 'application/json' } });
    const ok = await post({ texts: ['Animators fear AI will replace them.', 'A thrilling new AI tool for colourists.'] });
    expect(ok.status).toBe(200);
    const { results } = await json(ok);
    expect(results.map((r: { stance: string }) => r.stance)).toEqual(['worry', 'excitement']);
    expect(results[0]).toHaveProperty('explanation.terms');
    expect((await post({ texts: Array(101).fill('x') })).status).toBe(413);
    const long = await post({ texts: ['ok', 'y'.repeat(20_001)] });
    expect(long.status).toBe(413);
    expect((await json(long)).error.message).toMatch(/^texts\.1: longer than 20000/);
    const empty = await post({ texts: [] });
    expect(empty.status).toBe(400);
    expect((await json(empty)).error.message).toMatch(/^texts: /);
    expect((await post({ text: 'x' })).status).toBe(400);
  });
});

// child processes that read no database: the PostgreSQL pass skips them
pgliteOnly('pulse classify and pulse eval', () => {
  it('reads JSON Lines or plain text and writes only JSON Lines, in order', async () => {
    const input = [
      '{"id": "a", "text": "The guild demands consent before any digital replica is made."}',
      'Our artists love this killer AI feature.',
      '',
      '{"id": 7}',
      '{broken',
      '[1,2]',
    ].join('\n');
    const r = await runPulse(['classify'], {}, input + '\n');
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatchObject({ id: 'a', stance: 'worry', relevant: true });
    expect(Object.keys(lines[0])).toEqual([
      'id',
      'lang',
      'stance',
      'confidence',
      'relevant',
      'relevance',
      'concerns',
      'explanation',
      'quotes',
      'model',
    ]);
    expect(lines[0]).toMatchObject({ lang: 'en', quotes: [] });
    expect(lines[1]).toMatchObject({ id: 2, stance: 'excitement' });
    expect(lines[2]).toEqual({ id: 7, error: 'text: expected a non-empty string' });
    expect(lines[3]).toEqual({ id: 5, error: 'not valid JSON' });
    expect(lines[4]).toEqual({ id: 6, error: 'expected a JSON object' });
  });

  it('marks a language with no model as unsupported and guesses nothing', async () => {
    const r = await runPulse(
      ['classify'],
      {},
      JSON.stringify({ id: 'pt', text: 'Dubladores brasileiros protestam contra a clonagem de voz feita com inteligência artificial.' }) +
        '\n',
    );
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ id: 'pt', lang: 'pt', supported: false, stance: null, relevant: null });
  });

  // two full evaluations (1,250 dev texts, VADER and AFINN beside, in child processes) side by side
  it('prints an evaluation beside VADER and AFINN, as text or JSON', { timeout: 240_000 }, async () => {
    const [text, asJson] = await Promise.all([runPulse(['eval']), runPulse(['eval', '--json'])]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^all dev\s+\d+\s+0\.\d+/m);
    for (const slice of ['original kind', 'register social', 'register podcast', 'lang es', 'stream ('])
      expect(text.stdout).toContain(slice);
    expect(text.stdout).toContain('relevance calibration');
    expect(text.stdout).toMatch(/VADERF1\s+AFINNF1/);
    const report = JSON.parse(asJson.stdout);
    expect(Object.keys(report.slices[0].baselines)).toEqual(['VADER', 'AFINN']);
    expect(report.calibration).toHaveLength(10);
    const missing = await runPulse(['eval', 'nope.jsonl']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no such file: nope\.jsonl/);
  });
});
