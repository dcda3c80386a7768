import { AREAS, STUDIOS, UNIONS } from '../ingest/entities.ts';
import { CUE_GROUPS, cueMatchAt } from './cues.ts';
import type { Indexed } from './feature-index.ts';
import type { Analysis } from './features.ts';
import type { LoadedLangModel } from './model.ts';

/** Why a label was given, in words a union analyst reads. */
export interface Explanation {
  /** what pushed the decision, strongest first: cue groups with the words that matched, then words */
  terms: { term: string; weight: number }[];
  /** the whole sentence whose features push hardest towards the label */
  sentence: string;
  /** one line: the label and its main reasons */
  summary?: string;
}

/** Each cue group as a reader would name it. */
const GROUP_PHRASE: Record<string, string> = {
  demand: 'demand words',
  protection: 'protection words',
  threat: 'job-threat words',
  fear: 'fear and protest words',
  likeness: 'likeness and voice words',
  training: 'training-data words',
  credit: 'credit words',
  pay: 'pay words',
  control: 'creative-control words',
  sarcasm: 'sarcasm',
  gain: 'speed and cost-saving words',
  enthusiasm: 'enthusiasm words',
  tool: 'AI-as-a-tool words',
  violent_praise: 'praise in violent words',
  reassure: 'reassurance words',
  report: 'reporting words',
  ai_subject: "AI as a story's subject",
  other_industry: 'other-industry words',
  by_hand: 'done-by-hand words',
  non_ml: 'non-AI technology words',
};
const AREA_PHRASE: Record<string, string> = {
  vfx: 'visual effects',
  writing: 'writing',
  acting_likeness: 'actors and likeness',
  voice_dubbing: 'voice and dubbing',
  animation: 'animation',
  previs_storyboards: 'previs and storyboards',
  marketing: 'marketing',
  recommendation: 'recommendations',
  games: 'games',
  editing_post: 'editing and post-production',
};
const MARK_PHRASE: Record<string, string> = {
  question: 'asked as a question',
  exclaim: 'exclamation',
  scare: 'words held in scare quotes',
  emoji_up: 'cheering emoji',
  emoji_down: 'grimacing emoji',
};
const STANCE_PHRASE = { excitement: 'Excitement', worry: 'Worry', neutral: 'Neutral' } as const;

/** Words too common to explain anything to a reader; they still count in the model. */
const FUNCTION_WORDS = new Set(
  'a an the of to in on at for by with from and or but as is are was were be been it its this that these those our their his her my your we they he she i you us them than then so if into about over after before up out el la los las un una de del en y o que se su sus por para con al lo es son'.split(
    ' ',
  ),
);

const round = (v: number) => Math.round(v * 1000) / 1000;
const quoteList = (words: string[]) => words.map((w) => `'${w}'`).join(', ');

interface Input {
  lm: LoadedLangModel;
  analysis: Analysis;
  indexed: Indexed;
  /** the class decided */
  k: number;
  relevant: boolean;
  relevance: number;
  /** whether the topic gate let the item on to the relevance model */
  passes: boolean;
}

/**
 * The features that pushed the decision towards class k (weight above the class average, times
 * the feature's value), phrased for a reader, and the sentence whose features push hardest.
 */
export function explain({ lm, analysis, indexed, k, relevant, relevance, passes }: Input): Explanation {
  const { x, perSentence } = indexed;
  const c = lm.centered[k]!;
  const features = lm.m.features;
  const ranked: { i: number; weight: number }[] = [];
  for (let j = 0; j < x.idx.length; j++) {
    const weight = c[x.idx[j]!]! * x.val[j]!;
    if (weight > 0.01) ranked.push({ i: x.idx[j]!, weight });
  }
  ranked.sort((a, b) => b.weight - a.weight || a.i - b.i);
  const word = (st: string) => lm.index.surface(st, analysis, indexed);
  let lowered: string | undefined;
  const written = () => (lowered ??= analysis.sentences.join('\n').toLowerCase());
  const terms: Explanation['terms'] = [];
  for (const r of ranked) {
    const phrase = readable(features[r.i]!, analysis, word, written);
    if (!phrase) continue;
    terms.push({ term: phrase, weight: round(r.weight) });
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
  const stance = lm.m.stance.classes[k]!;
  let summary: string;
  if (!passes) summary = 'Off-topic: no AI, machine-learning or generative terms.';
  else if (!relevant)
    summary = `Off-topic: ${analysis.topic.terms.length ? `names ${quoteList(analysis.topic.terms.slice(0, 3))} but ` : ''}reads as something other than AI in screen work (relevance ${relevance.toFixed(2)}).`;
  else {
    const reasons = terms.slice(0, 3).map((t) => t.term);
    summary = `${STANCE_PHRASE[stance]}${reasons.length ? `: ${reasons.join('; ')}` : ''}.`;
  }
  return { terms: relevant ? terms : [], sentence: analysis.sentences[best] ?? '', summary };
}

/** A feature as words a reader recognises, or undefined for one that explains nothing. */
function readable(key: string, a: Analysis, word: (stem: string) => string, written: () => string): string | undefined {
  const kind = key.slice(0, 2);
  const rest = key.slice(2);
  if (kind === 'k:' || kind === 'l:' || kind === 't:') return undefined;
  if (kind === 'c:') {
    const g = CUE_GROUPS.findIndex((group) => group.name === rest);
    const seen: string[] = [];
    for (const [group, at] of a.cueHits) {
      if (group !== g) continue;
      // Spanish cues match text without accents: show the words as written
      const len = cueMatchAt(a.lang, g, a.joined, at).length;
      const w = written()
        .slice(at, at + len)
        .trim();
      if (w && !seen.includes(w)) seen.push(w);
      if (seen.length === 3) break;
    }
    return `${GROUP_PHRASE[rest] ?? rest}${seen.length ? `: ${quoteList(seen)}` : ''}`;
  }
  if (kind === 'p:') return MARK_PHRASE[rest] ?? rest;
  if (kind === 'a:') {
    if (rest === 'lede') {
      const opening = a.sentences[0]!.toLowerCase();
      return `names AI in its opening sentence: ${quoteList(a.topic.terms.filter((t) => opening.includes(t.toLowerCase())).slice(0, 2))}`;
    }
    if (rest === 'denied') return 'denies AI in one place ("no AI", "not because of AI")';
    if (rest === 'only_denied') return 'names AI only to deny it ("no AI", "not because of AI")';
    if (rest === 'sents') return `names AI in ${a.aiSentences.length} sentence${a.aiSentences.length === 1 ? '' : 's'}`;
    return `${GROUP_PHRASE[rest] ?? rest} in the same sentence as AI`;
  }
  if (key === 'e:ai') return `AI terms: ${quoteList(a.topic.terms.slice(0, 3))}`;
  if (key === 'e:studio')
    return `names a studio${a.tags?.studios.length ? `: ${a.tags.studios.filter((s) => STUDIOS.some((t) => t.name === s) || s.startsWith('(')).join(', ')}` : ''}`;
  if (key === 'e:union')
    return `names a union${a.tags?.unions.length ? `: ${a.tags.unions.filter((u) => UNIONS.some((t) => t.name === u) || u.startsWith('(')).join(', ')}` : ''}`;
  if (key === 'e:ai_screen') return 'AI in screen work';
  if (key.startsWith('e:area:')) {
    const area = key.slice(7);
    return AREAS.some((t) => t.name === area) ? `about ${AREA_PHRASE[area] ?? area}` : undefined;
  }
  if (kind === 'w:' || kind === 'n:' || kind === 'b:') {
    const words = rest.split('_').map(word);
    if (words.every((w) => FUNCTION_WORDS.has(w) || w.startsWith('es~'))) return undefined;
    const shown = words.map((w) => (w === '@handle' ? '(a handle)' : w.replace(/^es~/, ''))).join(' ');
    return kind === 'n:' ? `'not … ${shown}'` : `'${shown}'`;
  }
  return undefined;
}
