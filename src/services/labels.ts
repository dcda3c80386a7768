import type { Db } from '../../db/client.ts';
import { itemsForRelabel, labelPendingBatch, writeLabels, type ItemToLabel, type Label } from '../../db/queries/labels.ts';
import type { StanceModel } from '../classify/model.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';

const BATCH = 500;

/** The text the classifier reads for a stored item: headline, then the fullest body. */
export function itemText(i: Pick<ItemToLabel, 'title' | 'summary' | 'content'>): string {
  const body = i.content && i.content.length >= i.summary.length ? i.content : i.summary;
  const lead = i.content && i.summary && !i.content.startsWith(i.summary.slice(0, 60)) ? `${i.summary}\n` : '';
  return `${i.title}.\n${lead}${body}`;
}

function labelRows(model: StanceModel, rows: ItemToLabel[], logger?: Logger): { labels: Label[]; failed: number[] } {
  const labels: Label[] = [];
  const failed: number[] = [];
  for (const row of rows) {
    try {
      const r = model.classify(itemText(row), row.sourceKind);
      labels.push(
        r.supported
          ? {
              id: row.id,
              relevant: r.relevant,
              stance: r.stance,
              confidence: r.confidence,
              concerns: r.concerns,
              explanation: r.explanation,
              model: r.model,
              language: r.lang,
              quotes: r.quotes,
            }
          : // a language with no model: stored with its language and nothing guessed
            {
              id: row.id,
              relevant: null,
              stance: null,
              confidence: null,
              concerns: [],
              explanation: r.explanation,
              model: r.model,
              language: r.lang,
              quotes: [],
            },
      );
    } catch (err) {
      logger?.warn({ err, itemId: row.id }, 'could not classify item');
      failed.push(row.id);
    }
  }
  return { labels, failed };
}

export interface LabelDeps {
  db: Db;
  model: StanceModel;
  clock: Clock;
  logger?: Logger;
  metrics?: Pick<Metrics, 'classifications'>;
}

/**
 * Labels pending items (all of them, or just `ids`) in batches; each batch commits on its own,
 * so a crash loses at most the batch in flight, which stays pending.
 */
export async function labelPending(
  deps: LabelDeps,
  opts: { ids?: number[]; max?: number } = {},
): Promise<{ classified: number; failed: number; byStance: Record<string, number> }> {
  let classified = 0;
  let failed = 0;
  const byStance: Record<string, number> = {};
  const max = opts.max ?? Infinity;
  while (classified + failed < max) {
    const batch = await labelPendingBatch(
      deps.db,
      { limit: Math.min(BATCH, max - classified - failed), ids: opts.ids, at: deps.clock.now() },
      (rows) => labelRows(deps.model, rows, deps.logger),
    );
    if (!batch.labelled.length && !batch.failed) break;
    classified += batch.labelled.length;
    failed += batch.failed;
    for (const l of batch.labelled) {
      const stance = l.stance ?? 'unsupported';
      byStance[stance] = (byStance[stance] ?? 0) + 1;
      deps.metrics?.classifications.inc({ stance });
    }
  }
  return { classified, failed, byStance };
}

/** Re-labels stored items (all, or those published since a date) with the given model. */
export async function relabel(deps: LabelDeps, opts: { since?: Date; onBatch?: (done: number) => void } = {}): Promise<number> {
  let afterId = 0;
  let done = 0;
  for (;;) {
    const rows = await itemsForRelabel(deps.db, { since: opts.since, afterId, limit: BATCH });
    if (!rows.length) break;
    const { labels } = labelRows(deps.model, rows, deps.logger);
    await deps.db.transaction((tx) => writeLabels(tx as unknown as Db, labels, deps.clock.now()));
    done += labels.length;
    afterId = rows.at(-1)!.id;
    opts.onBatch?.(done);
  }
  return done;
}
