import { CONCERNS, STANCES, type Stance } from '../labels.ts';
import type { Baseline } from './baselines.ts';
import { streamSlice, type CorpusExample, type Example } from './corpus.ts';
import { binaryReport, multiClassReport } from './metrics.ts';
import type { Classification, StanceModel } from './model.ts';
import { trainModel, type Hyper } from './train.ts';

/** The figures of one slice of labeled examples. */
export interface SliceReport {
  name: string;
  n: number;
  stanceMacroF1: number;
  worryRecall: number;
  worryPrecision: number;
  /** macro-F1 on the slice's hard cases (null when it has none) */
  hardMacroF1: number | null;
  hardN: number;
  /** concern F1 on worry items, micro-averaged over (item, concern) pairs */
  concernF1: number | null;
  relevancePrecision: number;
  relevanceRecall: number;
  /** mean of the F1 of the relevant and the off-topic class */
  relevanceMacroF1: number;
  relevantN: number;
  /** relevant items the topic gate rejected (AI terms missing from topic.json) */
  gateMisses: number;
  baselines: Record<string, number>;
}

export interface CalibrationRow {
  from: number;
  to: number;
  n: number;
  meanPredicted: number | null;
  observed: number | null;
}

export interface QuoteReport {
  gold: number;
  found: number;
  speakerRight: number;
  kindRight: number;
  stanceRight: number;
}

export interface EvalReport {
  model: string;
  examples: number;
  slices: SliceReport[];
  calibration: CalibrationRow[];
  quotes: QuoteReport;
  unsupported: { n: number; byLang: Record<string, number> };
  leaveOneWriterOut?: (SliceReport & { trainedOn: number })[];
}

const r3 = (v: number) => Math.round(v * 1000) / 1000;

/** Scores predictions against gold on one slice. */
export function sliceReport(
  name: string,
  examples: Example[],
  predicted: Classification[],
  baselines: { name: string; stance: Stance[] }[] = [],
): SliceReport {
  const gold = examples.map((e) => e.stance);
  const stance = multiClassReport(
    STANCES,
    gold,
    predicted.map((p) => p.stance),
  );
  const hardIdx = examples.map((e, i) => (e.hard ? i : -1)).filter((i) => i >= 0);
  const hard = hardIdx.length
    ? multiClassReport(
        STANCES,
        hardIdx.map((i) => gold[i]!),
        hardIdx.map((i) => predicted[i]!.stance),
      )
    : undefined;
  const relevance = binaryReport(
    examples.map((e) => e.relevant),
    predicted.map((p) => p.relevant),
  );
  const offTopic = binaryReport(
    examples.map((e) => !e.relevant),
    predicted.map((p) => !p.relevant),
  );
  const concerns = concernReport(
    examples,
    predicted.map((p) => p.concerns),
  );
  const baselineF1: Record<string, number> = {};
  for (const b of baselines) baselineF1[b.name] = multiClassReport(STANCES, gold, b.stance).macroF1;
  return {
    name,
    n: examples.length,
    stanceMacroF1: stance.macroF1,
    worryRecall: stance.perClass.worry.recall,
    worryPrecision: stance.perClass.worry.precision,
    hardMacroF1: hard ? hard.macroF1 : null,
    hardN: hardIdx.length,
    concernF1: concerns.support ? concerns.f1 : null,
    relevancePrecision: relevance.precision,
    relevanceRecall: relevance.recall,
    relevanceMacroF1: r3((relevance.f1 + offTopic.f1) / 2),
    relevantN: relevance.support,
    gateMisses: examples.filter((e, i) => e.relevant && predicted[i]!.relevance === 0 && predicted[i]!.supported).length,
    baselines: baselineF1,
  };
}

function concernReport(examples: Example[], predicted: string[][]) {
  const gold: boolean[] = [];
  const pred: boolean[] = [];
  examples.forEach((e, i) => {
    if (e.stance !== 'worry') return;
    for (const c of CONCERNS) {
      const g = e.concerns.includes(c);
      const p = predicted[i]!.includes(c);
      if (g || p) {
        gold.push(g);
        pred.push(p);
      }
    }
  });
  return binaryReport(gold, pred);
}

/** Reliability of the relevance probability on items that passed the topic gate, in ten bins. */
export function calibrationTable(examples: Example[], predicted: Classification[]): CalibrationRow[] {
  const rows: CalibrationRow[] = [];
  for (let b = 0; b < 10; b++) {
    const from = b / 10;
    const to = (b + 1) / 10;
    const inBin = predicted
      .map((p, i) => [p, examples[i]!] as const)
      .filter(([p]) => p.relevance > 0 && p.relevance >= from && (b === 9 ? p.relevance <= to : p.relevance < to));
    rows.push({
      from,
      to,
      n: inBin.length,
      meanPredicted: inBin.length ? r3(inBin.reduce((s, [p]) => s + p.relevance, 0) / inBin.length) : null,
      observed: inBin.length ? r3(inBin.filter(([, e]) => e.relevant).length / inBin.length) : null,
    });
  }
  return rows;
}

const normalise = (t: string) =>
  t
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/** How well quotes are found and attributed, against the corpus's gold quotes. */
export function quoteReport(examples: Example[], predicted: Classification[]): QuoteReport {
  const r: QuoteReport = { gold: 0, found: 0, speakerRight: 0, kindRight: 0, stanceRight: 0 };
  examples.forEach((e, i) => {
    for (const g of e.quotes ?? []) {
      r.gold++;
      const gt = normalise(g.text);
      const q = predicted[i]!.quotes.find((p) => {
        const pt = normalise(p.text);
        return pt && (pt.includes(gt) || gt.includes(pt));
      });
      if (!q) continue;
      r.found++;
      const gs = normalise(g.speaker ?? '');
      const ps = normalise(q.speaker ?? '');
      if (gs && ps && (gs.includes(ps) || ps.includes(gs))) r.speakerRight++;
      if (g.speakerKind && q.speakerKind === g.speakerKind) r.kindRight++;
      if (g.stance && q.stance === g.stance) r.stanceRight++;
    }
  });
  return r;
}

const registerOf = (e: CorpusExample) => (e.writer.startsWith('orig-') ? 'original' : (e.register ?? 'unknown'));

/** Every slice `pulse eval` reports, for one model on the dev split. */
export function evaluate(model: StanceModel, baselines: Baseline[], dev: CorpusExample[], opts: { title?: string } = {}): EvalReport {
  const predicted = dev.map((e) => model.classify(e.text, e.source_kind ?? null));
  const base = baselines.map((b) => ({ name: b.name, stance: dev.map((e) => b.stance(e.text)) }));
  const slice = (name: string, keep: (e: CorpusExample, i: number) => boolean) => {
    const idx = dev.map((e, i) => (keep(e, i) ? i : -1)).filter((i) => i >= 0);
    return sliceReport(
      name,
      idx.map((i) => dev[i]!),
      idx.map((i) => predicted[i]!),
      base.map((b) => ({ name: b.name, stance: idx.map((i) => b.stance[i]!) })),
    );
  };
  const slices: SliceReport[] = [slice(opts.title ?? 'all dev', () => true)];
  slices.push(slice('original kind (dev-a..d)', (e) => e.writer.startsWith('orig-')));
  slices.push(slice('writers (all new)', (e) => !e.writer.startsWith('orig-')));
  for (const reg of [...new Set(dev.map(registerOf))].sort())
    if (reg !== 'original') slices.push(slice(`register ${reg}`, (e) => registerOf(e) === reg));
  for (const lang of [...new Set(dev.map((e) => e.lang ?? 'en'))].sort())
    slices.push(slice(`lang ${lang}`, (e) => (e.lang ?? 'en') === lang));
  const stream = new Set(streamSlice(dev.filter((e) => !e.writer.startsWith('orig-'))));
  slices.push(slice(`stream (${[...stream].filter((e) => e.relevant).length}/${stream.size} relevant)`, (e) => stream.has(e)));
  const unsupported: Record<string, number> = {};
  predicted.forEach((p) => {
    if (!p.supported) unsupported[p.lang] = (unsupported[p.lang] ?? 0) + 1;
  });
  return {
    model: model.version,
    examples: dev.length,
    slices,
    calibration: calibrationTable(dev, predicted),
    quotes: quoteReport(dev, predicted),
    unsupported: { n: Object.values(unsupported).reduce((a, b) => a + b, 0), byLang: unsupported },
  };
}

/**
 * Leave one writer out: for every writer of the new corpus, a model trained on everyone else
 * (both splits) is scored on all of that writer's items: text by a writer it has never read.
 */
export function leaveOneWriterOut(
  corpus: CorpusExample[],
  load: (a: ReturnType<typeof trainModel>) => StanceModel,
  hyper?: Hyper,
  onWriter?: (w: string) => void,
): (SliceReport & { trainedOn: number })[] {
  const writers = [...new Set(corpus.filter((e) => !e.writer.startsWith('orig-')).map((e) => e.writer))].sort();
  return writers.map((w) => {
    onWriter?.(w);
    const train = corpus.filter((e) => e.writer !== w);
    const test = corpus.filter((e) => e.writer === w);
    const model = load(trainModel(train, hyper));
    const predicted = test.map((e) => model.classify(e.text, e.source_kind ?? null));
    return { ...sliceReport(w, test, predicted), trainedOn: train.length };
  });
}

const f = (v: number | null) => (v === null ? '   –' : v.toFixed(3));

/** The report as aligned text for a terminal. */
export function formatReport(r: EvalReport): string[] {
  const lines = [`${r.examples} dev examples; model ${r.model}`, ''];
  const names = r.slices[0] ? Object.keys(r.slices[0].baselines) : [];
  const head = ['n', 'stanceF1', 'worryR', 'hardF1', 'concF1', 'relP', 'relR', 'relMF1', 'gateMiss', ...names.map((n) => `${n}F1`)];
  const row = (label: string, cells: string[]) => label.padEnd(36) + cells.map((c) => c.padStart(9)).join('');
  const sliceRow = (s: SliceReport) =>
    row(s.name, [
      String(s.n),
      f(s.stanceMacroF1),
      f(s.worryRecall),
      s.hardN ? `${f(s.hardMacroF1)}` : '   –',
      f(s.concernF1),
      f(s.relevancePrecision),
      f(s.relevanceRecall),
      f(s.relevanceMacroF1),
      String(s.gateMisses),
      ...names.map((n) => f(s.baselines[n] ?? null)),
    ]);
  lines.push(row('slice', head));
  for (const s of r.slices) lines.push(sliceRow(s));
  lines.push('', 'relevance calibration (items past the topic gate)', row('  predicted', ['n', 'mean', 'observed']));
  for (const c of r.calibration)
    lines.push(row(`  ${c.from.toFixed(1)}-${c.to.toFixed(1)}`, [String(c.n), f(c.meanPredicted), f(c.observed)]));
  const q = r.quotes;
  lines.push(
    '',
    `quotes: ${q.gold} gold, ${q.found} found, speaker right ${q.speakerRight}, speaker kind right ${q.kindRight}, quote stance right ${q.stanceRight}`,
  );
  lines.push(`unsupported languages: ${r.unsupported.n} items ${JSON.stringify(r.unsupported.byLang)}`);
  if (r.leaveOneWriterOut) {
    lines.push('', 'leave one writer out (trained without the writer, scored on all of its items)', row('writer', head.slice(0, 9)));
    for (const s of r.leaveOneWriterOut) lines.push(sliceRow({ ...s, baselines: {} }));
  }
  return lines;
}
