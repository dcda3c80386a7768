import { createHash } from 'node:crypto';
import { CONCERNS, STANCES, type Concern } from '../labels.ts';
import { corpusHash, textBucket, type Example } from './corpus.ts';
import { MODEL_LANGS, type ModelLang } from './cues.ts';
import { SHIPPED_FEATURES, analyse, featuriseAnalysis, type FeatureBag, type FeatureOptions } from './features.ts';
import { trainSoftmax, type SparseVec, type TrainOptions } from './logreg.ts';
import type { BinaryWeights, LangModel, ModelArtifact } from './model.ts';

export const MODEL_FAMILY = 'pulse-stance-lr-2';

/** How the languages share models (docs/decisions/0003-relevance-spanish-quotes.md). */
export type Layout = 'shared' | 'separate';
/** Which topic match lets an item on to the relevance model: AI named, named or a related word, or any item. */
export type Gate = 'named' | 'related' | 'none';

/** Settings chosen on the dev split and across writers (docs/decisions/0001, 0003). */
export const HYPER = {
  minDocFreq: 2,
  layout: 'shared' as Layout,
  gate: 'related' as Gate,
  /** train stance on relevant examples only: off-topic ones are neutral by the gate anyway */
  stanceOnRelevantOnly: true,
  /** let the relevance model see who is speaking (source kind) */
  relevanceSeesKind: false,
  /** let the stance and concern models see where AI is named (the a: features); relevance always does */
  stanceSeesAiContext: false,
  /** weight of a multinomial naive Bayes model's log-probabilities added to the stance logits (0: off) */
  stanceNaiveBayes: 0.1,
  /** weight of each stance in the loss: missing worry costs a union reader most */
  stanceClassWeights: { worry: 1 } as Partial<Record<(typeof STANCES)[number], number>>,
  /** weight of a writers'-file example in the relevance loss (original slices: 1) */
  writerRelevanceWeight: 3,
  stance: { epochs: 300, learningRate: 0.3, l2: 0.0005 } satisfies TrainOptions,
  relevance: { epochs: 300, learningRate: 0.3, l2: 0.001 } satisfies TrainOptions,
  concern: { epochs: 300, learningRate: 0.3, l2: 0.001 } satisfies TrainOptions,
  thresholds: { concern: 0.5, concernFallback: 0.2 },
  /** share of relevant items in the stream the relevance threshold is chosen for */
  streamPrior: 0.08,
  /**
   * which off-topic examples stand for the stream's when the threshold is chosen: every writer's
   * ('all'), or only those of feed-like writers ('feeds': at most {@link FEED_SHARE} relevant, as a
   * real week of feeds is), whose share of traps is a feed's and not a trap-writer's
   */
  thresholdNegatives: 'feeds' as 'all' | 'feeds',
  /**
   * in a model shared by several languages, calibrate relevance and choose its threshold per
   * language too (where a language has enough gated examples of both kinds)
   */
  perLangCalibration: true,
  calibrationFolds: 5,
};
export type Hyper = typeof HYPER;

const round = (v: number) => Math.round(v * 1e5) / 1e5;
/** a writer with at most this share of relevant items writes like a feed */
export const FEED_SHARE = 0.2;
/** a feed-like writer needs at least this many examples to count as one */
const MIN_FEED_EXAMPLES = 100;

/** The writers whose examples read like a feed: mostly off-topic, as real feeds are. */
export function feedWriters(examples: { writer?: string; relevant: boolean }[]): Set<string> {
  const counts = new Map<string, [number, number]>();
  for (const e of examples) {
    if (!e.writer) continue;
    const c = counts.get(e.writer) ?? [0, 0];
    c[0]++;
    if (e.relevant) c[1]++;
    counts.set(e.writer, c);
  }
  return new Set([...counts].filter(([, [n, rel]]) => n >= MIN_FEED_EXAMPLES && rel / n <= FEED_SHARE).map(([w]) => w));
}

/** gated examples of each kind a language needs for its own calibration */
const MIN_PER_LANG = 30;
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

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

function dropFeatures(x: SparseVec, drop: Set<number>): SparseVec {
  const idx: number[] = [];
  const val: number[] = [];
  x.idx.forEach((i, j) => {
    if (!drop.has(i)) {
      idx.push(i);
      val.push(x.val[j]!);
    }
  });
  return { idx, val };
}

const dot = (w: BinaryWeights, x: SparseVec) => x.idx.reduce((s, i, j) => s + w.weights[i]! * x.val[j]!, w.bias);

/**
 * Platt scaling: a and b so that sigmoid(a·z + b) matches the labels of held-out scores z.
 * Newton's method on the log loss, with the usual smoothed targets; deterministic.
 */
export function plattScale(z: number[], y: boolean[]): { a: number; b: number } {
  const pos = y.filter(Boolean).length;
  const neg = y.length - pos;
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (neg + 2);
  let a = 1;
  let b = 0;
  for (let it = 0; it < 100; it++) {
    let ga = 0,
      gb = 0,
      haa = 0,
      hab = 0,
      hbb = 0;
    z.forEach((zi, i) => {
      const p = sigmoid(a * zi + b);
      const t = y[i] ? hi : lo;
      const d = p - t;
      const w = Math.max(p * (1 - p), 1e-12);
      ga += d * zi;
      gb += d;
      haa += w * zi * zi;
      hab += w * zi;
      hbb += w;
    });
    haa += 1e-9;
    hbb += 1e-9;
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-15) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { a: round(a), b: round(b) };
}

/**
 * The relevance threshold for a stream where `prior` of items are relevant: out-of-fold
 * calibrated probabilities of the topic-matched training items, off-topic ones weighted so that,
 * together with those the topic gate already rejects, the simulated stream is `prior` relevant;
 * the threshold is the one with the best F1 there.
 */
export function streamThreshold(p: number[], y: boolean[], gatedOutNegatives: number, prior: number): number {
  const pos = y.filter(Boolean).length;
  const neg = y.length - pos;
  if (!pos || !neg) return 0.5;
  const streamNegatives = (pos * (1 - prior)) / prior;
  // the corpus's share of off-topic items that pass the gate stands for the stream's
  const passShare = neg / (neg + gatedOutNegatives);
  const wNeg = (streamNegatives * passShare) / neg;
  let best = 0.5;
  let bestF1 = -1;
  // whole hundredths: the threshold tried is exactly the one stored and compared (p >= t)
  for (let k = 5; k <= 95; k++) {
    const t = k / 100;
    let tp = 0,
      fp = 0,
      fn = 0;
    p.forEach((pi, i) => {
      if (pi >= t) y[i] ? tp++ : (fp += wNeg);
      else if (y[i]) fn++;
    });
    const f1 = (2 * tp) / (2 * tp + fp + fn);
    if (f1 > bestF1 + 1e-12) {
      bestF1 = f1;
      best = t;
    }
  }
  return best;
}

/**
 * Multinomial naive Bayes (add-one smoothing) as a linear model: per class, the log prior and
 * each feature's log-probability, centred across classes so a feature no class favours adds 0.
 * Features with no training examples keep a weight of zero.
 */
export function naiveBayes(X: SparseVec[], y: number[], classes: number, features: number) {
  const counts = Array.from({ length: classes }, () => new Float64Array(features));
  const totals = new Float64Array(classes);
  const docs = new Float64Array(classes);
  const seen = new Uint8Array(features);
  X.forEach((x, i) => {
    const c = y[i]!;
    docs[c]!++;
    x.idx.forEach((f, j) => {
      counts[c]![f]! += x.val[j]!;
      totals[c]! += x.val[j]!;
      seen[f] = 1;
    });
  });
  const vocab = seen.reduce((a, b) => a + b, 0);
  const logp = counts.map((row, c) => Float64Array.from(row, (v, f) => (seen[f] ? Math.log((v + 1) / (totals[c]! + vocab)) : 0)));
  const mean = Float64Array.from(seen, (_, f) => logp.reduce((s, r) => s + r[f]!, 0) / classes);
  const weights = logp.map((row) => Array.from(row, (v, f) => v - mean[f]!));
  const lp = Array.from(docs, (d) => Math.log((d + 1) / (X.length + classes)));
  const bias = lp.map((v) => v - lp.reduce((a, b) => a + b, 0) / classes);
  return { bias, weights };
}

/**
 * The stream threshold ({@link streamThreshold}) from every relevant example and the off-topic
 * ones of feed-like writers (`negatives: 'feeds'`, when there are at least {@link MIN_PER_LANG}
 * of them) or of every writer; `gatedOut` counts the off-topic examples the topic gate rejected,
 * of all writers and of the feed-like ones.
 */
export function thresholdFor(
  rows: { p: number; relevant: boolean; feed: boolean }[],
  gatedOut: { all: number; feeds: number },
  prior: number,
  negatives: 'all' | 'feeds',
): number {
  const useFeeds = negatives === 'feeds' && rows.filter((r) => !r.relevant && r.feed).length >= MIN_PER_LANG;
  const keep = rows.filter((r) => r.relevant || !useFeeds || r.feed);
  return streamThreshold(
    keep.map((r) => r.p),
    keep.map((r) => r.relevant),
    useFeeds ? gatedOut.feeds : gatedOut.all,
    prior,
  );
}

interface Prepared {
  e: Example;
  /** the corpus writer (file) the example came from, when known */
  writer?: string;
  lang: ModelLang;
  bag: FeatureBag;
  topic: { matched: boolean; named: boolean };
}

/** Whether an item with this topic match goes on to the relevance model. */
export const passesGate = (gate: Gate, topic: { matched: boolean; named: boolean }) =>
  gate === 'none' ? true : gate === 'named' ? topic.named : topic.matched;

/** Reads every example once, in its own language (examples in languages with no model are left out). */
export function prepareExamples(examples: Example[], o: FeatureOptions = SHIPPED_FEATURES): Prepared[] {
  const out: Prepared[] = [];
  for (const e of examples) {
    const lang = (e.lang ?? 'en') as ModelLang;
    if (!MODEL_LANGS.includes(lang)) continue;
    const a = analyse(e.text, o, lang);
    const writer = (e as { writer?: string }).writer;
    out.push({ e, writer, lang, bag: featuriseAnalysis(a, e.source_kind ?? null, o).bag, topic: a.topic });
  }
  return out;
}

function trainLangModel(langs: ModelLang[], data: Prepared[], hyper: Hyper): LangModel {
  const features = vocabulary(
    data.map((d) => d.bag),
    hyper.minDocFreq,
  );
  const index = new Map(features.map((f, i) => [f, i]));
  const X = data.map((d) => vectorise(d.bag, index));
  const pick = (keep: (d: Prepared) => boolean) => data.map((d, i) => (keep(d) ? i : -1)).filter((i) => i >= 0);

  const contextFeature = new Set(features.flatMap((f, i) => (hyper.stanceSeesAiContext || !f.startsWith('a:') ? [] : [i])));
  const XS = contextFeature.size ? X.map((x) => dropFeatures(x, contextFeature)) : X;
  const stanceIdx = pick((d) => !hyper.stanceOnRelevantOnly || d.e.relevant);
  const classWeights = STANCES.map((c) => hyper.stanceClassWeights[c] ?? 1);
  const stanceX = stanceIdx.map((i) => XS[i]!);
  const stanceY = stanceIdx.map((i) => STANCES.indexOf(data[i]!.e.stance));
  const stance = trainSoftmax(stanceX, stanceY, STANCES.length, features.length, { ...hyper.stance, classWeights });

  if (hyper.stanceNaiveBayes > 0) {
    const nb = naiveBayes(stanceX, stanceY, STANCES.length, features.length);
    const beta = hyper.stanceNaiveBayes;
    for (let k = 0; k < STANCES.length; k++) {
      stance.bias[k]! += beta * nb.bias[k]!;
      const w = stance.weights[k]!;
      const v = nb.weights[k]!;
      for (let f = 0; f < w.length; f++) w[f]! += beta * v[f]!;
    }
  }

  // Stage two of relevance learns only from items that pass the topic gate: the traps.
  const gated = pick((d) => passesGate(hyper.gate, d.topic));
  const gy = gated.map((i) => data[i]!.e.relevant);
  // Who is speaking says nothing about the topic (a union's health-plan release is off-topic):
  // the relevance model does not see source kind.
  const kindFeature = new Set(features.flatMap((f, i) => (hyper.relevanceSeesKind || !f.startsWith('k:') ? [] : [i])));
  const XR = X.map((x) => (kindFeature.size ? dropFeatures(x, kindFeature) : x));
  // The writers' files carry the traps (off-topic labour news, AI as a story's subject) that the
  // original slices barely have; they count more in what the relevance model learns.
  const weightOf = (i: number) => (data[i]!.writer?.startsWith('orig-') === false ? hyper.writerRelevanceWeight : 1);
  const trainRelevance = (rows: number[]) =>
    toBinary(
      trainSoftmax(
        rows.map((i) => XR[i]!),
        rows.map((i) => (data[i]!.e.relevant ? 1 : 0)),
        2,
        features.length,
        { ...hyper.relevance, sampleWeights: rows.map(weightOf) },
      ),
    );
  const relevance = trainRelevance(gated);
  // held-out scores for calibration: each fold scored by a model trained on the other folds
  const folds = gated.map((i) => textBucket(data[i]!.e.text) % hyper.calibrationFolds);
  const z = new Array<number>(gated.length).fill(0);
  for (let k = 0; k < hyper.calibrationFolds; k++) {
    const rest = gated.filter((_, j) => folds[j] !== k);
    if (!rest.length) continue;
    const m = trainRelevance(rest);
    gated.forEach((i, j) => {
      if (folds[j] === k) z[j] = dot(m, XR[i]!);
    });
  }
  const calibration = plattScale(z, gy);
  const p = z.map((zi) => sigmoid(calibration.a * zi + calibration.b));
  // The threshold sees every relevant example and the off-topic ones of feed-like writers (all
  // writers' when there are too few): the traps the other writers were asked for are far more
  // common in the corpus than in a feed, and would set it too high for the stream it is chosen for.
  const feeds = feedWriters(data.map((d) => ({ writer: d.writer, relevant: d.e.relevant })));
  const fromFeed = (d: Prepared) => feeds.has(d.writer ?? '');
  const choose = (js: number[], probs: (j: number) => number, lang?: ModelLang) => {
    const out = data.filter((d) => (lang === undefined || d.lang === lang) && !passesGate(hyper.gate, d.topic) && !d.e.relevant);
    return thresholdFor(
      js.map((j) => ({ p: probs(j), relevant: gy[j]!, feed: fromFeed(data[gated[j]!]!) })),
      { all: out.length, feeds: out.filter(fromFeed).length },
      hyper.streamPrior,
      hyper.thresholdNegatives,
    );
  };
  const threshold = choose(
    gated.map((_, j) => j),
    (j) => p[j]!,
  );
  const calibrationByLang: Partial<Record<ModelLang, { a: number; b: number }>> = {};
  const relevanceByLang: Partial<Record<ModelLang, number>> = {};
  if (hyper.perLangCalibration && langs.length > 1) {
    for (const l of langs) {
      const js = gated.flatMap((i, j) => (data[i]!.lang === l ? [j] : []));
      const ly = js.map((j) => gy[j]!);
      const pos = ly.filter(Boolean).length;
      if (pos < MIN_PER_LANG || js.length - pos < MIN_PER_LANG) continue;
      const lz = js.map((j) => z[j]!);
      const c = plattScale(lz, ly);
      calibrationByLang[l] = c;
      relevanceByLang[l] = choose(js, (j) => sigmoid(c.a * z[j]! + c.b), l);
    }
  }
  const byLang = Object.keys(relevanceByLang).length > 0;

  // Concerns are learned from worry examples: that is where the labels live.
  const worryIdx = pick((d) => d.e.stance === 'worry');
  const concerns = {} as Record<Concern, BinaryWeights>;
  for (const c of CONCERNS) {
    const y = worryIdx.map((i) => (data[i]!.e.concerns.includes(c) ? 1 : 0));
    const positives = y.reduce<number>((a, b) => a + b, 0);
    const weights = [1, Math.max(1, (y.length - positives) / Math.max(1, positives))];
    concerns[c] = toBinary(
      trainSoftmax(
        worryIdx.map((i) => XS[i]!),
        y,
        2,
        features.length,
        { ...hyper.concern, classWeights: weights },
      ),
    );
  }
  return {
    langs,
    examples: data.length,
    features,
    stance: { classes: [...STANCES], bias: stance.bias.map(round), weights: stance.weights.map((w) => w.map(round)) },
    relevance: { ...relevance, calibration, ...(byLang ? { calibrationByLang } : {}) },
    concerns,
    thresholds: { relevance: threshold, ...(byLang ? { relevanceByLang } : {}), ...hyper.thresholds },
  };
}

/**
 * Trains the stance, relevance and concern models from labeled examples. Deterministic: the
 * same examples give a byte-identical artifact, and the version names the content.
 */
export function trainModel(
  examples: Example[],
  hyper: Hyper = HYPER,
  featureOptions: FeatureOptions = SHIPPED_FEATURES,
  writers: string[] = [],
): ModelArtifact {
  const data = prepareExamples(examples, featureOptions);
  const groups: ModelLang[][] = hyper.layout === 'shared' ? [[...MODEL_LANGS]] : MODEL_LANGS.map((l) => [l]);
  const models = groups
    .map((langs) =>
      trainLangModel(
        langs,
        data.filter((d) => langs.includes(d.lang)),
        hyper,
      ),
    )
    .filter((m) => m.examples > 0);
  const body = { gate: hyper.gate, models, ...(featureOptions === SHIPPED_FEATURES ? {} : { featureOptions }) };
  const digest = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 10);
  const byLang: Record<string, number> = {};
  for (const d of data) byLang[d.lang] = (byLang[d.lang] ?? 0) + 1;
  return {
    version: `${MODEL_FAMILY}+${digest}`,
    trainedOn: { writers, examples: data.length, byLang, sha256: corpusHash(data.map((d) => d.e)) },
    ...body,
  };
}
