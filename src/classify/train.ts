import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { CONCERNS, STANCES, type Concern } from '../labels.ts';
import { readExamples, type Example } from './corpus.ts';
import { SHIPPED_FEATURES, featurise, type FeatureBag, type FeatureOptions } from './features.ts';
import { trainSoftmax, type SparseVec, type TrainOptions } from './logreg.ts';
import type { BinaryWeights, ModelArtifact } from './model.ts';

export const MODEL_FAMILY = 'pulse-stance-lr-1';

/** Settings chosen on the dev split (docs/decisions/0001-stance-classifier.md). */
export const HYPER = {
  minDocFreq: 2,
  stance: { epochs: 300, learningRate: 0.3, l2: 0.0005 } satisfies TrainOptions,
  relevance: { epochs: 300, learningRate: 0.3, l2: 0.001 } satisfies TrainOptions,
  concern: { epochs: 300, learningRate: 0.3, l2: 0.001 } satisfies TrainOptions,
  thresholds: { relevance: 0.5, concern: 0.5, concernFallback: 0.2 },
};

const round = (v: number) => Math.round(v * 1e5) / 1e5;

function toBinary(m: { bias: number[]; weights: number[][] }): BinaryWeights {
  return { bias: round(m.bias[1]! - m.bias[0]!), weights: m.weights[1]!.map((w, f) => round(w - m.weights[0]![f]!)) };
}

/** Builds the feature list: every feature seen in at least minDocFreq examples, sorted. */
export function vocabulary(bags: FeatureBag[], minDocFreq: number): string[] {
  const df = new Map<string, number>();
  for (const bag of bags) for (const k of bag.keys()) df.set(k, (df.get(k) ?? 0) + 1);
  return [...df]
    .filter(([, n]) => n >= minDocFreq)
    .map(([k]) => k)
    .sort();
}

function vectorise(bag: FeatureBag, index: Map<string, number>): SparseVec {
  const idx: number[] = [];
  const val: number[] = [];
  for (const [k, v] of bag) {
    const i = index.get(k);
    if (i !== undefined) {
      idx.push(i);
      val.push(v);
    }
  }
  return { idx, val };
}

/**
 * Trains the stance, relevance and concern models from labeled examples. Deterministic: the
 * same files give a byte-identical artifact, and the version names the content.
 */
export function trainModel(
  files: string[],
  hyper = HYPER,
  featureOptions: FeatureOptions = SHIPPED_FEATURES,
  extra: Example[] = [],
): ModelArtifact {
  // `extra`: examples from outside the corpus files (hand-coded items, pulse train --with-annotations)
  const examples: Example[] = [...files.flatMap(readExamples), ...extra];
  const hash = createHash('sha256');
  for (const f of files) hash.update(readFileSync(f));
  if (extra.length) hash.update(JSON.stringify(extra));
  const bags = examples.map((e) => featurise(e.text, e.source_kind ?? null, featureOptions).bag);
  const features = vocabulary(bags, hyper.minDocFreq);
  const index = new Map(features.map((f, i) => [f, i]));
  const X = bags.map((b) => vectorise(b, index));

  const stanceY = examples.map((e) => STANCES.indexOf(e.stance));
  const stance = trainSoftmax(X, stanceY, STANCES.length, features.length, hyper.stance);
  const relevance = trainSoftmax(
    X,
    examples.map((e) => (e.relevant ? 1 : 0)),
    2,
    features.length,
    hyper.relevance,
  );

  // Concerns are learned from worry examples: that is where the labels live.
  const worryIdx = examples.map((e, i) => (e.stance === 'worry' ? i : -1)).filter((i) => i >= 0);
  const concerns = {} as Record<Concern, BinaryWeights>;
  for (const c of CONCERNS) {
    const y = worryIdx.map((i) => (examples[i]!.concerns.includes(c) ? 1 : 0));
    const positives = y.reduce<number>((a, b) => a + b, 0);
    const weights = [1, Math.max(1, (y.length - positives) / Math.max(1, positives))];
    concerns[c] = toBinary(
      trainSoftmax(
        worryIdx.map((i) => X[i]!),
        y,
        2,
        features.length,
        { ...hyper.concern, classWeights: weights },
      ),
    );
  }

  const body = {
    features,
    stance: { classes: [...STANCES], bias: stance.bias.map(round), weights: stance.weights.map((w) => w.map(round)) },
    relevance: toBinary(relevance),
    concerns,
    thresholds: hyper.thresholds,
    ...(featureOptions === SHIPPED_FEATURES ? {} : { featureOptions }),
  };
  const digest = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 10);
  return {
    version: `${MODEL_FAMILY}+${digest}`,
    trainedOn: { files: files.map((f) => basename(f)), examples: examples.length, sha256: hash.digest('hex') },
    ...body,
  };
}
