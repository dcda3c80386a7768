/**
 * The measurements behind docs/decisions/0001-stance-classifier.md: each alternative trained on
 * the train split and scored on the dev split.
 *
 *   node --import tsx bench/classifier-ablation.ts
 */
import { createRequire } from 'node:module';
import { readExamples, readSplit, splitFiles } from '../src/classify/corpus.ts';
import { ALL_FEATURES, SHIPPED_FEATURES, type FeatureOptions } from '../src/classify/features.ts';
import { binaryReport, multiClassReport } from '../src/classify/metrics.ts';
import { StanceModel } from '../src/classify/model.ts';
import { HYPER, trainModel } from '../src/classify/train.ts';
import { afinnBaseline, vaderBaseline } from '../src/classify/baselines.ts';
import { STANCES, type Stance } from '../src/labels.ts';
import { report } from './lib.ts';

const require = createRequire(import.meta.url);
const dev = readSplit('dev');
const train = readSplit('train');
const gold = dev.map((e) => e.stance);
// dev-c is the slice written as deliberate hard cases (negation, sarcasm, polite worry, ...)
const hard = readExamples(splitFiles('dev').find((f) => f.endsWith('dev-c.jsonl'))!);
const hardTexts = new Set(hard.map((e) => e.text));
const isHard = dev.map((e) => hardTexts.has(e.text));
const rows: Record<string, unknown>[] = [];

function score(name: string, predicted: Stance[], relevant?: boolean[], extra: Record<string, unknown> = {}) {
  const r = multiClassReport(STANCES, gold, predicted);
  const row = {
    name,
    macroF1: r.macroF1,
    accuracy: r.accuracy,
    worryRecall: r.perClass.worry.recall,
    hardMacroF1: multiClassReport(
      STANCES,
      gold.filter((_, i) => isHard[i]),
      predicted.filter((_, i) => isHard[i]),
    ).macroF1,
    relevanceF1: relevant
      ? binaryReport(
          dev.map((e) => e.relevant),
          relevant,
        ).f1
      : null,
    ...extra,
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}

function variant(name: string, options: FeatureOptions, hyper = HYPER) {
  const started = performance.now();
  const model = new StanceModel(trainModel(splitFiles('train'), hyper, options));
  const trainMs = Math.round(performance.now() - started);
  const p = dev.map((e) => model.classify(e.text, e.source_kind));
  score(
    name,
    p.map((x) => x.stance),
    p.map((x) => x.relevant),
    { trainMs, features: model.artifact.features.length },
  );
}

variant('logistic regression, shipped features (no negation scope)', SHIPPED_FEATURES);
variant('  with negation-scoped words added', ALL_FEATURES);
variant('  without bigrams', { ...SHIPPED_FEATURES, bigrams: false });
variant('  without cue lexicons', { ...SHIPPED_FEATURES, cues: false });
variant('  without entity tags', { ...SHIPPED_FEATURES, entities: false });
variant('  without source kind', { ...SHIPPED_FEATURES, sourceKind: false });
variant('  words only (no bigrams, negation, cues, entities, kind)', {
  bigrams: false,
  negation: false,
  cues: false,
  entities: false,
  sourceKind: false,
});
for (const l2 of [0.0001, 0.002, 0.01])
  variant(`  L2 = ${l2} (shipped ${HYPER.stance.l2})`, SHIPPED_FEATURES, { ...HYPER, stance: { ...HYPER.stance, l2 } });

// Leave one writer out: each corpus slice (a-d) was written by a different person, so training
// without a writer's train file and scoring on that writer's dev file estimates how the model
// does on text by people it has never read, which is what it will meet in the field.
const crossWriter: Record<string, unknown>[] = [];
for (const [name, options] of [
  ['shipped features', SHIPPED_FEATURES],
  ['with negation-scoped words', ALL_FEATURES],
  ['without cue lexicons', { ...SHIPPED_FEATURES, cues: false }],
  ['without bigrams', { ...SHIPPED_FEATURES, bigrams: false }],
  ['words only', { bigrams: false, negation: false, cues: false, entities: false, sourceKind: false }],
] as const) {
  const perWriter: Record<string, number> = {};
  for (const writer of ['a', 'b', 'c', 'd']) {
    const files = splitFiles('train').filter((f) => !f.endsWith(`train-${writer}.jsonl`));
    const model = new StanceModel(trainModel(files, HYPER, options));
    const held = readExamples(splitFiles('dev').find((f) => f.endsWith(`dev-${writer}.jsonl`))!);
    perWriter[writer] = multiClassReport(
      STANCES,
      held.map((e) => e.stance),
      held.map((e) => model.classify(e.text, e.source_kind).stance),
    ).macroF1;
  }
  const mean = +(Object.values(perWriter).reduce((a, b) => a + b, 0) / 4).toFixed(4);
  crossWriter.push({ name, mean, ...perWriter });
  console.log(JSON.stringify({ crossWriter: name, mean, ...perWriter }));
}

// natural's own classifiers on the same text, with its default Porter tokenisation
for (const [name, file] of [['natural BayesClassifier', 'natural/lib/natural/classifiers/bayes_classifier.js']] as const) {
  const Classifier = require(file) as new () => { addDocument(t: string, l: string): void; train(): void; classify(t: string): string };
  const c = new Classifier();
  const started = performance.now();
  for (const e of train) c.addDocument(e.text, e.stance);
  c.train();
  const trainMs = Math.round(performance.now() - started);
  score(
    name,
    dev.map((e) => c.classify(e.text) as Stance),
    undefined,
    { trainMs },
  );
}
for (const b of [vaderBaseline(), afinnBaseline()])
  score(
    `${b.name} (general sentiment)`,
    dev.map((e) => b.stance(e.text)),
  );
report('classifier-ablation', { dev: dev.length, train: train.length, rows, crossWriter });
