import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

/**
 * A new embedded database starts from a copy of an empty PostgreSQL cluster made once by
 * PGlite's own initdb (`npm run db:template`), not by running initdb again: initdb in
 * WebAssembly takes 7-12 s on this machine, unpacking the copy about 2. The copy holds only what
 * initdb makes (no Pulse table: migrations run on it as on any new database), so it changes only
 * when PGlite does; it is used only with the PGlite version that made it, and never on a
 * directory that already holds a cluster.
 */
export const TEMPLATE_FILE = fileURLToPath(new URL('./pglite-template.tar.br', import.meta.url));
export const TEMPLATE_INFO = fileURLToPath(new URL('./pglite-template.json', import.meta.url));

export interface TemplateInfo {
  /** the @electric-sql/pglite version whose initdb made the copy */
  pglite: string;
  /** bytes of the uncompressed tar */
  bytes: number;
  /** what initdb made, read from the cluster the copy was taken of (clusterFacts) */
  facts: ClusterFacts;
}

export type ClusterFacts = Record<string, Record<string, unknown>[]>;

/** The facts initdb decides: databases with their encodings and locales, settings, extensions, catalog size. */
export async function clusterFacts(query: (text: string) => Promise<Record<string, unknown>[]>): Promise<ClusterFacts> {
  return {
    databases: await query(
      'select datname, pg_encoding_to_char(encoding) as encoding, datcollate, datctype, datlocprovider, datistemplate, datallowconn from pg_database order by datname',
    ),
    settings: await query(
      `select name, setting from pg_settings where name in ('server_encoding', 'lc_messages', 'lc_monetary', 'lc_numeric', 'lc_time', 'TimeZone', 'DateStyle', 'default_text_search_config', 'data_checksums', 'server_version_num') order by name`,
    ),
    extensions: await query('select name, default_version from pg_available_extensions order by name'),
    catalog: await query("select count(*)::int as n from pg_class where relnamespace = 'pg_catalog'::regnamespace"),
  };
}

/** The installed @electric-sql/pglite version. */
export function installedPgliteVersion(): string {
  const require = createRequire(import.meta.url);
  // the package's exports do not include package.json: find it above the entry point
  let dir = dirname(require.resolve('@electric-sql/pglite'));
  for (let i = 0; i < 5; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite' && pkg.version) return pkg.version;
    }
    dir = dirname(dir);
  }
  throw new Error('cannot find the version of @electric-sql/pglite');
}

export function readTemplateInfo(): TemplateInfo | undefined {
  try {
    return JSON.parse(readFileSync(TEMPLATE_INFO, 'utf8')) as TemplateInfo;
  } catch {
    return undefined;
  }
}

/** True when `dataDir` already holds a cluster (PGlite opens it as it is). */
export function holdsCluster(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}

/**
 * The template as a tar to hand PGlite (`loadDataDir`), or undefined when `dataDir` already holds
 * a cluster, or no template was made with the installed PGlite (PGlite then runs initdb).
 */
export function templateFor(dataDir: string, installed: string = installedPgliteVersion()): Blob | undefined {
  if (holdsCluster(dataDir)) return undefined;
  const info = readTemplateInfo();
  if (!info || info.pglite !== installed || !existsSync(TEMPLATE_FILE)) return undefined;
  const tar = brotliDecompressSync(readFileSync(TEMPLATE_FILE));
  if (tar.length !== info.bytes) return undefined;
  return new Blob([tar]);
}

/**
 * Makes the template: initdb in a new in-memory PGlite, its cluster dumped as a tar and
 * compressed with brotli (a large window finds the three databases' shared catalogs: 1.6 MB,
 * where gzip gives 4.9).
 */
export async function makeTemplate(): Promise<TemplateInfo> {
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = await PGlite.create();
  const facts = await clusterFacts(async (text) => (await pg.query<Record<string, unknown>>(text)).rows);
  await pg.exec('checkpoint');
  const tar = Buffer.from(await (await pg.dumpDataDir('none')).arrayBuffer());
  await pg.close();
  const packed = brotliCompressSync(tar, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 9,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_SIZE_HINT]: tar.length,
    },
  });
  writeFileSync(TEMPLATE_FILE, packed);
  const info: TemplateInfo = { pglite: installedPgliteVersion(), bytes: tar.length, facts };
  writeFileSync(TEMPLATE_INFO, JSON.stringify(info, null, 2) + '\n');
  return info;
}
