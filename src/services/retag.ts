import type { Db } from '../../db/client.ts';
import { itemTexts, setItemTags } from '../../db/queries/items.ts';
import { markDirtyItems } from '../../db/queries/rollups.ts';
import { tagEntities } from '../ingest/entities.ts';
import type { DbDeps } from './deps.ts';

const same = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

export interface RetagProgress {
  scanned: number;
  changed: number;
}

/**
 * Tags every stored item again with the entities in use now (built-in and PULSE_ENTITIES_FILE),
 * as ingest would: studios, unions and areas only; stance, concerns and relevance are not
 * relabelled. The days of changed items are marked for a rollup rebuild in the same transaction,
 * so trends stay right in between.
 */
export async function retagItems(
  deps: DbDeps & { invalidate?: (prefix: string) => void },
  p: { batch?: number; onProgress?: (p: RetagProgress) => void } = {},
): Promise<RetagProgress> {
  const batch = p.batch ?? 500;
  let afterId = 0;
  const done: RetagProgress = { scanned: 0, changed: 0 };
  for (;;) {
    const rows = await itemTexts(deps.db, { afterId, limit: batch });
    if (!rows.length) break;
    afterId = rows.at(-1)!.id;
    const changed = rows
      .map((r) => ({ r, t: tagEntities(`${r.title}\n${r.summary}\n${r.content}`) }))
      .filter(({ r, t }) => !same(r.studios, t.studios) || !same(r.unions, t.unions) || !same(r.areas, t.areas))
      .map(({ r, t }) => ({ id: r.id, studios: t.studios, unions: t.unions, areas: t.areas }));
    if (changed.length) {
      await deps.db.transaction(async (tx) => {
        await setItemTags(tx as unknown as Db, changed);
        await markDirtyItems(
          tx as unknown as Db,
          changed.map((c) => c.id),
        );
      });
    }
    done.scanned += rows.length;
    done.changed += changed.length;
    p.onProgress?.({ ...done });
  }
  if (done.changed) deps.invalidate?.('/api/v1/');
  return done;
}
