import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { writeLabels } from '../../db/queries/labels.ts';
import { addSource } from '../../db/queries/sources.ts';
import { items } from '../../db/schema/index.ts';
import type { Concern, SourceKind, Stance } from '../../src/labels.ts';

export interface ItemSpec {
  sourceId: number;
  publishedAt: Date;
  stance: Stance;
  relevant?: boolean;
  studios?: string[];
  unions?: string[];
  areas?: string[];
  concerns?: Concern[];
  title?: string;
  summary?: string;
  confidence?: number;
  sentence?: string;
  language?: string;
}

let seq = 0;

/** A source of the given kind. */
export async function makeSource(db: Db, kind: SourceKind, name = `${kind} source`): Promise<number> {
  const { row } = await addSource(db, { url: `https://factory.example.org/${kind}/${++seq}/feed`, kind, name });
  return row.id;
}

/** Stores labelled items directly (no feed), marking their days for a rollup rebuild. */
export async function makeItems(db: Db, specs: ItemSpec[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < specs.length; i += 500) {
    const chunk = specs.slice(i, i + 500);
    const rows = await db
      .insert(items)
      .values(
        chunk.map((s) => {
          const n = ++seq;
          return {
            sourceId: s.sourceId,
            url: `https://factory.example.org/item/${n}-${Math.random().toString(36).slice(2)}`,
            title: s.title ?? `Item ${n}`,
            summary: s.summary ?? '',
            publishedAt: s.publishedAt,
            fetchedAt: s.publishedAt,
            contentHash: `hash-${n}-${Math.random()}`,
            studios: s.studios ?? [],
            unions: s.unions ?? [],
            areas: s.areas ?? [],
            language: s.language ?? null,
          };
        }),
      )
      .returning({ id: items.id });
    const labels = rows.map((r, k) => ({
      id: r.id,
      relevant: chunk[k]!.relevant ?? true,
      stance: chunk[k]!.stance,
      confidence: chunk[k]!.confidence ?? 0.9,
      concerns: chunk[k]!.concerns ?? [],
      explanation: { terms: [], sentence: chunk[k]!.sentence ?? chunk[k]!.title ?? '' },
      model: 'test-model',
    }));
    await db.transaction((tx) => writeLabels(tx as unknown as Db, labels, new Date()));
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

/** Removes every item (and its rollups) so a test starts from nothing. */
export async function clearItems(db: Db): Promise<void> {
  await db.execute(sql`delete from item_sightings`);
  await db.execute(sql`delete from items`);
  await db.execute(sql`delete from daily_rollups`);
  await db.execute(sql`delete from rollup_values`);
  await db.execute(sql`delete from rollup_dirty_days`);
}
