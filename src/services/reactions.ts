import { keywordQuery, reactionItems, reactionItemsById, reactionOffTopicCounts } from '../../db/queries/announcements.ts';
import {
  buildMatches,
  buildReactionBuckets,
  dirtyDaysBetween,
  dropReactionBuilds,
  listReactionBuilds,
  reactionBucketRows,
  type ReactionBuildSpec,
} from '../../db/queries/reaction-buckets.ts';
import type { Db } from '../../db/client.ts';
import { adjustedDiff, adjustFigures, loadAdjuster } from './adjustment.ts';
import { STANCES, type Stance } from '../labels.ts';
import { formatDay } from '../analytics/buckets.ts';
import {
  buildReaction,
  byConfidence,
  cellsOf,
  momentOf,
  REACTION_TOP,
  type ReactionCell,
  type ReactionItem,
} from '../analytics/reaction.ts';
import { listAnnouncements } from '../../db/queries/announcements.ts';
import type { SourceKind } from '../labels.ts';
import { getAnnouncement, presentAnnouncement } from './announcements.ts';
import { replicaOf, type DbClockDeps, type ReadDeps, type ServiceDeps } from './deps.ts';
import { invalid } from './errors.ts';

/** The event-study window on each side of an announcement, unless the caller asks for another. */
export const DEFAULT_WINDOW_DAYS = 14;
export const MAX_WINDOW_DAYS = 180;
/**
 * Days on each side of an announcement whose counts the rollup job caches: windows up to this are
 * read from the cache, longer ones from items. Building 180 days took 90 s an announcement at 10M
 * items (every item of a year is read); 30 days covers the default window and the usual month.
 */
export const CACHED_WINDOW_DAYS = 30;

export const REACTION_METHOD =
  'Items are relevant, labelled items that name the studio or match a keyword, published in the window before the announcement or the window after it. ' +
  'Shares carry 95% Wilson intervals. The change in worry share uses a pooled two-proportion z-test; the change in net score ((excitement - worry) / total) a z-test on per-item scores (+1, 0, -1); ' +
  'the change in volume an exact two-sided Poisson test of the after count against the before count. With fewer than 30 items on a side the result says it cannot conclude.';

export interface ReactionQuery {
  id: number;
  windowDays?: number | undefined;
  kind?: SourceKind | undefined;
  /** also give the worry share on each side corrected for the model's measured errors */
  adjust?: boolean | undefined;
  sample?: number | undefined;
}

/**
 * The one event study: the reaction to an announcement, as the API, the reaction page and the
 * digest all show it. The answer carries the window it used (`windowDays`, `windows`).
 */
export async function announcementReaction(
  deps: DbClockDeps & ReadDeps & Partial<Pick<ServiceDeps, 'model' | 'config'>>,
  q: ReactionQuery,
) {
  const windowDays = q.windowDays ?? DEFAULT_WINDOW_DAYS;
  if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > MAX_WINDOW_DAYS)
    throw invalid('window', `expected 1d to ${MAX_WINDOW_DAYS}d`);
  // the announcement from the primary (one just created has its reaction at once), its items from the replica
  const a = await getAnnouncement(deps, { id: q.id });
  const moment = momentOf(a);
  const span = windowDays * 86_400_000;
  const { cells, candidates } = await reactionCounts(replicaOf(deps), {
    spec: buildSpec(a),
    keywords: a.keywords,
    windowDays,
    kind: q.kind,
  });
  const reaction = buildReaction({ moment, windowDays, now: deps.clock.now(), cells, candidates });
  const answer = { announcement: presentAnnouncement(a), kind: q.kind ?? null, method: REACTION_METHOD, ...reaction };
  if (!q.adjust) return answer;
  if (!deps.model || !deps.config) throw invalid('adjust', 'adjustment needs the model and configuration');
  const adjuster = await loadAdjuster({ db: deps.db, model: deps.model, config: deps.config }, { sampleId: q.sample });
  const off = await reactionOffTopicCounts(replicaOf(deps), {
    start: new Date(moment.getTime() - span),
    moment,
    end: new Date(moment.getTime() + span),
    studio: a.studio,
    keywords: a.keywords,
    kind: q.kind,
  });
  const counts = (side: ReactionCell['side']) => {
    const c = { excitement: 0, worry: 0, neutral: 0 } as Record<Stance, number>;
    for (const cell of cells) if (cell.side === side) c[cell.stance] += cell.n;
    return c;
  };
  const before = counts('before');
  const after = counts('after');
  const vec = (o: number, c: Record<Stance, number>) => [o, ...STANCES.map((s) => c[s])];
  return {
    ...answer,
    adjusted: {
      before: adjustFigures(adjuster, off.before, before, 'relevant'),
      after: adjustFigures(adjuster, off.after, after, 'relevant'),
      worryShareDiff: adjustedDiff(adjuster, vec(off.before, before), vec(off.after, after)),
    },
    adjustment: adjuster.info,
  };
}
export type ReactionAnswer = Awaited<ReturnType<typeof announcementReaction>>;

/** What an announcement's cached reaction counts must have been made for. */
function buildSpec(a: {
  id: number;
  date: string;
  time: string | null;
  timeZone: string | null;
  studio: string | null;
  keywords: string[];
}) {
  return {
    announcementId: a.id,
    moment: momentOf(a),
    studio: a.studio,
    keywordQuery: keywordQuery(a.keywords),
    days: CACHED_WINDOW_DAYS,
  } satisfies ReactionBuildSpec;
}

/**
 * The counts inside an announcement's windows and the items its most telling are picked from.
 * When the rollup job has cached the announcement's counts (reaction_buckets) for its current
 * moment, studio and keywords, they are read from there, with UTC days still marked dirty read
 * from items; otherwise (an announcement just created or changed) everything comes from items.
 * Both give the same answer, in one snapshot.
 */
async function reactionCounts(
  db: Db,
  p: { spec: ReactionBuildSpec; keywords: string[]; windowDays: number; kind?: SourceKind | undefined },
): Promise<{ cells: ReactionCell[]; candidates: ReactionItem[] }> {
  const { moment } = p.spec;
  const span = p.windowDays * 86_400_000;
  const start = new Date(moment.getTime() - span);
  const end = new Date(moment.getTime() + span);
  const fromItems = (tx: Db, days?: string[]) =>
    reactionItems(tx, { start, end, studio: p.spec.studio, keywords: p.keywords, kind: p.kind, days });
  return db.transaction(
    async (tx) => {
      const stored = (await listReactionBuilds(tx, p.spec.announcementId)).get(p.spec.announcementId);
      if (!buildMatches(stored, p.spec, p.windowDays)) {
        const items = await fromItems(tx);
        return { cells: cellsOf(items, moment), candidates: items };
      }
      const dirty = await dirtyDaysBetween(tx, { from: formatDay(start.getTime()), to: formatDay(end.getTime() - 1) });
      const rows = await reactionBucketRows(tx, {
        announcementId: p.spec.announcementId,
        days: p.windowDays,
        kind: p.kind,
        skipDays: dirty,
      });
      const live = dirty.length ? await fromItems(tx, dirty) : [];
      const cells: ReactionCell[] = [...rows.map(({ top: _top, ...cell }) => cell), ...cellsOf(live, moment)];
      // the most telling per side and stance: the cells' top items and the dirty days' items compete
      const picked = new Set<number>();
      for (const side of ['before', 'after'] as const)
        for (const stance of ['worry', 'excitement'] as const) {
          const pool = [
            ...rows
              .filter((r) => r.side === side && r.stance === stance)
              .flatMap((r) => r.top.map(([confidence, id]) => ({ id, confidence, cached: true }))),
            ...live
              .filter((i) => i.stance === stance && i.publishedAt.getTime() < moment.getTime() === (side === 'before'))
              .map((i) => ({ id: i.id, confidence: i.confidence, cached: false })),
          ];
          for (const c of pool.sort(byConfidence).slice(0, REACTION_TOP)) if (c.cached) picked.add(c.id);
        }
      return { cells, candidates: [...live, ...(await reactionItemsById(tx, [...picked]))] };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/**
 * Keeps the cached reaction counts in step with the announcements: builds those missing or made
 * for an earlier moment, studio or keywords (at most `limit` per call, each in one transaction),
 * and drops those of announcements deleted. Day-by-day changes to items are kept in step by the
 * rollup rebuild.
 */
export async function refreshReactionBuckets(
  deps: { db: Db },
  p: { limit: number },
): Promise<{ built: number; remaining: number; failed: number }> {
  const stored = await listReactionBuilds(deps.db);
  const wanted = (await listAnnouncements(deps.db)).map(buildSpec);
  await dropReactionBuilds(
    deps.db,
    [...stored.keys()].filter((id) => !wanted.some((w) => w.announcementId === id)),
  );
  const stale = wanted.filter((w) => !buildMatches(stored.get(w.announcementId), w));
  let built = 0;
  let failed = 0;
  for (const spec of stale.slice(0, p.limit)) {
    // one announcement that cannot be built (deleted meanwhile) must not stop the others, nor the
    // rest of the rollup job: its reaction is counted from items until a later run builds it
    try {
      await buildReactionBuckets(deps.db, spec);
      built++;
    } catch {
      failed++;
    }
  }
  return { built, remaining: Math.max(0, stale.length - p.limit), failed };
}
