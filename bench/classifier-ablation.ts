/**
 * The measurements behind docs/decisions/0003-relevance-spanish-quotes.md: each alternative
 * trained on the train split and scored on the dev split (all of it, the original kind, the new
 * writers, Spanish, the stream slice), and with --lowo across writers (trained without writer W,
 * scored on all of W's items; mean over writers).
 *
 *   node --import tsx bench/classifier-ablation.ts [--lowo] [name ...]
 */
import { readCorpus, readSplit } from '../src/classify/corpus.ts';
import { evaluate, leaveOneWriterOut, type SliceReport } from '../src/classify/evaluate.ts';
import { ALL_FEATURES, SHIPPED_FEATURES, type FeatureOptions } from '../src/classify/features.ts';
import { StanceModel } from '../src/classify/model.ts';
import { HYPER, trainModel, type Hyper } from '../src/classify/train.ts';
import { report } from './lib.ts';

const args = process.argv.slice(2);
const lowo = args.includes('--lowo');
const only = args.filter((a) => !a.startsWith('--'));
const corpus = readCorpus();
const train = readSplit('train', corpus);
const dev = readSplit('dev', corpus);

const variants: { name: string; hyper?: Partial<Hyper>; features?: FeatureOptions }[] = [
  { name: 'shipped' },
  { name: 'separate Spanish model', hyper: { layout: 'separate' } },
  { name: 'relevance model sees source kind', hyper: { relevanceSeesKind: true } },
  { name: "writers' examples weigh 3 for relevance", hyper: { writerRelevanceWeight: 3 } },
  {
    name: "writers' examples weigh 3 for relevance, worry weighs 1.5",
    hyper: { writerRelevanceWeight: 3, stanceClassWeights: { worry: 1.5 } },
  },
  {
    name: "writers' examples weigh 3 for relevance, worry weighs 1.5, separate Spanish model",
    hyper: { layout: 'separate', writerRelevanceWeight: 3, stanceClassWeights: { worry: 1.5 } },
  },
  {
    name: "writers' examples weigh 3 for relevance, L2 /4",
    hyper: { writerRelevanceWeight: 3, stance: { ...HYPER.stance, l2: 0.000125 }, relevance: { ...HYPER.relevance, l2: 0.00025 } },
  },
  { name: 'separate Spanish model, relevance sees source kind', hyper: { layout: 'separate', relevanceSeesKind: true } },
  { name: 'separate Spanish model, threshold for a 20% stream', hyper: { layout: 'separate', streamPrior: 0.2 } },
  { name: 'stance trained on all items', hyper: { stanceOnRelevantOnly: false } },
  { name: 'gate: AI named only', hyper: { gate: 'named' } },
  { name: 'no topic gate', hyper: { gate: 'none' } },
  { name: 'threshold for a 50% stream', hyper: { streamPrior: 0.5 } },
  { name: 'threshold for a 20% stream', hyper: { streamPrior: 0.2 } },
  { name: 'L2 x4', hyper: { stance: { ...HYPER.stance, l2: 0.002 }, relevance: { ...HYPER.relevance, l2: 0.004 } } },
  {
    name: 'L2 /4, separate Spanish model',
    hyper: { layout: 'separate', stance: { ...HYPER.stance, l2: 0.000125 }, relevance: { ...HYPER.relevance, l2: 0.00025 } },
  },
  { name: 'L2 /4', hyper: { stance: { ...HYPER.stance, l2: 0.000125 }, relevance: { ...HYPER.relevance, l2: 0.00025 } } },
  { name: 'with negation-scoped words', features: ALL_FEATURES },
  { name: 'without cue lexicons', features: { ...SHIPPED_FEATURES, cues: false } },
];

const pick = (s: SliceReport | undefined) =>
  s && {
    n: s.n,
    stanceF1: s.stanceMacroF1,
    worryR: s.worryRecall,
    hardF1: s.hardMacroF1,
    concernF1: s.concernF1,
    relP: s.relevancePrecision,
    relR: s.relevanceRecall,
    relMF1: s.relevanceMacroF1,
  };
const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)) * 1000) / 1000;

const rows: Record<string, unknown>[] = [];
for (const v of variants) {
  if (only.length && !only.some((o) => v.name.includes(o))) continue;
  const hyper = { ...HYPER, ...v.hyper };
  const started = performance.now();
  const model = new StanceModel(trainModel(train, hyper, v.features ?? SHIPPED_FEATURES));
  const r = evaluate(model, [], dev);
  const find = (prefix: string) => r.slices.find((s) => s.name.startsWith(prefix));
  const row: Record<string, unknown> = {
    name: v.name,
    thresholds: model.artifact.models.map((m) => m.thresholds.relevance),
    dev: pick(find('all dev')),
    original: pick(find('original')),
    writers: pick(find('writers')),
    spanish: pick(find('lang es')),
    stream: pick(find('stream')),
    trainSeconds: Math.round((performance.now() - started) / 1000),
  };
  if (lowo) {
    const w = leaveOneWriterOut(corpus, (a) => new StanceModel(a), hyper);
    row.lowo = {
      meanStanceF1: mean(w.map((s) => s.stanceMacroF1)),
      meanWorryR: mean(w.map((s) => s.worryRecall)),
      meanRelMF1: mean(w.map((s) => s.relevanceMacroF1)),
      perWriter: Object.fromEntries(w.map((s) => [s.name, pick(s)])),
    };
  }
  rows.push(row);
  console.error(JSON.stringify(row));
}
report(lowo ? 'classifier-ablation-lowo' : 'classifier-ablation', { train: train.length, dev: dev.length, rows });
