import { reactionItems, reactionOffTopicCounts } from '../../db/queries/announcements.ts';
import { adjustedDiff, adjustFigures, loadAdjuster } from './adjustment.ts';
import { STANCES, type Stance } from '../labels.ts';
import { buildReaction, momentOf } from '../analytics/reaction.ts';
import type { SourceKind } from '../labels.ts';
import { getAnnouncement, presentAnnouncement } from './announcements.ts';
import { replicaOf, type DbClockDeps, type ReadDeps, type ServiceDeps } from './deps.ts';
import { invalid } from './errors.ts';

/** The event-study window on each side of an announcement, unless the caller asks for another. */
export const DEFAULT_WINDOW_DAYS = 14;
export const MAX_WINDOW_DAYS = 180;

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
  const items = await reactionItems(replicaOf(deps), {
    start: new Date(moment.getTime() - span),
    end: new Date(moment.getTime() + span),
    studio: a.studio,
    keywords: a.keywords,
    kind: q.kind,
  });
  const reaction = buildReaction({ moment, windowDays, now: deps.clock.now(), items });
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
  const counts = (list: typeof items) => {
    const c = { excitement: 0, worry: 0, neutral: 0 } as Record<Stance, number>;
    for (const i of list) c[i.stance]++;
    return c;
  };
  const t = moment.getTime();
  const before = counts(items.filter((i) => i.publishedAt.getTime() < t));
  const after = counts(items.filter((i) => i.publishedAt.getTime() >= t));
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
