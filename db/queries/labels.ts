import { and, asc, eq, gt, gte, inArray, sql } from 'drizzle-orm';
import type { Concern, SourceKind, Stance } from '../../src/labels.ts';
import type { Db } from '../client.ts';
import { items, sources, type Explanation, type StoredQuote } from '../schema/index.ts';
import { arrayParam, pgArrayLiteral } from './pg-array.ts';
import { markDirtyItems } from './rollups.ts';

export interface ItemToLabel {
  id: number;
  title: string;
  summary: string;
  content: string;
  sourceKind: SourceKind;
}

export interface Label {
  id: number;
  /** null when the item's language has no model: nothing is guessed */
  relevant: boolean | null;
  stance: Stance | null;
  confidence: number | null;
  /** ISO 639-1 language detected by the classifier (absent: the stored language stays) */
  language?: string | null;
  quotes?: StoredQuote[];
  concerns: Concern[];
  explanation: Explanation;
  model: string;
}

const toLabelColumns = { id: items.id, title: items.title, summary: items.summary, content: items.content, sourceKind: sources.kind };

/**
 * Labels pending items in one transaction: the rows are locked with SKIP LOCKED so several
 * processes share the work, `label` runs in memory, and the labels are written before commit.
 * A crash rolls back and leaves the items pending for the next run.
 */
export async function labelPendingBatch(
  db: Db,
  p: { limit: number; ids?: number[]; at: Date },
  label: (rows: ItemToLabel[]) => { labels: Label[]; failed: number[] },
): Promise<{ labelled: Label[]; failed: number }> {
  return db.transaction(async (tx) => {
    const locked = await tx
      .select({ id: items.id })
      .from(items)
      .where(and(eq(items.status, 'pending'), p.ids ? inArray(items.id, p.ids) : undefined))
      .orderBy(asc(items.id))
      .limit(p.limit)
      .for('update', { skipLocked: true });
    if (!locked.length) return { labelled: [], failed: 0 };
    const rows = await tx
      .select(toLabelColumns)
      .from(items)
      .innerJoin(sources, eq(items.sourceId, sources.id))
      .where(
        inArray(
          items.id,
          locked.map((r) => r.id),
        ),
      )
      .orderBy(asc(items.id));
    const { labels, failed } = label(rows);
    await writeLabels(tx as unknown as Db, labels, p.at);
    if (failed.length) {
      await tx
        .update(items)
        .set({
          classifyAttempts: sql`${items.classifyAttempts} + 1`,
          status: sql`case when ${items.classifyAttempts} >= 2 then 'failed'::item_status else 'pending'::item_status end`,
        })
        .where(inArray(items.id, failed));
    }
    return { labelled: labels, failed: failed.length };
  });
}

/**
 * Writes labels for many items with one statement (one parameter per column) and marks their
 * days for a rollup rebuild. Call it inside a transaction so both happen or neither.
 */
export async function writeLabels(db: Db, labels: Label[], at: Date): Promise<void> {
  if (!labels.length) return;
  await markDirtyItems(
    db,
    labels.map((l) => l.id),
  );
  await db.execute(sql`
    update items as i set
      status = 'classified', relevant = u.relevant, stance = u.stance::stance, confidence = u.confidence,
      concerns = u.concerns::text[], explanation = u.explanation::jsonb, model = u.model,
      language = coalesce(u.language, i.language), quotes = u.quotes::jsonb,
      classified_at = ${at.toISOString()}::timestamptz, classify_attempts = i.classify_attempts + 1
    from ${labelRows(labels)}
    where i.id = u.id`);
  await writeLabelHistory(db, labels, at);
}

/** Each column of a label row: its name, its PostgreSQL type, and its value for one label. */
const LABEL_COLUMNS: [name: string, type: string, value: (l: Label) => string | number | boolean | null][] = [
  ['id', 'bigint', (l) => l.id],
  ['relevant', 'boolean', (l) => l.relevant],
  ['stance', 'text', (l) => l.stance],
  ['confidence', 'real', (l) => l.confidence],
  ['concerns', 'text', (l) => pgArrayLiteral(l.concerns)],
  ['explanation', 'text', (l) => JSON.stringify(l.explanation)],
  ['model', 'text', (l) => l.model],
  ['language', 'text', (l) => l.language ?? null],
  ['quotes', 'text', (l) => (l.quotes ? JSON.stringify(l.quotes) : null)],
];

/** The labels as rows `u(id, relevant, stance, …, quotes)`, one unnest over parallel arrays. */
function labelRows(labels: Label[]) {
  const arrays = LABEL_COLUMNS.map(([, type, value]) => arrayParam(labels.map(value), type));
  return sql`unnest(${sql.join(arrays, sql`, `)}) as u(${sql.raw(LABEL_COLUMNS.map(([name]) => name).join(', '))})`;
}

/**
 * Keeps a copy of each label under its model version (item_labels), so answers can be
 * reproduced for an earlier version after a relabel. Labelling the same item again with the
 * same version replaces that version's row. A label without a stance (a language with no
 * model) is kept too, so the version's answer stays the same.
 */
async function writeLabelHistory(db: Db, labels: Label[], at: Date): Promise<void> {
  await db.execute(sql`
    insert into item_labels (item_id, model, relevant, stance, confidence, concerns, explanation, language, quotes, classified_at)
    select u.id, u.model, u.relevant, u.stance::stance, u.confidence, u.concerns::text[], u.explanation::jsonb, coalesce(u.language, it.language), u.quotes::jsonb,
      ${at.toISOString()}::timestamptz
    from ${labelRows(labels)}
    join items it on it.id = u.id
    on conflict (item_id, model) do update set relevant = excluded.relevant, stance = excluded.stance, confidence = excluded.confidence,
      concerns = excluded.concerns, explanation = excluded.explanation, language = excluded.language, quotes = excluded.quotes,
      classified_at = excluded.classified_at`);
}

/** Items to re-label after a model change, in id order, one page at a time. */
/** How many stored items a relabel (of all, or those published since a date) will read. */
export async function countForRelabel(db: Db, p: { since?: Date }): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(items)
    .where(p.since ? gte(items.publishedAt, p.since) : undefined);
  return row?.n ?? 0;
}

export async function itemsForRelabel(db: Db, p: { since?: Date; afterId: number; limit: number }): Promise<ItemToLabel[]> {
  return db
    .select(toLabelColumns)
    .from(items)
    .innerJoin(sources, eq(items.sourceId, sources.id))
    .where(and(gt(items.id, p.afterId), p.since ? gte(items.publishedAt, p.since) : undefined))
    .orderBy(asc(items.id))
    .limit(p.limit);
}
