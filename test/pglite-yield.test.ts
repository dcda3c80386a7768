import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/client.ts';

// The embedded database runs queries on this thread: between two of them, the event loop (and
// with it every other request) must get a turn.
const dir = mkdtempSync(join(tmpdir(), 'pulse-yield-'));
let database: Database;
beforeAll(async () => {
  database = await openDatabase({ databaseUrl: '', dataDir: join(dir, 'data') });
});
afterAll(async () => {
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the embedded database between queries', () => {
  it('lets timers and I/O run between the queries of one caller, and between callers', async () => {
    const order: string[] = [];
    const tick = () => setImmediate(() => order.push('loop'));
    tick();
    for (let i = 0; i < 3; i++) {
      await database.db.execute(sql`select pg_sleep(0.01)`);
      order.push(`query ${i}`);
      tick();
    }
    expect(order).toEqual(['loop', 'query 0', 'loop', 'query 1', 'loop', 'query 2']);
    // two callers at once: their queries run one at a time, each after a turn of the loop
    const seen: string[] = [];
    const interval = setInterval(() => seen.push('timer'), 1);
    const caller = async (name: string) => {
      for (let i = 0; i < 3; i++) {
        await database.db.execute(sql`select pg_sleep(0.005)`);
        seen.push(name);
      }
    };
    await Promise.all([caller('a'), caller('b')]);
    clearInterval(interval);
    const queries = seen.filter((s) => s !== 'timer');
    expect(queries.sort()).toEqual(['a', 'a', 'a', 'b', 'b', 'b']);
    // a timer ran between any two queries that finished one after the other
    for (let i = 1; i < seen.length; i++) expect(seen[i] !== 'timer' && seen[i - 1] !== 'timer', seen.join(' ')).toBe(false);
  });

  it('keeps transactions whole and a failed query from blocking the next', async () => {
    await expect(database.db.execute(sql`select * from no_such_table`)).rejects.toThrow(/no_such_table/);
    const n = await database.db.transaction(async (tx) => {
      await tx.execute(sql`create temporary table t (x int)`);
      await tx.execute(sql`insert into t values (1), (2)`);
      return (await tx.execute(sql`select count(*)::int as n from t`)) as unknown as { rows: { n: number }[] };
    });
    expect(n.rows[0]!.n).toBe(2);
  });
});
