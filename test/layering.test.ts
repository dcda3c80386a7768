import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIOME = resolve('node_modules/@biomejs/biome/bin/biome');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Lints one file's text as if it lived at `path` in this repository, with its biome.json. */
function lint(path: string, text: string): { code: number; output: string } {
  const root = mkdtempSync(join(tmpdir(), 'pulse-lint-'));
  dirs.push(root);
  copyFileSync('biome.json', join(root, 'biome.json'));
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  const r = spawnSync(process.execPath, [BIOME, 'lint', '--vcs-enabled=false', path], { cwd: root, encoding: 'utf8' });
  return { code: r.status ?? 1, output: r.stdout + r.stderr };
}

const QUERY_IMPORT = "import { listItems } from '../../../db/queries/items.ts';\nexport const x = listItems;\n";

describe('the layering the linter holds', () => {
  it('refuses db/queries in routes, pages, the CLI and jobs, and allows it in services', () => {
    for (const path of ['src/api/routes/new-thing.ts', 'src/web/new-page.tsx', 'src/cli/new-command.ts', 'jobs/new-job.ts']) {
      const r = lint(path, QUERY_IMPORT);
      expect(r.code, path).not.toBe(0);
      expect(r.output, path).toMatch(/noRestrictedImports/);
    }
    expect(lint('src/services/new-thing.ts', QUERY_IMPORT.replace('../../../', '../../')).code).toBe(0);
  });

  it('keeps drizzle inside db/ and process.env inside src/config.ts', () => {
    expect(lint('src/services/x.ts', "import { sql } from 'drizzle-orm';\nexport const q = sql`select 1`;\n").output).toMatch(
      /noRestrictedImports/,
    );
    expect(lint('db/queries/x.ts', "import { sql } from 'drizzle-orm';\nexport const q = sql`select 1`;\n").code).toBe(0);
    expect(lint('src/api/x.ts', 'export const port = process.env.PORT;\n').output).toMatch(/noProcessEnv/);
    expect(lint('src/config.ts', 'export const port = process.env.PORT;\n').code).toBe(0);
  });
});
