import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    /** a migrated PGlite data directory to copy for child processes */
    pgliteDataDir: string;
  }
}

/**
 * Build one migrated PGlite database and save it as a snapshot; on PGlite each test file restores
 * it (about a second) instead of creating and migrating a new one (several seconds each). The same
 * database is also left as a data directory, which tests copy for `pulse` child processes that run
 * embedded (some do when the suite runs on PostgreSQL too).
 */
export default async function setup(project: TestProject) {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const { MIGRATIONS_DIR } = await import('../../db/client.ts');
  const dir = mkdtempSync(join(tmpdir(), 'pulse-test-'));
  const dataDir = join(dir, 'data');
  // from the shipped template, as `pulse` makes a new data directory (initdb would add seconds)
  const { templateFor } = await import('../../db/pglite-template.ts');
  const template = templateFor(dataDir);
  const pg = await PGlite.create(dataDir, template ? { loadDataDir: template } : {});
  await migrate(drizzle(pg), { migrationsFolder: MIGRATIONS_DIR });
  const blob = await pg.dumpDataDir('none');
  await pg.close();
  const file = join(dir, 'snapshot.tar');
  writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
  project.provide('pgliteSnapshot', file);
  project.provide('pgliteDataDir', dataDir);
  return () => rmSync(dir, { recursive: true, force: true });
}
