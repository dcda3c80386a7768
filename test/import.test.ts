import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { items, jobRuns, sources } from '../db/schema/index.ts';
import { defaultModel } from '../src/classify/model.ts';
import { fixedClock } from '../src/clock.ts';
import { parseCsv, parseImport } from '../src/ingest/import-rows.ts';
import { importItems } from '../src/services/import.ts';
import { freshDatabase } from './helpers/db.ts';

const now = new Date('2025-08-01T00:00:00Z');

const PULSE_CSV = `url,title,published_at,summary,outlet
https://a.example/1,"Netflix, AI and El Eternauta",2025-07-17T20:00:00Z,"Crews worry generative AI will cost VFX jobs, the union said.",Reel
https://a.example/2,Producers thrilled by Netflix AI shot,2025-07-18,"An exciting breakthrough, producers said.",Reel
ftp://a.example/3,Bad scheme,2025-07-18,,
https://a.example/4,,2025-07-18,no title,
https://a.example/5,No date,,,
https://a.example/6,Future,2026-01-01,,
https://a.example/7,"A ""quoted"" title
over two lines",17/07/2025,multi-line,Reel
https://a.example/8,Too few fields
`;

describe('import files (pure)', () => {
  it('reads RFC 4180 CSV with quotes and line breaks, keeping each record’s first line', () => {
    const rows = parseCsv('a,b\n"x, y","He said ""hi""\nthen left"\n\n3,4\r\n');
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'He said "hi"\nthen left'] },
      { line: 5, fields: ['3', '4'] },
    ]);
  });

  it('checks every row and says which line failed and why', () => {
    const r = parseImport(PULSE_CSV, 'csv', now);
    expect(r.rows.map((x) => x.line)).toEqual([2, 3, 8]);
    expect(r.rejected).toEqual([
      { line: 4, reason: 'url must be http or https, not ftp:' },
      { line: 5, reason: 'title is missing' },
      { line: 6, reason: 'date is missing' },
      { line: 7, reason: 'date is in the future: 2026-01-01T00:00:00.000Z' },
      { line: 10, reason: '2 fields, the header has 5' },
    ]);
    expect(r.rows[2]!.entry).toMatchObject({
      title: 'A "quoted" title\nover two lines',
      published: '2025-07-17T00:00:00.000Z',
      outlet: 'Reel',
    });
    expect(() => parseImport('title,date\nx,y\n', 'csv', now)).toThrow(/no url column/);
  });

  it('reads Media Cloud story CSVs, GDELT article lists (JSON and CSV) and NDJSON', () => {
    const mc = parseImport(
      'stories_id,publish_date,title,url,language,media_name,media_url\n1,2025-07-17 21:03:00,Netflix uses AI,https://m.example/s,en,Variety,https://variety.com\n',
      'mediacloud',
      now,
    );
    expect(mc.rows[0]!.entry).toMatchObject({ guid: '1', published: '2025-07-17T21:03:00.000Z', outlet: 'Variety' });
    const gj = parseImport(
      JSON.stringify({
        articles: [{ url: 'https://g.example/1', title: 'T', seendate: '20250717T154500Z', domain: 'g.example' }, { title: 'no url' }],
      }),
      'gdelt',
      now,
    );
    expect(gj.rows[0]!.entry).toMatchObject({ published: '2025-07-17T15:45:00.000Z', outlet: 'g.example' });
    expect(gj.rejected).toEqual([{ line: 2, reason: 'url is missing' }]);
    const gc = parseImport('URL,MobileURL,Date,Title\nhttps://g.example/2,,20250718T101500Z,Another\n', 'gdelt', now);
    expect(gc.rows[0]!.entry.published).toBe('2025-07-18T10:15:00.000Z');
    const nd = parseImport(
      '{"url":"https://n.example/1","title":"One","published_at":"2025-07-17T00:00:00Z"}\nnot json\n\n[1]\n',
      'ndjson',
      now,
    );
    expect(nd.rows).toHaveLength(1);
    expect(nd.rejected.map((x) => [x.line, x.reason.split(':')[0]])).toEqual([
      [2, 'not JSON'],
      [4, 'not a JSON object'],
    ]);
  });
});

describe('pulse import (service)', () => {
  let database: Database;
  const deps = () => ({ db: database.db, clock: fixedClock(now), model: defaultModel(), instance: 'test' });
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => database.close());

  it('dry-runs with the counts a real import gives, then imports, labels, and dedups a second import', async () => {
    const dry = await importItems(deps(), { text: PULSE_CSV, format: 'csv', sourceName: 'Researcher corpus', dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, rows: 8, valid: 3, inserted: 3, duplicates: 0, source: { id: null, created: true } });
    expect(await database.db.select().from(items)).toHaveLength(0);
    expect(await database.db.select().from(sources)).toHaveLength(0);

    const real = await importItems(deps(), { text: PULSE_CSV, format: 'csv', sourceName: 'Researcher corpus', kind: 'union' });
    expect(real).toMatchObject({
      inserted: 3,
      labelled: 3,
      rejected: expect.arrayContaining([{ line: 4, reason: 'url must be http or https, not ftp:' }]),
    });
    const stored = await database.db.select().from(items);
    expect(stored.every((i) => i.discoveredVia === 'import' && i.status === 'classified' && i.outlet === 'Reel')).toBe(true);
    const [src] = await database.db.select().from(sources);
    expect(src).toMatchObject({ name: 'Researcher corpus', type: 'import', enabled: false, kind: 'union' });
    const [run] = await database.db.select().from(jobRuns).where(eq(jobRuns.job, 'import'));
    expect(run).toMatchObject({ status: 'ok', counts: expect.objectContaining({ inserted: 3, rejected: 5 }) });

    const again = await importItems(deps(), { text: PULSE_CSV, format: 'csv', sourceName: 'Researcher corpus' });
    expect(again).toMatchObject({ inserted: 0, duplicates: 3, source: { created: false } });
  });

  it('stores nothing when the import fails part way', async () => {
    const before = [(await database.db.select().from(items)).length, (await database.db.select().from(sources)).length];
    const text = 'url,title,published_at\nhttps://z.example/1,Fine,2025-07-17\nhttps://z.example/2,Also fine,2025-07-17\n';
    // an unusable clock makes the insert itself fail, after the new source row was written
    await expect(
      importItems({ ...deps(), clock: { now: () => new Date(Number.NaN) } }, { text, format: 'csv', sourceName: 'Broken' }),
    ).rejects.toThrow();
    expect([(await database.db.select().from(items)).length, (await database.db.select().from(sources)).length]).toEqual(before);
  });
});
