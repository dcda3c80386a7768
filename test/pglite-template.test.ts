import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { openDatabase, rowsOf, type Database } from '../db/client.ts';
import { clusterFacts, installedPgliteVersion, readTemplateInfo, templateFor } from '../db/pglite-template.ts';
import { pgliteOnly } from './helpers/db.ts';

const root = mkdtempSync(join(tmpdir(), 'pulse-template-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What a cluster was made with, as the template records what initdb made. */
const factsOf = (d: Database) => clusterFacts(async (text) => rowsOf<Record<string, unknown>>(await d.db.execute(sql.raw(text))));

const systemId = async (d: Database) =>
  String(rowsOf<{ id: string }>(await d.db.execute(sql`select system_identifier::text as id from pg_control_system()`))[0]!.id);

pgliteOnly('the embedded database template', () => {
  it('was made by the installed PGlite (if not: npm run db:template)', () => {
    expect(readTemplateInfo()?.pglite).toBe(installedPgliteVersion());
  });

  it('gives a new directory the cluster initdb made, and keeps what is written to it', async () => {
    const fromTemplate = await openDatabase({ dataDir: join(root, 'template') });
    // initdb's own cluster, read when the template was made (npm run db:template)
    expect(await factsOf(fromTemplate)).toEqual(readTemplateInfo()?.facts);
    const id = await systemId(fromTemplate);
    await fromTemplate.db.execute(sql`create table kept (v text)`);
    await fromTemplate.db.execute(sql`insert into kept values ('still here')`);
    await fromTemplate.close();
    // a second new directory is a copy of the same template, not a new initdb
    const second = await openDatabase({ dataDir: join(root, 'second') });
    expect(await systemId(second)).toBe(id);
    expect(rowsOf(await second.db.execute(sql`select to_regclass('kept') as t`))).toEqual([{ t: null }]);
    await second.close();
    expect(templateFor(join(root, 'initdb'), '0.0.0-other')).toBeUndefined();

    // reopened, the directory is its own cluster, not a new copy of the template
    expect(templateFor(join(root, 'template'))).toBeUndefined();
    const again = await openDatabase({ dataDir: join(root, 'template') });
    expect(await systemId(again)).toBe(id);
    expect(rowsOf<{ v: string }>(await again.db.execute(sql`select v from kept`))).toEqual([{ v: 'still here' }]);
    await again.close();
  }, 120_000);

  it('is not used for a directory that already holds a cluster', () => {
    const dir = join(root, 'has-cluster');
    mkdirSync(dir);
    writeFileSync(join(dir, 'PG_VERSION'), '17\n');
    expect(templateFor(dir)).toBeUndefined();
    expect(templateFor(join(root, 'nothing-yet'))).toBeInstanceOf(Blob);
  });
});
