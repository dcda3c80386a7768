import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../client.ts';

/** The newest publication time among labelled relevant items, so the dashboard opens on the data. */
export async function latestLabelledAt(db: Db): Promise<Date | undefined> {
  const [row] = rowsOf<{ at: string | Date | null }>(
    await db.execute(sql`select max(published_at) as at from items where stance is not null and relevant is true`),
  );
  return row?.at ? new Date(row.at) : undefined;
}

/**
 * Tag values seen in labelled items, most frequent first, for the filter menus. Read from the
 * daily rollups (one row per day, stance and value), not from items: the menus cost the same at
 * a million items as at a thousand. Days still waiting for a rollup rebuild show up a minute later.
 */
export async function filterOptions(db: Db): Promise<Record<'studio' | 'union' | 'area' | 'concern', string[]>> {
  const out = { studio: [] as string[], union: [] as string[], area: [] as string[], concern: [] as string[] };
  const rows = rowsOf<{ dim: keyof typeof out; value: string }>(
    await db.execute(sql`
      select dim, value from daily_rollups
      where dim in ('studio', 'union', 'area', 'concern')
      group by dim, value
      order by dim, sum(n) desc, value`),
  );
  for (const r of rows) if (Object.hasOwn(out, r.dim)) out[r.dim].push(r.value);
  return out;
}
