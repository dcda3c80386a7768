import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, type Database } from '../db/client.ts';
import { rebuildDirtyDays } from '../db/queries/rollups.ts';
import { items } from '../db/schema/index.ts';
import { entitiesCommand } from '../src/cli/entities.ts';
import { COMMAND_NAMES } from '../src/cli.ts';
import { commandHelp, usageErrorText } from '../src/cli/help.ts';
import { ConfigError, loadConfig, readEntitiesFile } from '../src/config.ts';
import { entityList, resolveEntity, tagEntities, useEntities } from '../src/ingest/entities.ts';
import { retagItems } from '../src/services/retag.ts';
import { json, testApp } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';
import { makeItems, makeSource } from './helpers/factories.ts';

const dir = mkdtempSync(join(tmpdir(), 'pulse-entities-'));
const file = (name: string, body: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, typeof body === 'string' ? body : JSON.stringify(body));
  return p;
};
const CUSTOM = {
  studios: [
    { name: 'Cobaltline Studios Group', aliases: ['Cobaltline'] },
    { name: 'Netflix', aliases: ['N-flix'] },
  ],
  unions: [{ name: 'Screen Performers Alliance', aliases: ['Performers Alliance', 'SPA'] }],
  areas: [{ name: 'stunts', aliases: ['stunt work', 'stunt performers'] }],
};

afterEach(() => useEntities(undefined));

describe('custom entities', () => {
  it('are merged with the built-in list: new entries, extra aliases, acronyms case-sensitive', () => {
    expect(tagEntities('The Screen Performers Alliance warned Cobaltline about stunt work.').unions).toEqual([]);
    useEntities(CUSTOM);
    const t = tagEntities('The Screen Performers Alliance warned Cobaltline and N-flix about stunt work; SAG-AFTRA agreed.');
    expect(t.studios).toEqual(['Netflix', 'Cobaltline Studios Group']);
    expect(t.unions).toEqual(['SAG-AFTRA', 'Screen Performers Alliance']);
    expect(t.areas).toContain('stunts');
    expect(tagEntities('SPA members walked out').unions).toEqual(['Screen Performers Alliance']);
    expect(tagEntities('a spa day for the crew').unions).toEqual([]);
    // not inside a longer word
    expect(tagEntities('Cobaltlines of text').studios).toEqual([]);
    expect(resolveEntity('union', 'performers   alliance').name).toBe('Screen Performers Alliance');
    expect(resolveEntity('studio', 'n-flix').name).toBe('Netflix');
    expect(resolveEntity('union', 'nobody').known).toContain('Screen Performers Alliance');
    const list = entityList();
    expect(list.union.find((e) => e.name === 'Screen Performers Alliance')?.custom).toBe(true);
    expect(list.studio.find((e) => e.name === 'Netflix')?.custom).toBe(false);
    useEntities(undefined);
    expect(resolveEntity('union', 'Screen Performers Alliance').name).toBeUndefined();
  });

  it('come from PULSE_ENTITIES_FILE, checked at start with errors naming the variable and the place', () => {
    const config = loadConfig({ PULSE_ENTITIES_FILE: file('ok.json', CUSTOM) });
    expect(config.entities?.entities.unions?.[0]?.name).toBe('Screen Performers Alliance');
    expect(resolveEntity('union', 'SPA').name).toBe('Screen Performers Alliance');
    expect(() => readEntitiesFile(join(dir, 'missing.json'))).toThrow(/^PULSE_ENTITIES_FILE: cannot read/);
    expect(() => readEntitiesFile(file('bad.json', '{"unions": ['))).toThrow(ConfigError);
    expect(() => readEntitiesFile(file('key.json', { guilds: [] }))).toThrow(/unknown key guilds; expected studios, unions, areas/);
    expect(() => readEntitiesFile(file('name.json', { unions: [{ aliases: ['x'] }] }))).toThrow(/PULSE_ENTITIES_FILE: unions\.0\.name/);
    // the demo's own file is valid and names its invented studio and unions
    const demo = readEntitiesFile(join(import.meta.dirname, '../demo/entities.json'));
    expect(demo.unions?.map((u) => u.name)).toEqual(['Screen Performers Alliance', 'Animation Workers Collective']);
  });

  it('pulse entities lists them; per-command help has every flag and an example', async () => {
    const out: string[] = [];
    const before = process.env.PULSE_ENTITIES_FILE;
    process.env.PULSE_ENTITIES_FILE = file('cli.json', CUSTOM);
    try {
      expect(await entitiesCommand(['--kind', 'union'], { out: (l) => out.push(l), err: () => {} })).toBe(0);
    } finally {
      if (before === undefined) delete process.env.PULSE_ENTITIES_FILE;
      else process.env.PULSE_ENTITIES_FILE = before;
    }
    const text = out.join('\n');
    expect(text).toMatch(/union\s+Screen Performers Alliance\s+file/);
    expect(text).toMatch(/union\s+SAG-AFTRA\s+built-in/);
    expect(text).toContain('entities file:');
    await expect(entitiesCommand(['--kind', 'guild'], { out: () => {}, err: () => {} })).rejects.toThrow(/--kind must be one of/);
    // every command pulse runs has its own help with an example
    expect(COMMAND_NAMES).toContain('retag');
    for (const cmd of COMMAND_NAMES) expect(commandHelp(cmd), cmd).toMatch(/Example:\n {2}\S/);
    expect(commandHelp('digest')).toContain('--rebuild');
    expect(usageErrorText('ingest', 'unknown option --x')).toBe('pulse ingest: unknown option --x (see pulse ingest --help)');
    expect(commandHelp('constructor')).toBeUndefined();
  });
});

describe('pulse retag', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('re-tags stored items without relabelling them, marks their days, and the filters then find them', async () => {
    const union = await makeSource(database.db, 'union', 'Alliance feed');
    const ids = await makeItems(database.db, [
      {
        sourceId: union,
        publishedAt: new Date('2025-07-15T10:00:00Z'),
        stance: 'worry',
        concerns: ['consent_likeness'],
        title: 'Performers Alliance demands consent for AI replicas',
      },
      { sourceId: union, publishedAt: new Date('2025-07-16T10:00:00Z'), stance: 'excitement', title: 'A quiet day for everyone' },
    ]);
    await rebuildDirtyDays(database.db, { limit: 100 });
    const { app } = testApp(database, { env: { PULSE_ENTITIES_FILE: file('retag.json', CUSTOM) } }); // loads the file
    const before = await json(await app.request('/api/v1/trends?from=2025-07-14&to=2025-07-21&union=SPA'));
    expect(before.series[0].buckets[0].total).toBe(0);

    const done = await retagItems({ db: database.db });
    expect(done).toEqual({ scanned: 2, changed: 1 });
    const rows = await database.db
      .select()
      .from(items)
      .where(sql`${items.id} = any(${`{${ids.join(',')}}`}::bigint[])`)
      .orderBy(items.id);
    expect(rows[0]!.unions).toEqual(['Screen Performers Alliance']);
    // labels are kept
    expect(rows.map((r) => [r.stance, r.concerns, r.model])).toEqual([
      ['worry', ['consent_likeness'], 'test-model'],
      ['excitement', [], 'test-model'],
    ]);
    const dirty = rowsOf<{ day: string }>(await database.db.execute(sql`select day::text as day from rollup_dirty_days`)).map((r) => r.day);
    expect(dirty).toEqual(['2025-07-15']);
    // counted at once (the dirty day is read from items), and after the rollup rebuild
    const now = await json(await app.request('/api/v1/trends?from=2025-07-14&to=2025-07-21&union=screen%20performers%20alliance'));
    expect(now.series[0].buckets[0].total).toBe(1);
    await rebuildDirtyDays(database.db, { limit: 100 });
    const later = await json(await app.request('/api/v1/trends?from=2025-07-14&to=2025-07-21&union=SPA'));
    expect(later.series[0].buckets[0].counts.worry).toBe(1);
    // nothing left to change: a second run changes nothing
    expect(await retagItems({ db: database.db })).toEqual({ scanned: 2, changed: 0 });
  });
});
