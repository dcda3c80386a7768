import { and, asc, eq, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Concern, Stance } from '../../src/labels.ts';
import type { Db } from '../client.ts';
import { annotations, itemCorrections, itemLabels, items, sampleItems, samples, sources } from '../schema/index.ts';

/** Items a sample may be drawn from: labelled, published in [from, to), with the model's stance. */
export async function sampleCandidates(
  db: Db,
  p: { from?: Date | undefined; to?: Date | undefined },
): Promise<{ id: number; stance: Stance; relevant: boolean }[]> {
  const rows = await db
    .select({ id: items.id, stance: items.stance, relevant: items.relevant })
    .from(items)
    .where(
      and(isNotNull(items.stance), p.from ? gte(items.publishedAt, p.from) : undefined, p.to ? lt(items.publishedAt, p.to) : undefined),
    )
    .orderBy(asc(items.id));
  return rows.map((r) => ({ id: r.id, stance: r.stance!, relevant: r.relevant ?? false }));
}

export type NewSample = typeof samples.$inferInsert;
export type SampleRow = typeof samples.$inferSelect;

/** Stores a sample and its items in one transaction. */
export async function insertSample(
  db: Db,
  sample: NewSample,
  drawn: { id: number; stratum: string; weight: number }[],
): Promise<SampleRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(samples).values(sample).returning();
    for (let i = 0; i < drawn.length; i += 1000) {
      await tx
        .insert(sampleItems)
        .values(
          drawn
            .slice(i, i + 1000)
            .map((d, k) => ({ sampleId: row!.id, itemId: d.id, position: i + k, stratum: d.stratum, weight: d.weight })),
        );
    }
    return row!;
  });
}

export async function getSample(db: Db, id: number): Promise<SampleRow | undefined> {
  const [row] = await db.select().from(samples).where(eq(samples.id, id));
  return row;
}

export async function listSamples(db: Db): Promise<(SampleRow & { size: number })[]> {
  const rows = await db
    .select({ s: samples, size: sql<number>`(select count(*)::int from validation_sample_items si where si.sample_id = ${samples.id})` })
    .from(samples)
    .orderBy(asc(samples.id));
  return rows.map((r) => ({ ...r.s, size: Number(r.size) }));
}

/** A sample's items in draw order, with text, the model's current label and its version's label. */
export async function sampleItemRows(db: Db, sampleId: number) {
  return db
    .select({
      itemId: sampleItems.itemId,
      position: sampleItems.position,
      stratum: sampleItems.stratum,
      weight: sampleItems.weight,
      title: items.title,
      summary: items.summary,
      content: items.content,
      url: items.url,
      publishedAt: items.publishedAt,
      sourceName: sources.name,
      sourceKind: sources.kind,
      stance: items.stance,
      relevant: items.relevant,
      concerns: items.concerns,
      model: items.model,
    })
    .from(sampleItems)
    .innerJoin(items, eq(items.id, sampleItems.itemId))
    .innerJoin(sources, eq(sources.id, items.sourceId))
    .where(eq(sampleItems.sampleId, sampleId))
    .orderBy(asc(sampleItems.position));
}

/**
 * The model version's labels of some items (for scoring an earlier version on a sample); an item
 * the version gave no stance (a language it has no model for) is left out, as an unlabelled one.
 */
export async function versionLabelsOf(db: Db, model: string, ids: number[]) {
  if (!ids.length) return [];
  const rows = await db
    .select({ itemId: itemLabels.itemId, stance: itemLabels.stance, relevant: itemLabels.relevant, concerns: itemLabels.concerns })
    .from(itemLabels)
    .where(and(eq(itemLabels.model, model), inArray(itemLabels.itemId, ids), isNotNull(itemLabels.stance)));
  return rows.map((r) => ({ itemId: r.itemId, stance: r.stance!, relevant: r.relevant ?? false, concerns: r.concerns }));
}

export interface AnnotationInput {
  itemId: number;
  coder: string;
  stance: Stance;
  relevant: boolean;
  concerns: Concern[];
  sampleId?: number | null | undefined;
  durationMs?: number | null | undefined;
  sawModel?: boolean | undefined;
  codedAt: Date;
}

export type AnnotationRow = typeof annotations.$inferSelect;

/** Stores (or replaces) a coder's label for an item. */
export async function upsertAnnotation(db: Db, a: AnnotationInput): Promise<AnnotationRow> {
  const values = { ...a, sampleId: a.sampleId ?? null, durationMs: a.durationMs ?? null, sawModel: a.sawModel ?? false };
  const [row] = await db
    .insert(annotations)
    .values(values)
    .onConflictDoUpdate({
      target: [annotations.itemId, annotations.coder],
      set: {
        stance: values.stance,
        relevant: values.relevant,
        concerns: values.concerns,
        sampleId: values.sampleId,
        durationMs: values.durationMs,
        sawModel: values.sawModel,
        codedAt: values.codedAt,
      },
    })
    .returning();
  return row!;
}

export async function itemExists(db: Db, id: number): Promise<boolean> {
  const [row] = await db.select({ id: items.id }).from(items).where(eq(items.id, id));
  return !!row;
}

/** Every annotation of some items (all, when ids is undefined), by item then coder. */
export async function annotationsOf(db: Db, p: { itemIds?: number[]; sampleId?: number }): Promise<AnnotationRow[]> {
  if (p.itemIds && !p.itemIds.length) return [];
  const where = p.itemIds
    ? inArray(annotations.itemId, p.itemIds)
    : p.sampleId !== undefined
      ? inArray(annotations.itemId, db.select({ id: sampleItems.itemId }).from(sampleItems).where(eq(sampleItems.sampleId, p.sampleId)))
      : undefined;
  return db.select().from(annotations).where(where).orderBy(asc(annotations.itemId), asc(annotations.coder));
}

/** Replaces an item's consensus label, or removes it when the coders have none. */
export async function setCorrection(
  db: Db,
  itemId: number,
  c: { relevant: boolean; stance: Stance; concerns: Concern[]; coders: number } | null,
  at: Date,
): Promise<void> {
  if (!c) {
    await db.delete(itemCorrections).where(eq(itemCorrections.itemId, itemId));
    return;
  }
  await db
    .insert(itemCorrections)
    .values({ itemId, ...c, updatedAt: at })
    .onConflictDoUpdate({ target: itemCorrections.itemId, set: { ...c, updatedAt: at } });
}

/** Every corrected item with its text, for training with the coders' labels. */
export async function correctedItems(db: Db) {
  return db
    .select({
      itemId: items.id,
      title: items.title,
      summary: items.summary,
      content: items.content,
      sourceKind: sources.kind,
      stance: itemCorrections.stance,
      relevant: itemCorrections.relevant,
      concerns: itemCorrections.concerns,
    })
    .from(itemCorrections)
    .innerJoin(items, eq(items.id, itemCorrections.itemId))
    .innerJoin(sources, eq(sources.id, items.sourceId))
    .orderBy(asc(items.id));
}
