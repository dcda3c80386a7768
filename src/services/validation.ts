import {
  annotationsOf,
  correctedItems,
  getSample,
  insertSample,
  itemExists,
  listSamples as listSampleRows,
  sampleCandidates,
  sampleItemRows,
  setCorrection,
  upsertAnnotation,
  versionLabelsOf,
  type AnnotationRow,
  type SampleRow,
} from '../../db/queries/validation.ts';
import { accuracyReport, binaryReport, cohenKappa, krippendorffAlpha, withBootstrap, type Judged } from '../analytics/agreement.ts';
import { consensusOf, type CoderLabel } from '../analytics/consensus.ts';
import { drawSample } from '../analytics/sampling.ts';
import { CONCERNS, STANCES, type Concern, type SourceKind, type Stance } from '../labels.ts';
import { itemText } from './labels.ts';
import { annotationLine, ANNOTATION_COLUMNS, readAnnotationCsv } from './annotation-csv.ts';
import type { DbClockDeps, ServiceDeps } from './deps.ts';
import { invalid, notFound } from './errors.ts';

export const MAX_SAMPLE = 5000;
export const STRATIFY = ['stance'] as const;

export interface SampleInput {
  n: number;
  from?: string | undefined;
  to?: string | undefined;
  stratify?: (typeof STRATIFY)[number] | undefined;
  seed?: number | undefined;
  name?: string | undefined;
}

const day = (s: string, field: string) => {
  const d = new Date(`${s}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(d.getTime())) throw invalid(field, 'expected a date such as 2025-07-01');
  return d;
};

export function presentSample(s: SampleRow, size: number) {
  return {
    id: s.id,
    name: s.name,
    size,
    requested: s.requested,
    seed: s.seed,
    from: s.fromDay,
    to: s.toDay,
    stratify: s.stratify,
    model: s.model,
    population: s.population,
    strata: s.strata,
    createdAt: s.createdAt.toISOString(),
  };
}

/**
 * Draws and stores a reproducible random sample of labelled items: the same seed, range and
 * stratification over the same items give the same sample. Stratified by the model's stance,
 * each stratum gets an equal share and every item records its weight.
 */
export async function createSample(deps: Pick<ServiceDeps, 'db' | 'clock' | 'model'>, input: SampleInput) {
  if (!Number.isInteger(input.n) || input.n < 1 || input.n > MAX_SAMPLE)
    throw invalid('n', `expected a whole number from 1 to ${MAX_SAMPLE}`);
  const from = input.from ? day(input.from, 'from') : undefined;
  const to = input.to ? day(input.to, 'to') : undefined;
  if (from && to && from >= to) throw invalid('to', 'must be after from');
  const seed = input.seed ?? Math.floor(Math.random() * 2 ** 31);
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) throw invalid('seed', 'expected a whole number from 0 to 2147483647');
  const candidates = await sampleCandidates(deps.db, { from, to });
  if (!candidates.length) throw invalid('from', 'no labelled items in that range to sample from');
  const stratum = (c: (typeof candidates)[number]) => (input.stratify === 'stance' ? (c.relevant ? c.stance : 'off_topic') : 'all');
  const drawn = drawSample(
    candidates.map((c) => ({ id: c.id, stratum: stratum(c) })),
    input.n,
    seed,
  );
  const now = deps.clock.now();
  const row = await insertSample(
    deps.db,
    {
      name: input.name?.trim() || `sample ${now.toISOString().slice(0, 10)}`,
      seed,
      requested: input.n,
      fromDay: input.from ?? null,
      toDay: input.to ?? null,
      stratify: input.stratify ?? null,
      model: deps.model.version,
      population: candidates.length,
      strata: drawn.strata,
      createdAt: now,
    },
    drawn.items,
  );
  return presentSample(row, drawn.items.length);
}

export async function listSamples(deps: Pick<ServiceDeps, 'db'>) {
  return (await listSampleRows(deps.db)).map((s) => presentSample(s, s.size));
}

async function sampleOrThrow(deps: Pick<ServiceDeps, 'db'>, id: number) {
  const s = await getSample(deps.db, id);
  if (!s) throw notFound(`sample ${id}`);
  return s;
}

/** A sample's items in order, for the coding page: text, the model's label, and what `coder` already said. */
export async function sampleForCoding(deps: Pick<ServiceDeps, 'db'>, p: { id: number; coder?: string | undefined }) {
  const s = await sampleOrThrow(deps, p.id);
  const [rows, notes] = await Promise.all([sampleItemRows(deps.db, p.id), annotationsOf(deps.db, { sampleId: p.id })]);
  const mine = new Map(notes.filter((a) => a.coder === p.coder).map((a) => [a.itemId, a]));
  return {
    sample: presentSample(s, rows.length),
    items: rows.map((r) => {
      const a = mine.get(r.itemId);
      return {
        id: r.itemId,
        position: r.position,
        title: r.title,
        text: (r.content && r.content.length > r.summary.length ? r.content : r.summary).slice(0, 4000),
        url: r.url,
        publishedAt: r.publishedAt.toISOString(),
        source: r.sourceName,
        sourceKind: r.sourceKind,
        model: { version: r.model, stance: r.stance, relevant: r.relevant, concerns: r.concerns },
        coded: a ? { stance: a.stance, relevant: a.relevant, concerns: a.concerns } : null,
      };
    }),
  };
}

export interface AnnotationInput {
  itemId: number;
  coder: string;
  stance: Stance;
  relevant: boolean;
  concerns: Concern[];
  sampleId?: number | undefined;
  durationMs?: number | undefined;
}

async function refreshCorrection(deps: DbClockDeps, itemId: number): Promise<void> {
  const all = await annotationsOf(deps.db, { itemIds: [itemId] });
  await setCorrection(deps.db, itemId, consensusOf(all), deps.clock.now());
}

export function presentAnnotation(a: AnnotationRow) {
  return {
    id: a.id,
    itemId: a.itemId,
    coder: a.coder,
    stance: a.stance,
    relevant: a.relevant,
    concerns: a.concerns,
    sampleId: a.sampleId,
    durationMs: a.durationMs,
    codedAt: a.codedAt.toISOString(),
  };
}

/**
 * Stores a coder's label for an item (coding it again replaces it) and updates the item's
 * consensus, which then overrides the model in trends and exports. Both in one transaction.
 */
export async function annotate(deps: Pick<ServiceDeps, 'db' | 'clock' | 'invalidate'>, input: AnnotationInput) {
  const coder = input.coder.trim();
  if (!coder) throw invalid('coder', 'must not be empty');
  if (!(await itemExists(deps.db, input.itemId))) throw notFound(`item ${input.itemId}`);
  if (input.sampleId !== undefined && !(await getSample(deps.db, input.sampleId))) throw notFound(`sample ${input.sampleId}`);
  const row = await deps.db.transaction(async (tx) => {
    const t = { db: tx as unknown as typeof deps.db, clock: deps.clock };
    const saved = await upsertAnnotation(t.db, { ...input, coder, concerns: [...new Set(input.concerns)], codedAt: deps.clock.now() });
    await refreshCorrection(t, input.itemId);
    return saved;
  });
  deps.invalidate?.('/api/v1/trends');
  deps.invalidate?.('/api/v1/announcements');
  return presentAnnotation(row);
}

/** Every annotation (or one sample's) as CSV, one row per coder and item. */
export async function exportAnnotations(deps: Pick<ServiceDeps, 'db'>, p: { sampleId?: number | undefined } = {}): Promise<string> {
  if (p.sampleId !== undefined) await sampleOrThrow(deps, p.sampleId);
  const rows = await annotationsOf(deps.db, { sampleId: p.sampleId });
  let out = ANNOTATION_COLUMNS.join(',') + '\n';
  for (const a of rows) out += annotationLine({ ...a, codedAt: a.codedAt.toISOString() });
  return out;
}

/** Reads annotations from CSV and stores them all, or none when a row is bad (each bad row named). */
export async function importAnnotations(
  deps: Pick<ServiceDeps, 'db' | 'clock' | 'invalidate'>,
  csv: string,
): Promise<{ imported: number; items: number }> {
  const { rows, errors } = readAnnotationCsv(csv);
  if (errors.length) throw invalid('file', errors.slice(0, 10).join('; ') + (errors.length > 10 ? `; and ${errors.length - 10} more` : ''));
  const ids = [...new Set(rows.map((r) => r.itemId))];
  await deps.db.transaction(async (tx) => {
    const t = { db: tx as unknown as typeof deps.db, clock: deps.clock };
    for (const id of ids) if (!(await itemExists(t.db, id))) throw invalid('file', `item ${id} does not exist`);
    for (const r of rows) {
      await upsertAnnotation(t.db, {
        ...r,
        sampleId: r.sampleId,
        codedAt: r.codedAt && !Number.isNaN(Date.parse(r.codedAt)) ? new Date(r.codedAt) : deps.clock.now(),
      });
    }
    for (const id of ids) await refreshCorrection(t, id);
  });
  deps.invalidate?.('/api/v1/trends');
  return { imported: rows.length, items: ids.length };
}

/** The four classes error adjustment works in: off-topic, or the stance of a relevant item. */
export const ADJUST_CLASSES = ['off_topic', ...STANCES] as const;
export type AdjustClass = (typeof ADJUST_CLASSES)[number];
const classOf = (relevant: boolean | null, stance: Stance | null): AdjustClass => (relevant ? (stance ?? 'neutral') : 'off_topic');

/** A coded item of a sample: its consensus, the model's label, weight and stratum. */
export interface CodedItem {
  itemId: number;
  weight: number;
  stratum: string;
  truth: { relevant: boolean; stance: Stance; concerns: Concern[] };
  pred: { relevant: boolean; stance: Stance; concerns: Concern[] };
  truthClass: AdjustClass;
  predClass: AdjustClass;
}

/** A sample's coded items with a consensus, each beside the model's label (the current one, or `model`'s). */
export async function codedItems(deps: Pick<ServiceDeps, 'db' | 'model'>, p: { sampleId: number; model?: string | undefined }) {
  const sample = await sampleOrThrow(deps, p.sampleId);
  const [rows, notes] = await Promise.all([sampleItemRows(deps.db, p.sampleId), annotationsOf(deps.db, { sampleId: p.sampleId })]);
  const version = p.model && p.model !== deps.model.version ? p.model : undefined;
  const older = version
    ? new Map(
        (
          await versionLabelsOf(
            deps.db,
            version,
            rows.map((r) => r.itemId),
          )
        ).map((l) => [l.itemId, l]),
      )
    : undefined;
  const byItem = new Map<number, CoderLabel[]>();
  for (const a of notes) {
    let list = byItem.get(a.itemId);
    if (!list) byItem.set(a.itemId, (list = []));
    list.push({ coder: a.coder, stance: a.stance, relevant: a.relevant, concerns: a.concerns });
  }
  const coded: CodedItem[] = [];
  for (const r of rows) {
    const c = consensusOf(byItem.get(r.itemId) ?? []);
    const label = older
      ? older.get(r.itemId)
      : r.stance
        ? { stance: r.stance, relevant: r.relevant ?? false, concerns: r.concerns }
        : undefined;
    if (!c || !label) continue;
    const pred = { relevant: label.relevant, stance: label.relevant ? label.stance : ('neutral' as Stance), concerns: label.concerns };
    coded.push({
      itemId: r.itemId,
      weight: r.weight,
      stratum: r.stratum,
      truth: c,
      pred,
      truthClass: classOf(c.relevant, c.stance),
      predClass: classOf(pred.relevant, pred.stance),
    });
  }
  return { sample: presentSample(sample, rows.length), rows, byItem, coded, model: version ?? deps.model.version };
}

/**
 * Measured accuracy on a validation sample: who coded what; agreement between coders
 * (Krippendorff's alpha over all coders, Cohen's kappa per pair of coders, with bootstrap
 * intervals over items); the model against the coders' consensus (accuracy, per-class
 * precision, recall and F1 with 95% intervals, confusion table; relevance precision and
 * recall; concern F1), weighted by the sample's weights when it was stratified.
 */
export async function getValidation(deps: Pick<ServiceDeps, 'db' | 'model'>, p: { sampleId: number; model?: string | undefined }) {
  const { sample, rows, byItem, coded, model } = await codedItems(deps, p);
  const coders = new Map<string, number>();
  for (const list of byItem.values()) for (const l of list) coders.set(l.coder, (coders.get(l.coder) ?? 0) + 1);
  const units = [...byItem.values()];
  const multi = units.filter((u) => u.length >= 2);
  const alpha = (key: 'stance' | 'relevant') =>
    withBootstrap(multi, (us) => krippendorffAlpha(us.map((u) => u.map((l) => String(l[key])))), 7);
  const names = [...coders.keys()].sort();
  const pairs: { a: string; b: string; items: number; kappa: ReturnType<typeof withBootstrap> }[] = [];
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const both = units
        .map((u) => [u.find((l) => l.coder === names[i]), u.find((l) => l.coder === names[j])] as const)
        .filter(([x, y]) => x && y);
      if (both.length < 2) continue;
      pairs.push({
        a: names[i]!,
        b: names[j]!,
        items: both.length,
        kappa: withBootstrap(both, (bs) => cohenKappa(bs.map(([x, y]) => [x!.stance, y!.stance] as [Stance, Stance])), 11),
      });
    }
  }
  const weighted = sample.stratify !== null;
  const w = (c: CodedItem) => (weighted ? c.weight : 1);
  const stanceJudged: Judged<Stance>[] = coded
    .filter((c) => c.truth.relevant)
    .map((c) => ({ truth: c.truth.stance, pred: c.pred.stance, weight: w(c) }));
  const fourJudged: Judged<AdjustClass>[] = coded.map((c) => ({ truth: c.truthClass, pred: c.predClass, weight: w(c) }));
  const relevance = binaryReport(
    coded.map((c) => ({ truth: c.truth.relevant, pred: c.pred.relevant, weight: w(c) })),
    3,
  );
  const concernItems = coded.filter((c) => c.truth.relevant);
  const concernDecisions = concernItems.flatMap((c) =>
    CONCERNS.map((k) => ({ truth: c.truth.concerns.includes(k), pred: c.pred.concerns.includes(k), weight: w(c) })),
  );
  const perConcern = Object.fromEntries(
    CONCERNS.map((k) => [
      k,
      binaryReport(
        concernItems.map((c) => ({ truth: c.truth.concerns.includes(k), pred: c.pred.concerns.includes(k), weight: w(c) })),
        5,
      ),
    ]),
  ) as Record<Concern, ReturnType<typeof binaryReport>>;
  return {
    sample,
    model,
    weighted,
    coders: names.map((c) => ({ coder: c, items: coders.get(c)! })),
    items: { inSample: rows.length, coded: byItem.size, withConsensus: coded.length, byTwoOrMore: multi.length },
    agreement: { stanceAlpha: alpha('stance'), relevanceAlpha: alpha('relevant'), kappa: pairs },
    stance: accuracyReport(stanceJudged, STANCES, 13),
    overall: accuracyReport(fourJudged, ADJUST_CLASSES, 17),
    relevance,
    concerns: { micro: binaryReport(concernDecisions, 19), perConcern },
    note:
      'Truth is the coders\' consensus (strict majority; ties left out). Stance figures are over items the coders judged relevant; "overall" also counts the relevance gate, with off_topic as a class. ' +
      (weighted
        ? 'The sample was stratified: every figure is weighted by population / sampled per stratum.'
        : 'Simple random sample: unweighted.') +
      ` Proportions carry Wilson intervals${weighted ? ' on the effective sample size' : ''}; F1, kappa and alpha percentile-bootstrap intervals (1,000 resamples of items).`,
  };
}

/** One coded item as a training example: its text and the coders' consensus. */
export interface CodedExample {
  itemId: number;
  text: string;
  stance: Stance;
  relevant: boolean;
  concerns: Concern[];
  source_kind: SourceKind;
}

/**
 * Every item with a coders' consensus, as training examples, split into the part training may
 * read and a held-out part to score on: an item is held out when its id falls in the
 * `holdout` share of a seeded shuffle, so the split is the same on every run.
 */
export async function codedExamples(deps: Pick<ServiceDeps, 'db'>, p: { holdout: number; seed?: number }) {
  const rows = await correctedItems(deps.db);
  const examples: CodedExample[] = rows.map((r) => ({
    itemId: r.itemId,
    text: itemText(r),
    stance: r.relevant ? r.stance : 'neutral',
    relevant: r.relevant,
    concerns: r.relevant ? r.concerns : [],
    source_kind: r.sourceKind,
  }));
  const order = drawSample(
    examples.map((e) => ({ id: e.itemId, stratum: 'all' })),
    examples.length,
    p.seed ?? 1,
  ).items.map((i) => i.id);
  const held = new Set(order.slice(0, Math.round(order.length * p.holdout)));
  return { train: examples.filter((e) => !held.has(e.itemId)), heldOut: examples.filter((e) => held.has(e.itemId)) };
}

/** A model's stance accuracy and macro-F1, and relevance agreement, on coded examples. */
export function scoreOnCoded(
  classify: (text: string, kind: SourceKind) => { stance: Stance; relevant: boolean },
  examples: CodedExample[],
) {
  const judged = examples.map((e) => {
    const r = classify(e.text, e.source_kind);
    return { truth: e.stance, pred: r.relevant ? r.stance : ('neutral' as Stance), weight: 1, relevantOk: r.relevant === e.relevant };
  });
  const report = accuracyReport(judged, STANCES, 23);
  return {
    n: examples.length,
    accuracy: report.accuracy,
    macroF1: report.macroF1,
    relevanceAgreement: judged.length ? judged.filter((j) => j.relevantOk).length / judged.length : null,
  };
}
