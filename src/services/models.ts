import { codedAgainstModels, modelKnown, modelVersions, pairedLabels } from '../../db/queries/models.ts';
import { accuracyReport, cohenKappa } from '../analytics/agreement.ts';
import { STANCES, type Stance } from '../labels.ts';
import type { ServiceDeps } from './deps.ts';
import { invalid } from './errors.ts';
import { getTrends, type TrendQuery } from './trends.ts';

/**
 * Every model version with stored labels: items it labelled, and its measured quality against
 * the coders' consensus on the items both it and the coders labelled.
 */
export async function listModels(deps: Pick<ServiceDeps, 'db' | 'model'>) {
  const [versions, coded] = await Promise.all([modelVersions(deps.db), codedAgainstModels(deps.db)]);
  return {
    current: deps.model.version,
    models: versions.map((v) => {
      const mine = coded.filter((c) => c.model === v.model);
      const report = mine.length
        ? accuracyReport(
            mine.map((c) => ({ truth: c.stance, pred: c.modelStance, weight: 1 })),
            STANCES,
          )
        : null;
      const relevantAgree = mine.filter((c) => c.relevant === c.modelRelevant).length;
      return {
        model: v.model,
        current: v.model === deps.model.version,
        items: v.items,
        relevant: v.relevant,
        firstLabelledAt: v.firstLabelledAt.toISOString(),
        lastLabelledAt: v.lastLabelledAt.toISOString(),
        quality: report
          ? {
              codedItems: mine.length,
              accuracy: report.accuracy,
              macroF1: report.macroF1,
              relevanceAgreement: Math.round((relevantAgree / mine.length) * 10_000) / 10_000,
            }
          : null,
      };
    }),
  };
}

export interface CompareQuery {
  a: string;
  b: string;
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * Two model versions side by side on the items both labelled: how often they agree (and
 * Cohen's kappa), the confusion table (rows: a, columns: b), relevance agreement, and the
 * weekly stance shares under each.
 */
export async function compareModels(deps: Pick<ServiceDeps, 'db' | 'clock' | 'model' | 'config'>, q: CompareQuery) {
  for (const [field, v] of [
    ['a', q.a],
    ['b', q.b],
  ] as const) {
    if (v !== deps.model.version && !(await modelKnown(deps.db, v)))
      throw invalid(field, `no labels stored for model ${v}; GET /api/v1/models lists them`);
  }
  const rows = await pairedLabels(deps.db, { a: q.a, b: q.b });
  const table = Object.fromEntries(STANCES.map((s) => [s, Object.fromEntries(STANCES.map((t) => [t, 0]))])) as Record<
    Stance,
    Record<Stance, number>
  >;
  const pairs: [Stance, Stance][] = [];
  let n = 0;
  let same = 0;
  let relevanceSame = 0;
  for (const r of rows) {
    table[r.a][r.b] += r.n;
    n += r.n;
    if (r.a === r.b) same += r.n;
    if (r.aRelevant === r.bRelevant) relevanceSame += r.n;
    for (let k = 0; k < r.n; k++) pairs.push([r.a, r.b]);
  }
  const base: TrendQuery = { from: q.from, to: q.to, granularity: 'week', relevant: 'true', tz: 'UTC', labels: 'model' };
  const [ta, tb] = await Promise.all([getTrends(deps, { ...base, model: q.a }), getTrends(deps, { ...base, model: q.b })]);
  const weeks = ta.series[0]!.buckets.map((bucket, i) => {
    const other = tb.series[0]!.buckets[i]!;
    return {
      start: bucket.start,
      end: bucket.end,
      a: { total: bucket.total, shares: bucket.shares },
      b: { total: other.total, shares: other.shares },
    };
  });
  const r4 = (v: number) => Math.round(v * 10_000) / 10_000;
  const kappa = cohenKappa(pairs);
  return {
    a: q.a,
    b: q.b,
    items: n,
    agreement: n ? r4(same / n) : null,
    kappa: kappa === null ? null : r4(kappa),
    relevanceAgreement: n ? r4(relevanceSame / n) : null,
    confusion: table,
    from: ta.from,
    to: ta.to,
    weekly: weeks,
  };
}
