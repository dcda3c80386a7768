import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONCERNS, type Concern, type SourceKind, type Stance } from '../labels.ts';
import { FeatureIndex, type Indexed } from './feature-index.ts';
import { SHIPPED_FEATURES, analyse, type Analysis, type FeatureOptions } from './features.ts';
import { softmax, type SparseVec } from './logreg.ts';

export const MODEL_PATH = fileURLToPath(new URL('./model/stance-model.json', import.meta.url));

/** A two-class model stored as one weight vector: p = sigmoid(w·x + b). */
export interface BinaryWeights {
  bias: number;
  weights: number[];
}

/** The artifact `pulse train` writes and everything else reads. */
export interface ModelArtifact {
  version: string;
  trainedOn: { files: string[]; examples: number; sha256: string };
  features: string[];
  stance: { classes: Stance[]; bias: number[]; weights: number[][] };
  relevance: BinaryWeights;
  concerns: Record<Concern, BinaryWeights>;
  thresholds: { relevance: number; concern: number; concernFallback: number };
  /** only in experimental models trained with some feature families off */
  featureOptions?: FeatureOptions;
}

export interface Explanation {
  terms: { term: string; weight: number }[];
  sentence: string;
}

export interface Classification {
  stance: Stance;
  confidence: number;
  relevant: boolean;
  /** probability that the text is about AI in screen or games production */
  relevance: number;
  concerns: Concern[];
  explanation: Explanation;
  model: string;
}

/** Words too common to explain anything to a reader; they still count in the model. */
const FUNCTION_WORDS = new Set(
  'a an the of to in on at for by with from and or but as is are was were be been it its this that these those our their his her my your we they he she i you us them than then so if into about over after before up out'.split(
    ' ',
  ),
);

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;

const CUE_LABELS: Record<string, string> = {
  'p:question': '(question)',
  'p:exclaim': '(exclamation)',
  'e:ai': '(mentions AI)',
  'e:studio': '(names a studio)',
  'e:union': '(names a union)',
  'e:ai_screen': '(AI in screen work)',
};

/** A loaded model, ready to classify. */
export class StanceModel {
  readonly version: string;
  private readonly options: FeatureOptions;
  private readonly index: FeatureIndex;
  /** stance weights minus their mean across classes: how much a feature favours each class */
  private readonly centered: Float64Array[];

  constructor(readonly artifact: ModelArtifact) {
    this.version = artifact.version;
    this.options = artifact.featureOptions ?? SHIPPED_FEATURES;
    this.index = new FeatureIndex(artifact.features, this.options);
    const W = artifact.stance.weights;
    this.centered = W.map((w) => Float64Array.from(w, (v, i) => v - W.reduce((s, row) => s + row[i]!, 0) / W.length));
  }

  /** Reads the artifact from disk (default: the committed model). */
  static load(path = MODEL_PATH): StanceModel {
    return new StanceModel(JSON.parse(readFileSync(path, 'utf8')) as ModelArtifact);
  }

  private dot(w: number[], x: SparseVec): number {
    let s = 0;
    for (let i = 0; i < x.idx.length; i++) s += w[x.idx[i]!]! * x.val[i]!;
    return s;
  }

  /** Stance probabilities in STANCES order. */
  stanceProba(x: SparseVec): number[] {
    const m = this.artifact.stance;
    return softmax(m.bias.map((b, k) => b + this.dot(m.weights[k]!, x)));
  }

  /** Labels one text. `sourceKind` says who is speaking, when known. */
  classify(text: string, sourceKind?: SourceKind | null): Classification {
    const analysis = analyse(text, this.options);
    const indexed = this.index.index(analysis, sourceKind);
    const x = indexed.x;
    const a = this.artifact;
    const relevance = sigmoid(a.relevance.bias + this.dot(a.relevance.weights, x));
    const relevant = relevance >= a.thresholds.relevance;
    const probs = this.stanceProba(x);
    const classes = a.stance.classes;
    let k = probs.indexOf(Math.max(...probs));
    let confidence = probs[k]!;
    if (!relevant) {
      // Off-topic items are neutral by definition; the confidence is the chance that neutral is right.
      k = classes.indexOf('neutral');
      confidence = 1 - relevance + relevance * probs[k]!;
    }
    const stance = classes[k]!;
    let concerns: Concern[] = [];
    if (stance === 'worry') {
      const scored = CONCERNS.map((c) => [c, sigmoid(a.concerns[c].bias + this.dot(a.concerns[c].weights, x))] as const);
      concerns = scored.filter(([, p]) => p >= a.thresholds.concern).map(([c]) => c);
      if (!concerns.length) {
        const best = scored.reduce((m, s) => (s[1] > m[1] ? s : m));
        if (best[1] >= a.thresholds.concernFallback) concerns = [best[0]];
      }
    }
    return {
      stance,
      confidence: round(confidence),
      relevant,
      relevance: round(relevance),
      concerns,
      explanation: this.explain(k, analysis, indexed),
      model: this.version,
    };
  }

  /**
   * The terms that pushed the decision towards class k (weight above the class average, times
   * the feature's value), and the sentence whose features push hardest.
   */
  private explain(k: number, analysis: Analysis, indexed: Indexed): Explanation {
    const { x, perSentence } = indexed;
    const word = (st: string) => this.index.surface(st, analysis, indexed);
    const c = this.centered[k]!;
    const features = this.artifact.features;
    const ranked: { i: number; weight: number }[] = [];
    for (let j = 0; j < x.idx.length; j++) {
      const weight = c[x.idx[j]!]! * x.val[j]!;
      if (weight > 0.01) ranked.push({ i: x.idx[j]!, weight });
    }
    ranked.sort((a, b) => b.weight - a.weight || a.i - b.i);
    const terms: Explanation['terms'] = [];
    for (const r of ranked) {
      const key = features[r.i]!;
      if (key.startsWith('k:') || onlyFunctionWords(key, word)) continue;
      terms.push({ term: readable(key, word), weight: round(r.weight) });
      if (terms.length === 8) break;
    }
    let best = 0;
    let bestScore = -Infinity;
    if (perSentence.length > 1) {
      perSentence.forEach((v, s) => {
        let score = 0;
        for (let j = 0; j < v.idx.length; j++) score += c[v.idx[j]!]! * v.val[j]!;
        if (score > bestScore) {
          bestScore = score;
          best = s;
        }
      });
    }
    return { terms, sentence: analysis.sentences[best] ?? '' };
  }
}

/** `word` gives the word written in the text for a stem. */
function onlyFunctionWords(key: string, word: (stem: string) => string): boolean {
  if (!key.startsWith('w:') && !key.startsWith('b:')) return false;
  return key
    .slice(2)
    .split('_')
    .every((st) => FUNCTION_WORDS.has(word(st)));
}

/** A feature key as words a reader recognises. */
function readable(key: string, word: (stem: string) => string): string {
  const [kind, rest] = [key.slice(0, 2), key.slice(2)];
  if (CUE_LABELS[key]) return CUE_LABELS[key];
  if (kind === 'w:') return word(rest);
  if (kind === 'n:') return `not … ${word(rest)}`;
  if (kind === 'b:') return rest.split('_').map(word).join(' ');
  if (kind === 'c:') return `(${rest.replace(/_/g, ' ')} words)`;
  if (key.startsWith('e:area:')) return `(${key.slice(7).replace(/_/g, ' ')})`;
  return key;
}

let cached: StanceModel | undefined;
/** The committed model, loaded once per process. */
export function defaultModel(): StanceModel {
  return (cached ??= StanceModel.load());
}
