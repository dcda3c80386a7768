import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { rowsOf, type Database } from '../db/client.ts';
import { migrate, migrationJournal } from '../db/migrate.ts';
import { filterOptions } from '../db/queries/dashboard.ts';
import { rebuildDirtyDays } from '../db/queries/rollups.ts';
import { systemClock } from '../src/clock.ts';
import { restoreBackup, writeBackup } from '../src/services/backup.ts';
import { pgliteDatabase, postgresDatabase } from './helpers/backup-data.ts';
import { freshDatabase, testDatabaseUrl } from './helpers/db.ts';
import { makeItems, makeSource } from './helpers/factories.ts';

/**
 * A backup from before migration 0007 restored into a database already migrated past it: the
 * migrations' data steps never run over the restored rows, so the restore marks the rollups for a
 * rebuild and totals them again itself.
 */
const dir = mkdtempSync(join(tmpdir(), 'pulse-restore-ahead-'));
const open: Database[] = [];
afterAll(async () => {
  for (const d of open) await d.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

it('marks the restored rollups for a rebuild and totals them, so the menus and source table fill', async () => {
  const BEFORE_0007 = migrationJournal().findIndex((e) => e.tag.startsWith('0007'));
  expect(BEFORE_0007).toBeGreaterThan(0);
  const source = testDatabaseUrl ? await postgresDatabase(testDatabaseUrl, { migrated: false }) : await pgliteDatabase({ migrated: false });
  open.push(source);
  await migrate(source, { upTo: BEFORE_0007 });
  const news = await makeSource(source.db, 'news', 'Trade');
  await makeItems(source.db, [
    { sourceId: news, publishedAt: new Date('2025-05-02T10:00:00Z'), stance: 'worry', studios: ['Netflix'] },
    { sourceId: news, publishedAt: new Date('2025-05-03T10:00:00Z'), stance: 'excitement', studios: ['Disney'] },
  ]);
  // the rollups as that version made them: no 'source' or 'lang' rows, and no day left dirty
  await source.db.execute(sql`
    insert into daily_rollups (day, source_kind, relevant, stance, dim, value, n) values
      ('2025-05-02', 'news', true, 'worry', 'all', '', 1), ('2025-05-02', 'news', true, 'worry', 'studio', 'Netflix', 1),
      ('2025-05-03', 'news', true, 'excitement', 'all', '', 1), ('2025-05-03', 'news', true, 'excitement', 'studio', 'Disney', 1)`);
  await source.db.execute(sql`delete from rollup_dirty_days`);
  const file = join(dir, 'before-0007.gz');
  await writeBackup({ db: source.db, clock: systemClock }, { out: createWriteStream(file), driver: source.driver });

  // the target is migrated to the end before the restore
  const target = await freshDatabase();
  open.push(target);
  await restoreBackup({ db: target.db, database: target }, { input: createReadStream(file) });
  const dirty = rowsOf<{ day: string }>(await target.db.execute(sql`select day::text as day from rollup_dirty_days order by day`));
  expect(dirty.map((d) => d.day)).toEqual(['2025-05-02', '2025-05-03']);
  expect((await filterOptions(target.db)).studio).toEqual(['Disney', 'Netflix']);
  // and the rebuild gives the dimensions the older version did not have
  while ((await rebuildDirtyDays(target.db, { limit: 100 })).remaining > 0);
  const dims = rowsOf<{ dim: string }>(await target.db.execute(sql`select distinct dim from daily_rollups order by dim`));
  expect(dims.map((d) => d.dim)).toEqual(['all', 'lang', 'source', 'studio']);
}, 120_000);
