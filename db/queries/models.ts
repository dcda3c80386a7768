import { sql } from 'drizzle-orm';
import type { Stance } from '../../src/labels.ts';
import { rowsOf, type Db } from '../client.ts';

/** True when some item has a stored label by this model version. */
export async function modelKnown(db: Db, model: string): Promise<boolean> {
  const rows = rowsOf<{ one: number }>(await db.execute(sql`select 1 as one from item_labels where model = ${model} limit 1`));
  return rows.length > 0;
}

export interface ModelVersionRow {
  model: string;
  items: number;
  relevant: number;
  firstLabelledAt: Date;
  lastLabelledAt: Date;
}

/** Every model version with stored labels: how many items each labelled, and when. */
export async function modelVersions(db: Db): Promise<ModelVersionRow[]> {
  const rows = rowsOf<{
    model: string;
    items: number | string;
    relevant: number | string;
    first_at: string | Date;
    last_at: string | Date;
  }>(
    await db.execute(sql`
      select model, count(*)::int as items, count(*) filter (where relevant)::int as relevant, min(classified_at) as first_at, max(classified_at) as last_at
      from item_labels group by model order by max(classified_at) desc`),
  );
  return rows.map((r) => ({
    model: r.model,
    items: Number(r.items),
    relevant: Number(r.relevant),
    firstLabelledAt: new Date(r.first_at),
    lastLabelledAt: new Date(r.last_at),
  }));
}

export interface PairedLabel {
  a: Stance;
  b: Stance;
  aRelevant: boolean;
  bRelevant: boolean;
  n: number;
}

/** Items labelled by both versions, counted per (stance under a, stance under b, relevance under each). */
export async function pairedLabels(db: Db, p: { a: string; b: string; from?: Date; to?: Date }): Promise<PairedLabel[]> {
  const rows = rowsOf<{ a: Stance; b: Stance; ar: boolean; br: boolean; n: number | string }>(
    await db.execute(sql`
      select la.stance as a, lb.stance as b, la.relevant as ar, lb.relevant as br, count(*)::int as n
      from item_labels la join item_labels lb on lb.item_id = la.item_id and lb.model = ${p.b}
      join items i on i.id = la.item_id
      where la.model = ${p.a} and la.stance is not null and lb.stance is not null${p.from ? sql` and i.published_at >= ${p.from.toISOString()}::timestamptz` : sql``}${p.to ? sql` and i.published_at < ${p.to.toISOString()}::timestamptz` : sql``}
      group by 1, 2, 3, 4`),
  );
  return rows.map((r) => ({ a: r.a, b: r.b, aRelevant: r.ar, bRelevant: r.br, n: Number(r.n) }));
}

export interface CodedLabel {
  itemId: number;
  model: string;
  modelStance: Stance;
  modelRelevant: boolean;
  stance: Stance;
  relevant: boolean;
}

/** Every coded item's consensus beside each model version's label of it. */
export async function codedAgainstModels(db: Db): Promise<CodedLabel[]> {
  const rows = rowsOf<{ item_id: number | string; model: string; ms: Stance; mr: boolean; stance: Stance; relevant: boolean }>(
    await db.execute(sql`
      select c.item_id, l.model, l.stance as ms, l.relevant as mr, c.stance, c.relevant
      from item_corrections c join item_labels l on l.item_id = c.item_id and l.stance is not null`),
  );
  return rows.map((r) => ({
    itemId: Number(r.item_id),
    model: r.model,
    modelStance: r.ms,
    modelRelevant: r.mr,
    stance: r.stance,
    relevant: r.relevant,
  }));
}
