import type { SourceKind } from '../labels.ts';
import { CUE_GROUPS } from './cues.ts';
import {
  LINKED,
  MARKS,
  NEGATED,
  aiContextFeatures,
  entityFeatures,
  scaleCount,
  stem,
  topicFeatures,
  type Analysis,
  type FeatureOptions,
} from './features.ts';
import type { SparseVec } from './logreg.ts';

/** A text's features as one model's indexes: the whole text, and each sentence on its own. */
export interface Indexed {
  x: SparseVec;
  perSentence: SparseVec[];
  /** the model's stem id of each word in the analysis (-1: a stem the model does not know) */
  stemIds: Int32Array;
}

const MAX_CACHED_WORDS = 200_000;

/**
 * Turns an {@link Analysis} into a model's feature indexes without building feature names: the
 * same features `featurise` names for training, looked up through tables built once per model
 * (a stem id per word, a number per bigram). Classification spends most of its time here, so
 * this is the fast path; a test checks it agrees with the named features on the whole corpus.
 */
export class FeatureIndex {
  readonly stems: string[] = [];
  private readonly stemId = new Map<string, number>();
  private readonly wordCache = new Map<string, number>();
  private readonly word: Int32Array;
  private readonly negated: Int32Array;
  private readonly bigram = new Map<number, number>();
  private readonly cue: Int32Array;
  private readonly question: number;
  private readonly exclaim: number;
  private readonly mark: Int32Array;
  private readonly named: Map<string, number>;
  /** scratch: the whole text's values, and which sentence last saw each feature */
  private readonly acc: Float64Array;
  private readonly stamp: Int32Array;
  private epoch = 0;

  constructor(
    features: readonly string[],
    private readonly o: FeatureOptions,
  ) {
    this.named = new Map(features.map((f, i) => [f, i]));
    const idOf = (st: string) => {
      let id = this.stemId.get(st);
      if (id === undefined) {
        id = this.stems.push(st) - 1;
        this.stemId.set(st, id);
      }
      return id;
    };
    const words: [number, number][] = [];
    const negs: [number, number][] = [];
    features.forEach((f, i) => {
      const rest = f.slice(2);
      if (f.startsWith('w:')) words.push([idOf(rest), i]);
      else if (f.startsWith('n:')) negs.push([idOf(rest), i]);
      else if (f.startsWith('b:')) {
        const cut = rest.indexOf('_');
        this.bigram.set(this.pair(idOf(rest.slice(0, cut)), idOf(rest.slice(cut + 1))), i);
      }
    });
    this.word = new Int32Array(this.stems.length).fill(-1);
    this.negated = new Int32Array(this.stems.length).fill(-1);
    for (const [id, i] of words) this.word[id] = i;
    for (const [id, i] of negs) this.negated[id] = i;
    this.cue = Int32Array.from(CUE_GROUPS, (g) => this.named.get(`c:${g.name}`) ?? -1);
    this.question = this.named.get('p:question') ?? -1;
    this.exclaim = this.named.get('p:exclaim') ?? -1;
    this.mark = Int32Array.from(MARKS, (m) => this.named.get(`p:${m}`) ?? -1);
    this.acc = new Float64Array(features.length);
    this.stamp = new Int32Array(features.length);
  }

  private pair(a: number, b: number): number {
    return a * 0x100000 + b;
  }

  /** The model's id for a word's stem, or -1. */
  private wordId(word: string): number {
    let id = this.wordCache.get(word);
    if (id === undefined) {
      id = this.stemId.get(stem(word)) ?? -1;
      if (this.wordCache.size < MAX_CACHED_WORDS) this.wordCache.set(word, id);
    }
    return id;
  }

  index(a: Analysis, sourceKind?: SourceKind | null): Indexed {
    const o = this.o;
    const { acc, stamp } = this;
    const touched: number[] = [];
    // whole text: present/absent features are 1, counts are summed (then log-scaled); every
    // touched feature is above zero until the reset at the end
    const present = (i: number) => {
      if (acc[i] === 0) touched.push(i);
      acc[i] = 1;
    };
    const count = (i: number, v: number) => {
      if (acc[i] === 0) touched.push(i);
      acc[i] += v;
    };
    const stemIds = new Int32Array(a.words.length);
    // sentence stamps count up for the life of the process; start again before they overflow
    if (this.epoch > 0x3fffffff - a.sentences.length) {
      this.epoch = 0;
      stamp.fill(0);
    }
    const perSentence: SparseVec[] = [];
    let idx: number[] = [];
    let val: number[] = [];
    let sentenceStamp = 0;
    // a word or bigram counts once per sentence
    const once = (i: number) => {
      if (stamp[i] === sentenceStamp) return;
      stamp[i] = sentenceStamp;
      idx.push(i);
      val.push(1);
      present(i);
    };
    const counted = (i: number, v: number) => {
      if (i < 0 || v === 0) return;
      idx.push(i);
      val.push(v);
      count(i, v);
    };
    for (let s = 0; s < a.sentences.length; s++) {
      sentenceStamp = ++this.epoch;
      idx = [];
      val = [];
      let prev = -1;
      for (let j = a.wordStart[s]!; j < a.wordStart[s + 1]!; j++) {
        const id = this.wordId(a.words[j]!);
        stemIds[j] = id;
        const flags = a.flags[j]!;
        if (id >= 0) {
          const i = o.negation && flags & NEGATED ? this.negated[id]! : this.word[id]!;
          if (i >= 0) once(i);
          if (o.bigrams && flags & LINKED && prev >= 0) {
            const b = this.bigram.get(this.pair(prev, id));
            if (b !== undefined) once(b);
          }
        }
        prev = id;
      }
      counted(this.question, a.questions[s]!);
      counted(this.exclaim, a.exclaims[s]!);
      for (let k = 0; k < MARKS.length; k++) counted(this.mark[k]!, a.marks[s * MARKS.length + k]!);
      if (o.cues) for (let g = 0; g < CUE_GROUPS.length; g++) counted(this.cue[g]!, a.cues[s * CUE_GROUPS.length + g]!);
      perSentence.push({ idx, val });
    }
    if (sourceKind && o.sourceKind) {
      const i = this.named.get(`k:${sourceKind}`);
      if (i !== undefined) present(i);
    }
    if (a.tags) {
      for (const f of entityFeatures(a.tags)) {
        const i = this.named.get(f);
        if (i !== undefined) present(i);
      }
    }
    for (const f of topicFeatures(a.topic)) {
      const i = this.named.get(f);
      if (i !== undefined) present(i);
    }
    if (o.aiContext && a.aiSentences.length) {
      for (const f of aiContextFeatures(a)) {
        const i = this.named.get(f);
        if (i !== undefined) present(i);
      }
      const i = this.named.get('a:sents');
      if (i !== undefined) count(i, a.aiSentences.length);
    }
    if (a.lang !== 'en') {
      const i = this.named.get(`l:${a.lang}`);
      if (i !== undefined) present(i);
    }
    const x: SparseVec = { idx: touched, val: touched.map((i) => scaleCount(acc[i]!)) };
    for (const i of touched) acc[i] = 0;
    return { x, perSentence, stemIds };
  }

  /** The word first written for a stem in this text (for explanations), or the stem itself. */
  surface(stemName: string, a: Analysis, ix: Indexed): string {
    const id = this.stemId.get(stemName);
    if (id !== undefined) {
      const j = ix.stemIds.indexOf(id);
      if (j >= 0) return a.written[j]!;
    }
    return stemName;
  }
}
