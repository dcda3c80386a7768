import type { SourceKind } from '../labels.ts';
import { tagEntities, type EntityTags } from '../ingest/entities.ts';
import { PatternSet } from '../util/pattern-set.ts';
import { CUE_GROUPS, CUE_SETS, type ModelLang } from './cues.ts';
import { AREA_WORDS_ES, STUDIO_WORDS_ES, UNION_WORDS_ES, deaccent } from './lexicon-es.ts';
import { PorterStemmer, PorterStemmerEs } from './natural.ts';
import { prepareSentences } from './prepare.ts';
import { defaultTopic, type TopicMatch } from './topic.ts';

const NEGATORS = new Set([
  'not',
  'no',
  'never',
  'without',
  'hardly',
  'nobody',
  'none',
  'nothing',
  'nor',
  'cannot',
  'neither',
  'barely',
  'rarely',
  'nowhere',
  'noone',
]);
/** Words a negation does not reach past. */
const SCOPE_BREAKERS = new Set(['but', 'however', 'yet', 'although', 'though', 'while', 'whereas']);
const NEGATION_SCOPE = 3;

const PUNCTUATION = new Set(['.', ',', ';', ':', '!', '?']);
/** A handle (kept as one token class), a word, or punctuation. */
const TOKEN = /@[\p{L}\p{N}_]+|[\p{L}\p{N}]+(?:['’]\p{L}+)?|[.,;:!?]/gu;
/** What every handle becomes: "@SAGAFTRA" and "@jane_doe" are the same feature. */
export const HANDLE = '@handle';
/** Words of a Spanish text carry this prefix, so a shared model keeps the languages apart. */
export const ES_PREFIX = 'es~';

export { splitSentences } from './sentences.ts';

const stemCache = new Map<string, string>();
/** Stem of a lower-cased word, cached: Porter, or natural's Spanish Porter for `es~` words. */
export function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = word.startsWith(ES_PREFIX)
      ? ES_PREFIX + PorterStemmerEs.stem(word.slice(ES_PREFIX.length))
      : word === HANDLE
        ? word
        : PorterStemmer.stem(word);
    if (stemCache.size < 200_000) stemCache.set(word, s);
  }
  return s;
}

/** Spanish aliases for unions, studios and production areas, in one scan (accents removed). */
const ES_AREAS = Object.keys(AREA_WORDS_ES);
const ES_ENTITIES = new PatternSet(
  [
    ...ES_AREAS.map((a) => `(?:${AREA_WORDS_ES[a]!.join('|')})\\b`),
    `(?:${UNION_WORDS_ES.join('|')})\\b`,
    `(?:${STUDIO_WORDS_ES.join('|')})\\b`,
  ],
  '',
  '\\b',
);

export type FeatureBag = Map<string, number>;

function add(bag: FeatureBag, key: string, by = 1) {
  bag.set(key, (bag.get(key) ?? 0) + by);
}

/** Which feature families to use. The ablation benchmark switches each one off in turn. */
export interface FeatureOptions {
  bigrams: boolean;
  negation: boolean;
  cues: boolean;
  entities: boolean;
  sourceKind: boolean;
  /**
   * where AI is named: in the opening sentence, in how many sentences, and which cue groups
   * share a sentence with it ("pay" beside "AI" is not "pay" in a rate-card release)
   */
  aiContext?: boolean;
}

/**
 * The shipped model leaves out negation-scoped words: on the dev split they cost 0.010 macro-F1
 * (0.865 vs 0.875), and on its hard-case slice too, because bigrams ("no job", "not worri") and
 * the reassurance and threat cue groups already carry the negations that matter
 * (docs/decisions/0001-stance-classifier.md).
 */
export const SHIPPED_FEATURES: FeatureOptions = {
  bigrams: true,
  negation: false,
  cues: true,
  entities: true,
  sourceKind: true,
  // measured and left off: it helped relevance on some held-out writers and cost Spanish social
  // posts and the feed weeks on the latest (docs/decisions/0013)
  aiContext: false,
};
export const ALL_FEATURES: FeatureOptions = { ...SHIPPED_FEATURES, negation: true, aiContext: true };

/** Caps very long inputs: the opening carries the stance in news copy, and speed stays flat. */
export const MAX_CLASSIFIED_CHARS = 6000;
/** Raw input read before preparation (HTML is longer than the text it carries). */
const MAX_RAW_CHARS = 24_000;

/**
 * Marks counted per sentence: short phrases in quotation marks (scare quotes: 'AI review',
 * "efficiency", a studio's claim held up to be doubted) and emoji that cheer or grimace. The
 * model learns what each is worth; social posts and sarcastic columns lean on them.
 */
export const MARKS = ['scare', 'emoji_up', 'emoji_down'] as const;
const MARK_PATTERNS: RegExp[] = [
  /(?:^|[\s(—–-])['‘"“«](?=[^'’"”»]{2,40}['’"”»](?:[\s,.;:!?)—–-]|$))(?:[^\s'’"”»]+(?:\s+[^\s'’"”»]+){0,4})['’"”»](?=[\s,.;:!?)—–-]|$)/gu,
  /[\u{1F389}\u{1F525}\u{1F680}\u{1F60D}\u{1F44F}\u{2728}\u{1F64C}\u{1F929}\u{1F4AF}\u{1F973}\u{2764}\u{1F495}\u{1F60A}\u{1F603}\u{1F604}]/gu,
  /[\u{1F621}\u{1F620}\u{1F624}\u{1F631}\u{1F622}\u{1F44E}\u{1F92C}\u{1F644}\u{1F62C}\u{1F610}\u{1F643}\u{1F612}\u{1F480}\u{1F494}\u{1F928}\u{1F611}]/gu,
];

/**
 * What comes just before a named AI term when the text denies it: a negator, then at most three
 * small words ("no AI", "not because of AI", "without a single neural net", "nada que ver con la
 * IA"). A negated verb is not a denial: "will not allow AI replicas" is a union's demand.
 */
const DENY: Record<ModelLang, { words: string; fillers: string }> = {
  en: {
    words:
      "no|not|nor|never|without|isn't|wasn't|aren't|weren't|didn't|doesn't|don't|nothing to do with|rather than|instead of|free of|zero",
    fillers:
      'a|an|the|any|single|because|of|about|from|by|using|use|used|uses|involves?|involving|involved|real|actual|even|one|it|its|made|generated|created|done|with',
  },
  es: {
    words: 'no|sin|ni|nunca|nada que ver con|en lugar de|en vez de',
    fillers: 'de|la|el|las|los|una|un|por|con|ninguna|ningun|ninguno|nada|usa|uso|usar|es|fue|era|hecho|hecha',
  },
};
/** the negator, then at most three small words, then the term (no comma: "No, AI is coming" is not a denial) */
const DENIED: Record<ModelLang, RegExp> = {
  en: new RegExp(`(?:^|[^\\p{L}'])(?:${DENY.en.words})(?:\\s+(?:${DENY.en.fillers})){0,3}[\\s(]*$`, 'iu'),
  es: new RegExp(`(?:^|[^\\p{L}])(?:${DENY.es.words})(?:\\s+(?:${DENY.es.fillers})){0,3}[\\s(]*$`, 'iu'),
};
/** what follows a term when the text denies the safeguards, not the AI ("without AI protections") */
const SAFEGUARD_AFTER =
  /^(?:[\s-]*(?:protections?|rules?|safeguards?|clauses?|guardrails?|provisions?|polic(?:y|ies)|terms|language|regulations?|consent|protecciones|reglas|cl[aá]usulas?|salvaguardas?))/iu;

/** Flags of a word in {@link Analysis.flags}. */
export const LINKED = 1; // follows another word with no punctuation between: the two make a bigram
export const NEGATED = 2; // within a negation's scope (and not a negator itself)

/**
 * A text read once, independent of any model: its sentences, their words and cue-group counts,
 * and the entity tags. Training turns it into named features ({@link featurise}); a loaded model
 * turns it straight into its own feature indexes, so both always see the same features.
 */
export interface Analysis {
  /** the language whose stemmer and cue lexicon read the text */
  lang: ModelLang;
  sentences: string[];
  /** the sentences lower-cased, joined by line breaks (what cues were matched on, accents removed for Spanish) */
  joined: string;
  /** where each sentence starts in `joined` */
  starts: number[];
  /** every cue match: group and offset in `joined`, in text order */
  cueHits: [number, number][];
  /** the topic terms the text names (stage one of relevance) */
  topic: TopicMatch;
  /** the words of sentence s are words[wordStart[s]] up to words[wordStart[s + 1]] */
  wordStart: number[];
  /** each word as the stemmer takes it: lower-cased, a trailing 's removed */
  words: string[];
  /** each word as written (lower-cased), for readable explanations */
  written: string[];
  flags: number[];
  questions: number[];
  exclaims: number[];
  /** marks[s * MARKS.length + m]: scare quotes and emoji of sentence s ({@link MARKS}) */
  marks: Int32Array;
  /** cues[s * CUE_GROUPS.length + g]: matches of cue group g in sentence s (empty without cues) */
  cues: Int32Array;
  /** entity tags of the whole text (undefined without entities) */
  tags?: EntityTags;
  /** the sentences that name AI outright (indexes, ascending; only with the aiContext family) */
  aiSentences: number[];
  /** how many of the named AI terms are denied ("no AI", "not because of AI", "sin IA"; only with aiContext) */
  aiDenied: number;
}

/** A text's prepared sentences, clipped to {@link MAX_CLASSIFIED_CHARS}. */
export function readSentences(text: string): string[] {
  const sentences = prepareSentences(text.length > MAX_RAW_CHARS ? text.slice(0, MAX_RAW_CHARS) : text);
  let chars = 0;
  const out: string[] = [];
  for (const s of sentences) {
    if (chars + s.length > MAX_CLASSIFIED_CHARS) {
      if (!out.length) out.push(s.slice(0, MAX_CLASSIFIED_CHARS));
      break;
    }
    out.push(s);
    chars += s.length + 1;
  }
  return out;
}

/**
 * Fills {@link Analysis.aiSentences} and {@link Analysis.aiDenied} from the topic's offsets in
 * `text`, the sentences joined by line breaks (what the topic was matched on).
 */
function markAi(a: Analysis, text: string) {
  const n = a.sentences.length;
  for (let s = 0, at = 0, h = 0; s < n && h < a.topic.at.length; s++) {
    const end = at + a.sentences[s]!.length;
    if (a.topic.at[h]! <= end) a.aiSentences.push(s);
    while (h < a.topic.at.length && a.topic.at[h]! <= end) h++;
    at = end + 1;
  }
  // the 48 characters before each term, within its own sentence, apostrophes made straight
  for (const at of a.topic.at) {
    const from = Math.max(0, at - 48, text.lastIndexOf('\n', at - 1) + 1);
    const window = text.slice(from, at).replace(/’/g, "'");
    const term = /^[\p{L}\p{N}.-]+/u.exec(text.slice(at))?.[0] ?? '';
    if (DENIED[a.lang].test(window) && !SAFEGUARD_AFTER.test(text.slice(at + term.length))) a.aiDenied++;
  }
}

/**
 * Reads a text (raw, or sentences from {@link readSentences}): words with their negation scope
 * and bigram links, cue groups, entity tags and topic terms, in the given language.
 */
export function analyse(text: string | string[], o: FeatureOptions = SHIPPED_FEATURES, lang: ModelLang = 'en'): Analysis {
  const sentences = typeof text === 'string' ? readSentences(text) : text;
  const n = sentences.length;
  // Each sentence lower-cased on its own, joined by line breaks: one scan then serves them all,
  // and no token or cue crosses from one sentence into the next.
  const raw = sentences.join('\n');
  const lower = sentences.map((s) => s.toLowerCase().replace(/’/g, "'"));
  const original = lower.join('\n');
  const joined = lang === 'es' ? deaccent(original) : original;
  const starts: number[] = [];
  for (let s = 0, at = 0; s < n; s++) {
    starts.push(at);
    at += lower[s]!.length + 1;
  }
  const a: Analysis = {
    lang,
    sentences,
    joined,
    starts,
    cueHits: [],
    topic: defaultTopic().match(raw),
    wordStart: [],
    words: [],
    written: [],
    flags: [],
    questions: new Array<number>(n).fill(0),
    exclaims: new Array<number>(n).fill(0),
    marks: new Int32Array(n * MARKS.length),
    cues: new Int32Array(o.cues ? n * CUE_GROUPS.length : 0),
    aiSentences: [],
    aiDenied: 0,
  };
  if (o.aiContext) markAi(a, raw);
  let s = -1;
  let end = 0; // where sentence s ends in `joined`
  let negate = 0;
  let linked = false;
  const prefix = lang === 'en' ? '' : ES_PREFIX;
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN.exec(original)) !== null) {
    while (m.index >= end) {
      s++;
      a.wordStart.push(a.words.length);
      end = starts[s]! + lower[s]!.length;
      negate = 0;
      linked = false;
    }
    const tok = m[0];
    if (tok.length === 1 && PUNCTUATION.has(tok)) {
      negate = 0;
      linked = false;
      if (tok === '?') a.questions[s]!++;
      else if (tok === '!') a.exclaims[s]!++;
      continue;
    }
    const isNeg = NEGATORS.has(tok) || tok.endsWith("n't");
    if (SCOPE_BREAKERS.has(tok)) negate = 0;
    a.words.push(tok[0] === '@' ? HANDLE : prefix ? prefix + tok : tok.endsWith("'s") ? tok.slice(0, -2) : tok);
    a.written.push(tok);
    a.flags.push((linked ? LINKED : 0) | (negate > 0 && !isNeg ? NEGATED : 0));
    linked = true;
    if (isNeg) negate = NEGATION_SCOPE;
    else if (negate > 0) negate--;
  }
  while (a.wordStart.length <= n) a.wordStart.push(a.words.length);
  for (let t = 0; t < n; t++) {
    const sentence = sentences[t]!;
    MARK_PATTERNS.forEach((re, k) => {
      if (!re.test(sentence)) return;
      re.lastIndex = 0;
      let hits = 0;
      while (re.exec(sentence) !== null) hits++;
      a.marks[t * MARKS.length + k] = hits;
    });
  }
  if (o.cues) {
    let sentence = 0;
    CUE_SETS[lang].scan(joined, (group, at) => {
      while (at >= starts[sentence]! + lower[sentence]!.length) sentence++;
      a.cues[sentence * CUE_GROUPS.length + group]!++;
      a.cueHits.push([group, at]);
    });
  }
  if (o.entities) {
    const tags = tagEntities(raw);
    if (lang === 'es') {
      const areas = new Set(tags.areas);
      ES_ENTITIES.scan(joined, (p) => {
        if (p < ES_AREAS.length) areas.add(ES_AREAS[p]!);
        else if (p === ES_AREAS.length && !tags.unions.length) tags.unions.push('(sindicato)');
        else if (p === ES_AREAS.length + 1 && !tags.studios.length) tags.studios.push('(productora)');
      });
      tags.areas = [...areas];
    }
    // AI in the machine-learning sense, from the topic file: not "automated" or "algorithm"
    a.tags = { ...tags, mentionsAi: a.topic.named };
  }
  return a;
}

export interface Featurised {
  bag: FeatureBag;
  sentences: string[];
  /** features of each sentence, for picking the most telling one */
  perSentence: FeatureBag[];
  /** stem -> a surface word seen in this text, for readable explanations */
  surfaces: Map<string, string>;
}

/** Entity-tag features of a text, by name. */
export function entityFeatures(tags: EntityTags): string[] {
  const out: string[] = [];
  if (tags.mentionsAi) out.push('e:ai');
  if (tags.studios.length) out.push('e:studio');
  if (tags.unions.length) out.push('e:union');
  for (const area of tags.areas) out.push(`e:area:${area}`);
  if (tags.mentionsAi && (tags.studios.length || tags.unions.length || tags.areas.length)) out.push('e:ai_screen');
  return out;
}

/**
 * Where AI is named ({@link FeatureOptions.aiContext}): `a:lede` when the opening sentence names
 * it, `a:sents` (a count) for how many sentences do, and `a:<cue group>` for each cue group that
 * shares a sentence with it.
 */
export function aiContextFeatures(a: Analysis): string[] {
  if (!a.aiSentences.length) return [];
  const out = a.aiSentences[0] === 0 ? ['a:lede'] : [];
  if (a.aiDenied) out.push(a.aiDenied >= a.topic.at.length ? 'a:only_denied' : 'a:denied');
  if (a.cues.length) {
    const seen = new Set<number>();
    for (const s of a.aiSentences) for (let g = 0; g < CUE_GROUPS.length; g++) if (a.cues[s * CUE_GROUPS.length + g]) seen.add(g);
    for (const g of [...seen].sort((x, y) => x - y)) out.push(`a:${CUE_GROUPS[g]!.name}`);
  }
  return out;
}

/** Topic-gate features: AI named outright, or only a related word ("the tool", "a synthetic voice"). */
export function topicFeatures(topic: TopicMatch): string[] {
  return topic.named ? ['t:named'] : topic.matched ? ['t:related'] : ['t:none'];
}

/**
 * The named features of a whole text, as training sees them: words (w:), negation-scoped words
 * (n:), bigrams (b:), cue-group counts (c:), questions and exclamations (p:), who is speaking
 * (k:) and entity tags (e:). A text's bag is the union of its sentences' features (cue and
 * punctuation counts summed and log-scaled, the rest present/absent).
 */
export function featurise(
  text: string | string[],
  sourceKind?: SourceKind | null,
  o: FeatureOptions = SHIPPED_FEATURES,
  lang: ModelLang = 'en',
): Featurised {
  return featuriseAnalysis(analyse(text, o, lang), sourceKind, o);
}

/** {@link featurise} of a text already analysed. */
export function featuriseAnalysis(a: Analysis, sourceKind?: SourceKind | null, o: FeatureOptions = SHIPPED_FEATURES): Featurised {
  const lang = a.lang;
  const surfaces = new Map<string, string>();
  const perSentence: FeatureBag[] = [];
  for (let s = 0; s < a.sentences.length; s++) {
    const bag: FeatureBag = new Map();
    let prev: string | undefined;
    for (let j = a.wordStart[s]!; j < a.wordStart[s + 1]!; j++) {
      const st = stem(a.words[j]!);
      if (!surfaces.has(st)) surfaces.set(st, a.written[j]!);
      bag.set(o.negation && a.flags[j]! & NEGATED ? `n:${st}` : `w:${st}`, 1);
      if (o.bigrams && a.flags[j]! & LINKED) bag.set(`b:${prev}_${st}`, 1);
      prev = st;
    }
    if (a.questions[s]) bag.set('p:question', a.questions[s]!);
    if (a.exclaims[s]) bag.set('p:exclaim', a.exclaims[s]!);
    MARKS.forEach((mark, k) => {
      const hits = a.marks[s * MARKS.length + k]!;
      if (hits) bag.set(`p:${mark}`, hits);
    });
    if (o.cues) {
      CUE_GROUPS.forEach((group, g) => {
        const hits = a.cues[s * CUE_GROUPS.length + g]!;
        if (hits) bag.set(`c:${group.name}`, hits);
      });
    }
    perSentence.push(bag);
  }
  const bag: FeatureBag = new Map();
  for (const sentence of perSentence) {
    for (const [k, v] of sentence) {
      if (k.startsWith('c:') || k.startsWith('p:')) add(bag, k, v);
      else bag.set(k, 1);
    }
  }
  // counts become log-scaled so a long text does not drown the rest
  for (const [k, v] of bag) if (v > 1) bag.set(k, scaleCount(v));
  if (sourceKind && o.sourceKind) bag.set(`k:${sourceKind}`, 1);
  if (a.tags) for (const f of entityFeatures(a.tags)) bag.set(f, 1);
  if (lang !== 'en') bag.set(`l:${lang}`, 1);
  for (const f of topicFeatures(a.topic)) bag.set(f, 1);
  if (o.aiContext && a.aiSentences.length) {
    for (const f of aiContextFeatures(a)) bag.set(f, 1);
    bag.set('a:sents', scaleCount(a.aiSentences.length));
  }
  return { bag, sentences: a.sentences, perSentence, surfaces };
}

/** A count summed over a text's sentences, as the model sees it. */
export const scaleCount = (v: number) => (v > 1 ? 1 + Math.log(v) : v);
