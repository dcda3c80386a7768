import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONCERNS, type Concern, type SourceKind, type Stance } from '../labels.ts';
import { MODEL_LANGS, type ModelLang } from './cues.ts';
import { explain, type Explanation } from './explain.ts';
import { FeatureIndex } from './feature-index.ts';
import { SHIPPED_FEATURES, analyse, readSentences, type Analysis, type FeatureOptions } from './features.ts';
import { detectLanguage, type Language } from './language.ts';
import { softmax, type SparseVec } from './logreg.ts';
import type { Gate } from './train.ts';
import { extractQuotes, type Quote } from './quotes.ts';

export type { Explanation } from './explain.ts';
export type { Quote } from './quotes.ts';

export const MODEL_PATH = fileURLToPath(new URL('./model/stance-model.json', import.meta.url));

/** A two-class model stored as one weight vector: p = sigmoid(w·x + b). */
export interface BinaryWeights {
  bias: number;
  weights: number[];
}

/** The models for one language, or several sharing one feature space. */
export interface LangModel {
  langs: ModelLang[];
  examples: number;
  features: string[];
  stance: { classes: Stance[]; bias: number[]; weights: number[][] };
  /** stage two of relevance (items that pass the topic gate); p = sigmoid(a·(w·x + b) + b') */
  relevance: BinaryWeights & { calibration: { a: number; b: number } };
  concerns: Record<Concern, BinaryWeights>;
  thresholds: { relevance: number; concern: number; concernFallback: number };
}

/** The artifact `pulse train` writes and everything else reads. */
export interface ModelArtifact {
  version: string;
  trainedOn: { writers: string[]; examples: number; byLang: Record<string, number>; sha256: string };
  /** which topic match lets an item on to the relevance model (default: AI named or a related word) */
  gate?: Gate;
  models: LangModel[];
  /** only in experimental models trained with some feature families off */
  featureOptions?: FeatureOptions;
}

export interface Classification {
  /** ISO 639-1 language of the text */
  lang: Language;
  /** false when no model reads this language: stance and relevance are then not guessed */
  supported: boolean;
  stance: Stance;
  confidence: number;
  relevant: boolean;
  /** calibrated probability that the text is about AI in screen or games production */
  relevance: number;
  concerns: Concern[];
  explanation: Explanation;
  /** direct quotations with their speaker and the quote's own stance */
  quotes: Quote[];
  model: string;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;

/** One language model loaded: its feature tables and the stance weights centred per feature. */
export class LoadedLangModel {
  readonly index: FeatureIndex;
  /** stance weights minus their mean across classes: how much a feature favours each class */
  readonly centered: Float64Array[];

  constructor(
    readonly m: LangModel,
    options: FeatureOptions,
  ) {
    this.index = new FeatureIndex(m.features, options);
    const W = m.stance.weights;
    this.centered = W.map((w) => Float64Array.from(w, (v, i) => v - W.reduce((s, row) => s + row[i]!, 0) / W.length));
  }

  dot(w: number[], x: SparseVec): number {
    let s = 0;
    for (let i = 0; i < x.idx.length; i++) s += w[x.idx[i]!]! * x.val[i]!;
    return s;
  }

  /** Stance probabilities in STANCES order. */
  stanceProba(x: SparseVec): number[] {
    const s = this.m.stance;
    return softmax(s.bias.map((b, k) => b + this.dot(s.weights[k]!, x)));
  }

  /** Calibrated relevance of a text that passed the topic gate. */
  relevance(x: SparseVec): number {
    const r = this.m.relevance;
    return sigmoid(r.calibration.a * (r.bias + this.dot(r.weights, x)) + r.calibration.b);
  }
}

/** A loaded model, ready to classify. */
export class StanceModel {
  readonly version: string;
  private readonly options: FeatureOptions;
  private readonly byLang = new Map<string, LoadedLangModel>();

  constructor(readonly artifact: ModelArtifact) {
    this.version = artifact.version;
    this.options = artifact.featureOptions ?? SHIPPED_FEATURES;
    for (const m of artifact.models) {
      const loaded = new LoadedLangModel(m, this.options);
      for (const l of m.langs) this.byLang.set(l, loaded);
    }
  }

  /** Reads the artifact from disk (default: the committed model). */
  static load(path = MODEL_PATH): StanceModel {
    return new StanceModel(JSON.parse(readFileSync(path, 'utf8')) as ModelArtifact);
  }

  /** The languages this model reads. */
  get languages(): ModelLang[] {
    return MODEL_LANGS.filter((l) => this.byLang.has(l));
  }

  /** Reads a text in a model language: its analysis and features (for evaluation and tests). */
  read(text: string, lang: ModelLang, sourceKind?: SourceKind | null) {
    const lm = this.byLang.get(lang)!;
    const analysis = analyse(readSentences(text), this.options, lang);
    return { lm, analysis, indexed: lm.index.index(analysis, sourceKind) };
  }

  /**
   * Labels one text. `sourceKind` says who is speaking, when known; `lang` skips detection.
   * Relevance has two stages: the topic gate (AI terms from topic.json), then the calibrated
   * model for the traps. Off-topic items are neutral by definition.
   */
  classify(text: string, sourceKind?: SourceKind | null, lang?: Language): Classification {
    const sentences = readSentences(text);
    const detected = lang ?? detectLanguage(sentences.join('\n')).lang;
    const lm = this.byLang.get(detected);
    if (!lm) return this.unsupported(detected, sentences);
    const analysis = analyse(sentences, this.options, detected as ModelLang);
    return this.label(lm, analysis, sourceKind, true);
  }

  /** The stance of a piece of text alone (a quote), without the relevance gate. */
  stanceOf(lm: LoadedLangModel, text: string, lang: ModelLang, sourceKind?: SourceKind | null): Stance {
    const probs = lm.stanceProba(lm.index.index(analyse([text], this.options, lang), sourceKind).x);
    return lm.m.stance.classes[probs.indexOf(Math.max(...probs))]!;
  }

  private label(lm: LoadedLangModel, analysis: Analysis, sourceKind: SourceKind | null | undefined, withQuotes: boolean): Classification {
    const indexed = lm.index.index(analysis, sourceKind);
    const x = indexed.x;
    const m = lm.m;
    const topic = analysis.topic;
    const gate = this.artifact.gate ?? 'related';
    const passes = gate === 'none' || (gate === 'named' ? topic.named : topic.matched);
    const relevance = passes ? lm.relevance(x) : 0;
    const relevant = passes && relevance >= m.thresholds.relevance;
    const probs = lm.stanceProba(x);
    const classes = m.stance.classes;
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
      const scored = CONCERNS.map((c) => [c, sigmoid(m.concerns[c].bias + lm.dot(m.concerns[c].weights, x))] as const);
      concerns = scored.filter(([, p]) => p >= m.thresholds.concern).map(([c]) => c);
      if (!concerns.length) {
        const best = scored.reduce((a, s) => (s[1] > a[1] ? s : a));
        if (best[1] >= m.thresholds.concernFallback) concerns = [best[0]];
      }
    }
    const quotes = withQuotes
      ? extractQuotes(analysis.sentences).map((q) => ({
          ...q,
          stance: this.stanceOf(lm, q.text, analysis.lang, kindSource(q.speakerKind)),
        }))
      : [];
    return {
      lang: analysis.lang,
      supported: true,
      stance,
      confidence: round(confidence),
      relevant,
      relevance: round(relevance),
      concerns,
      explanation: explain({ lm, analysis, indexed, k, relevant, relevance, passes }),
      quotes,
      model: this.version,
    };
  }

  private unsupported(lang: Language, sentences: string[]): Classification {
    return {
      lang,
      supported: false,
      stance: 'neutral',
      confidence: 0,
      relevant: false,
      relevance: 0,
      concerns: [],
      explanation: {
        terms: [],
        sentence: sentences[0] ?? '',
        summary: `Written in ${lang}, a language Pulse has no model for: stance and relevance are not guessed.`,
      },
      quotes: [],
      model: this.version,
    };
  }
}

/** A speaker's kind as the source kind the model knows. */
function kindSource(kind: Quote['speakerKind']): SourceKind | null {
  return kind === 'union' ? 'union' : kind === 'studio' ? 'studio' : null;
}

let cached: StanceModel | undefined;
/** The committed model, loaded once per process. */
export function defaultModel(): StanceModel {
  return (cached ??= StanceModel.load());
}
