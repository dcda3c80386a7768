import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../client.ts';

/**
 * The recent search index (recent_search) holds every item published at or after
 * search_window.since; a trigger on items copies new ones in. This moves `since` so that about
 * `keep` items are inside: it begins at the `keep`-th newest item. Items that fall out are
 * deleted in the same transaction. Creating the window copies what is already inside it, with
 * inserts into items held back meanwhile, so no item the window covers can be missed.
 */
export async function moveSearchWindow(db: Db, p: { keep: number }): Promise<{ since: Date | null; moved: boolean; items: number }> {
  return db.transaction(async (tx) => {
    const [current] = rowsOf<{ since: string | Date }>(await tx.execute(sql`select since from search_window where id = 1 for update`));
    const [edge] = rowsOf<{ at: string | Date }>(
      await tx.execute(sql`select published_at as at from items order by published_at desc, id desc offset ${p.keep - 1} limit 1`),
    );
    // fewer items than `keep`: the window holds them all
    const since = edge ? new Date(edge.at) : null;
    const sinceSql = since ? since.toISOString() : '-infinity';
    if (!current) {
      // an insert that began before this would be missed both by the copy below and by its trigger
      await tx.execute(sql`lock table items in share mode`);
      await tx.execute(sql`insert into search_window (id, since, moved_at) values (1, ${sinceSql}::timestamptz, now())`);
      await tx.execute(sql`
        insert into recent_search (item_id, published_at, search)
        select id, published_at, search from items where published_at >= ${sinceSql}::timestamptz
        on conflict (item_id) do nothing`);
      return { since, moved: true, items: await countInside(tx) };
    }
    const was = new Date(current.since);
    // only forward: moving back would need items copied in again
    if (!since || (Number.isFinite(was.getTime()) && since.getTime() <= was.getTime()))
      return { since: Number.isFinite(was.getTime()) ? was : null, moved: false, items: await countInside(tx) };
    await tx.execute(sql`update search_window set since = ${sinceSql}::timestamptz, moved_at = now() where id = 1`);
    await tx.execute(sql`delete from recent_search where published_at < ${sinceSql}::timestamptz`);
    return { since, moved: true, items: await countInside(tx) };
  });
}

async function countInside(db: Db): Promise<number> {
  const [row] = rowsOf<{ n: number | string }>(await db.execute(sql`select count(*)::int as n from recent_search`));
  return Number(row?.n ?? 0);
}
