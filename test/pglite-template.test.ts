import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { openDatabase, rowsOf, type Database } from '../db/client.ts';
import { installedPgliteVersion, readTemplateInfo, templateFor } from '../db/pglite-template.ts';
import { pgliteOnly } from './helpers/db.ts';

const root = mkdtempSync(join(tmpdir(), 'pulse-template-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What a cluster was made with: databases, encodings, locales and the settings initdb writes. */
async function clusterFacts(d: Database) {
  const q = async (text: string) => rowsOf<Record<string, unknown>>(await d.db.execute(sql.raw(text)));
  return {
    databases: await q(
      'select datname, pg_encoding_to_char(encoding) as encoding, datcollate, datctype, datlocprovider, datistemplate, datallowconn from pg_database order by datname',
    ),
    settings: await q(
      `select name, setting from pg_settings where name in ('server_encoding', 'lc_messages', 'lc_monetary', 'lc_numeric', 'lc_time', 'TimeZone', 'DateStyle', 'default_text_search_config', 'data_checksums', 'server_version_num') order by name`,
    ),
    extensions: await q('select name, default_version from pg_available_extensions order by name'),
    catalog: await q("select count(*)::int as n from pg_class where relnamespace = 'pg_catalog'::regnamespace"),
  };
}

const systemId = async (d: Database) =>
  String(rowsOf<{ id: string }>(await d.db.execute(sql`select system_identifier::text as id from pg_control_system()`))[0]!.id);

pgliteOnly('the embedded database template', () => {
  it('was made by the installed PGlite (if not: npm run db:template)', () => {
    expect(readTemplateInfo()?.pglite).toBe(installedPgliteVersion());
  });

  it('gives a new directory the cluster initdb would make, and keeps what is written to it', async () => {
    const fromTemplate = await openDatabase({ dataDir: join(root, 'template') });
    const facts = await clusterFacts(fromTemplate);
    const id = await systemId(fromTemplate);
    await fromTemplate.db.execute(sql`create table kept (v text)`);
    await fromTemplate.db.execute(sql`insert into kept values ('still here')`);
    await fromTemplate.close();

    // initdb's own cluster, for comparison: no template for a different PGlite version
    const { PGlite } = await import('@electric-sql/pglite');
    expect(templateFor(join(root, 'initdb'), '0.0.0-other')).toBeUndefined();
    const pg = await PGlite.create(join(root, 'initdb'));
    const { drizzle } = await import('drizzle-orm/pglite');
    const initdb = { db: drizzle(pg) as never, driver: 'pglite', where: 'initdb', close: () => pg.close() } satisfies Database;
    expect(facts).toEqual(await clusterFacts(initdb));
    // a different cluster: the template was really used for the first
    expect(await systemId(initdb)).not.toBe(id);
    await initdb.close();

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
