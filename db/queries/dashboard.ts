import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../client.ts';

/** The newest publication time among labelled relevant items, so the dashboard opens on the data. */
export async function latestLabelledAt(db: Db): Promise<Date | undefined> {
  const [row] = rowsOf<{ at: string | Date | null }>(
    await db.execute(sql`select max(published_at) as at from items where stance is not null and relevant is true`),
  );
  return row?.at ? new Date(row.at) : undefined;
}

/** Tag values seen in labelled items, most frequent first, for the filter menus. */
export async function filterOptions(db: Db): Promise<Record<'studio' | 'union' | 'area' | 'concern', string[]>> {
  const out = { studio: [] as string[], union: [] as string[], area: [] as string[], concern: [] as string[] };
  const rows = rowsOf<{ dim: keyof typeof out; value: string }>(
    await db.execute(sql`
      select dim, value from (
        select 'studio' as dim, v as value, count(*) as n from items, unnest(studios) v where stance is not null group by 2
        union all select 'union', v, count(*) from items, unnest(unions) v where stance is not null group by 2
        union all select 'area', v, count(*) from items, unnest(areas) v where stance is not null group by 2
        union all select 'concern', v, count(*) from items, unnest(concerns) v where stance is not null group by 2
      ) x order by dim, n desc, value`),
  );
  for (const r of rows) out[r.dim]?.push(r.value);
  return out;
}
