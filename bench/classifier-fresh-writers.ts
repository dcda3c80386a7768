/**
 * How each classifier alternative does on writers it has never read: every variant is trained on
 * the corpus without the held-out writers (both splits) and scored on all of their items, per
 * writer and pooled, with the slices `pulse eval` reports. This is the measure closest to the
 * hidden judging sets (other people's text); the dev split shares its writers with training.
 *
 *   node --import tsx bench/classifier-fresh-writers.ts --hold es-voces,en-voices,stream-week [--name N] [variant ...]
 *
 * Writes bench/results/classifier-fresh-writers[-N].json.
 */
import { readCorpus, type CorpusExample } from '../src/classify/corpus.ts';
import { evaluate, type SliceReport } from '../src/classify/evaluate.ts';
import { StanceModel } from '../src/classify/model.ts';
import { HYPER, trainModel, type Hyper } from '../src/classify/train.ts';
import { SHIPPED_FEATURES, type FeatureOptions } from '../src/classify/features.ts';
import { report } from './lib.ts';

const args = process.argv.slice(2);
const holdArg = args.indexOf('--hold');
if (holdArg < 0 || !args[holdArg + 1]) throw new Error('name the held-out writers: --hold w1,w2');
const held = args[holdArg + 1]!.split(',');
const nameArg = args.indexOf('--name');
const runName = nameArg >= 0 ? args[nameArg + 1] : undefined;
const only = args.filter((a, i) => !a.startsWith('--') && i !== holdArg + 1 && (nameArg < 0 || i !== nameArg + 1));
const corpus = readCorpus();
const known = new Set(corpus.map((e) => e.writer));
for (const w of held) if (!known.has(w)) throw new Error(`no such writer: ${w}`);
const train = corpus.filter((e) => !held.includes(e.writer));
const test = corpus.filter((e) => held.includes(e.writer));

const variants: { name: string; hyper?: Partial<Hyper>; features?: FeatureOptions }[] = [
  { name: 'shipped' },
  { name: 'with AI context features (relevance only)', features: { ...SHIPPED_FEATURES, aiContext: true } },
  { name: "threshold from every writer's off-topic items", hyper: { thresholdNegatives: 'all' } },
  {
    name: 'the recipe of record 0010 (no naive Bayes, no AI context)',
    hyper: { stanceNaiveBayes: 0 },
    features: { ...SHIPPED_FEATURES, aiContext: false },
  },
  { name: 'AI context for stance too', hyper: { stanceSeesAiContext: true }, features: { ...SHIPPED_FEATURES, aiContext: true } },
  { name: 'naive Bayes 0.05', hyper: { stanceNaiveBayes: 0.05 } },
  { name: 'naive Bayes 0.15', hyper: { stanceNaiveBayes: 0.15 } },
  { name: 'naive Bayes 0.3', hyper: { stanceNaiveBayes: 0.3 } },
  {
    name: 'L2 halved',
    hyper: { stance: { ...HYPER.stance, l2: 0.00025 }, relevance: { ...HYPER.relevance, l2: 0.0005 } },
  },
  { name: 'features in 3 examples', hyper: { minDocFreq: 3 } },
  { name: 'relevance L2 halved', hyper: { relevance: { ...HYPER.relevance, l2: 0.0005 } } },
  { name: 'concern L2 halved', hyper: { concern: { ...HYPER.concern, l2: 0.0005 } } },
  { name: 'per-language relevance calibration and threshold', hyper: { perLangCalibration: true } },
  { name: 'separate Spanish model', hyper: { layout: 'separate' } },
  { name: 'threshold for a 5% stream', hyper: { streamPrior: 0.05 } },
  { name: 'threshold for a 12% stream', hyper: { streamPrior: 0.12 } },
  { name: 'worry weighs 1.5', hyper: { stanceClassWeights: { worry: 1.5 } } },
  { name: "writers' examples weigh 5 for relevance", hyper: { writerRelevanceWeight: 5 } },
  { name: 'L2 x2', hyper: { stance: { ...HYPER.stance, l2: 0.001 }, relevance: { ...HYPER.relevance, l2: 0.002 } } },
  {
    name: 'per-language calibration, worry weighs 1.5',
    hyper: { perLangCalibration: true, stanceClassWeights: { worry: 1.5 } },
  },
  {
    name: "per-language calibration, writers' examples weigh 5 for relevance",
    hyper: { perLangCalibration: true, writerRelevanceWeight: 5 },
  },
];

const pick = (slices: SliceReport[], name: string) => slices.find((s) => s.name === name);
const results: Record<string, unknown>[] = [];
for (const v of variants) {
  if (only.length && !only.includes(v.name)) continue;
  const started = performance.now();
  const model = new StanceModel(trainModel(train, { ...HYPER, ...v.hyper }, v.features ?? SHIPPED_FEATURES));
  const r = evaluate(model, [], test as CorpusExample[], { title: 'held-out writers' });
  const row = (s: SliceReport | undefined) =>
    s && {
      n: s.n,
      stanceF1: s.stanceMacroF1,
      worryRecall: s.worryRecall,
      hardF1: s.hardMacroF1,
      concernF1: s.concernF1,
      relP: s.relevancePrecision,
      relR: s.relevanceRecall,
      relMF1: s.relevanceMacroF1,
    };
  const out = {
    variant: v.name,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    pooled: row(r.slices[0]),
    spanish: row(pick(r.slices, 'lang es')),
    stream: row(r.slices.find((s) => s.name.startsWith('stream'))),
    perWriter: Object.fromEntries(
      held.map((w) => [w, row(evaluate(model, [], test.filter((e) => e.writer === w) as CorpusExample[], { title: w }).slices[0])]),
    ),
    perRegister: Object.fromEntries(r.slices.filter((s) => s.name.startsWith('register ')).map((s) => [s.name.slice(9), row(s)])),
  };
  process.stderr.write(`${JSON.stringify(out)}\n`);
  results.push(out);
}
report(runName ? `classifier-fresh-writers-${runName}` : 'classifier-fresh-writers', {
  held,
  trainedOn: train.length,
  scoredOn: test.length,
  results,
});
