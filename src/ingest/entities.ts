import { PatternSet } from '../util/pattern-set.ts';

/**
 * Tags the studios, unions and guilds, and production areas an item mentions. Each tag has a
 * canonical name and the aliases people write; matching is on word boundaries and, for short
 * acronyms, case-sensitive, so "EA" the publisher is not "ea" in "each".
 */
interface Tag {
  name: string;
  /** patterns matched case-insensitively */
  words?: string[];
  /** patterns matched case-sensitively (acronyms) */
  acronyms?: string[];
}

export const STUDIOS: Tag[] = [
  { name: 'Netflix', words: ['netflix'] },
  {
    name: 'Disney',
    words: ['disney', 'pixar', 'lucasfilm', 'marvel studios', 'industrial light & magic', 'industrial light and magic'],
    acronyms: ['ILM'],
  },
  {
    name: 'Warner Bros. Discovery',
    words: ['warner bros\\.? discovery', 'warner bros\\.?', 'warner brothers', 'hbo max', 'hbo'],
    acronyms: ['WBD'],
  },
  { name: 'Paramount', words: ['paramount', 'skydance'] },
  { name: 'Sony', words: ['sony pictures', 'sony'] },
  {
    name: 'Universal/Comcast',
    words: [
      'universal pictures',
      'nbcuniversal',
      'nbc universal',
      'comcast',
      'dreamworks animation',
      'illumination entertainment',
      'peacock',
    ],
  },
  { name: 'Amazon MGM', words: ['amazon mgm', 'amazon studios', 'prime video', 'mgm'] },
  { name: 'Apple', words: ['apple tv\\+?', 'apple original films', 'apple'] },
  { name: 'Lionsgate', words: ['lionsgate', 'lions gate'] },
  { name: 'A24', words: ['a24'] },
  { name: 'Ubisoft', words: ['ubisoft'] },
  { name: 'Electronic Arts', words: ['electronic arts'], acronyms: ['EA'] },
  { name: 'Activision Blizzard', words: ['activision', 'blizzard entertainment', 'blizzard'] },
  { name: 'Microsoft Gaming', words: ['xbox game studios', 'xbox'] },
  { name: 'Take-Two', words: ['take-two', 'take two interactive', 'rockstar games'] },
  { name: 'Runway', words: ['runway ml', 'runwayml'] },
];

export const UNIONS: Tag[] = [
  { name: 'SAG-AFTRA', words: ['sag[- ]?aftra', 'screen actors guild'] },
  { name: 'WGA', words: ['writers guild of america', 'wga (?:west|east)', 'wgaw', 'wgae'], acronyms: ['WGA'] },
  { name: 'IATSE', words: ['iatse', 'international alliance of theatrical stage employees'] },
  { name: 'The Animation Guild', words: ['animation guild', 'tag local 839', 'local 839'] },
  { name: 'DGA', words: ['directors guild of america', 'directors guild'], acronyms: ['DGA'] },
  { name: 'Equity UK', words: ['british equity', 'equity uk', 'uk equity', 'equity union'] },
  { name: 'BECTU', words: ['bectu'] },
  { name: 'ACTRA', words: ['actra'] },
  { name: 'FIA', words: ['international federation of actors', 'fia-actors'], acronyms: ['FIA'] },
  {
    name: 'Writers Guild of Great Britain',
    words: ["writers' guild of great britain", 'writers guild of great britain'],
    acronyms: ['WGGB'],
  },
  { name: 'Writers Guild of Canada', words: ['writers guild of canada'], acronyms: ['WGC'] },
  { name: 'MEAA', words: ['meaa', 'media, entertainment (?:&|and) arts alliance'] },
  { name: 'Teamsters', words: ['teamsters'] },
  { name: 'Motion Picture Editors Guild', words: ['editors guild', 'local 700'] },
  { name: 'VES', words: ['visual effects society'] },
];

export const AREAS: Tag[] = [
  {
    name: 'vfx',
    words: [
      'vfx',
      'visual effects?',
      'compositing',
      'compositors?',
      'rotoscop\\w*',
      'de-?aging',
      'digital doubles?',
      'cgi',
      'render(?:ing|s|ed)?',
    ],
  },
  { name: 'writing', words: ['screenwrit\\w*', 'scripts?', 'writers?', "writers' rooms?", 'screenplays?', 'teleplays?'] },
  {
    name: 'acting_likeness',
    words: [
      'actors?',
      'actress(?:es)?',
      'performers?',
      'likeness(?:es)?',
      'digital replicas?',
      'body scans?',
      'background (?:actors|performers)',
      'extras',
      'deepfakes?',
      'synthetic performers?',
    ],
  },
  {
    name: 'voice_dubbing',
    words: [
      'voice actors?',
      'voice[- ]over',
      'voice cloning',
      'cloned voices?',
      'synthetic voices?',
      'dubb(?:ing|ed|ers?)',
      'voice work',
      'localis\\w*',
      'localiz\\w*',
    ],
  },
  { name: 'animation', words: ['animat(?:ion|ors?|ed)', 'anime'] },
  { name: 'previs_storyboards', words: ['previs\\w*', 'pre-vis\\w*', 'storyboard\\w*', 'concept art(?:ists?)?', 'animatics?'] },
  { name: 'marketing', words: ['trailers?', 'posters?', 'marketing', 'key art', 'promos?'] },
  {
    name: 'recommendation',
    words: ['recommendation (?:engine|algorithm|system)s?', 'recommendations?', 'personali[sz]ed artwork', 'algorithmic'],
  },
  { name: 'games', words: ['video ?games?', 'game (?:studio|developer|publisher)s?', 'gaming'] },
  { name: 'editing_post', words: ['editors?', 'editing', 'post-production', 'colou?r grading', 'sound design', 'subtitl\\w*'] },
];

/** Words that say an item is about AI or automation. */
const AI_PATTERN =
  /\b(?:a\.?i\.?|gen[- ]?ai|generative|artificial intelligence|machine learning|neural|algorithm\w*|automat\w*|synthetic|deepfakes?|digital replicas?|voice clon\w*|cloned|large language models?|llms?|chatgpt|sora|midjourney|runway|stable diffusion|text-to-video|text-to-image|ai-generated|ai-driven|ai-powered)\b/i;
const AI_CASED = /\b(?:AI|GenAI|ML)\b/;

/** Aliases match as whole words: not inside a longer word or a hyphenated one. */
const WORD_START = '(?<![\\w-])';
const bounded = (alternatives: string[]) => `(?:${alternatives.join('|')})(?![\\w-])`;

/** One pattern per tag and case rule; `owner` says which tag each belongs to. */
function compile(cased: boolean) {
  const sources: string[] = [];
  const owner: Tag[] = [];
  for (const t of [...STUDIOS, ...UNIONS, ...AREAS]) {
    const list = cased ? t.acronyms : t.words;
    if (!list?.length) continue;
    sources.push(bounded(list));
    owner.push(t);
  }
  return { set: new PatternSet(sources, cased ? '' : 'i', WORD_START), owner };
}

const caseless = compile(false);
const cased = compile(true);

export interface EntityTags {
  studios: string[];
  unions: string[];
  areas: string[];
  /** the text talks about AI, generative tools or automation */
  mentionsAi: boolean;
}

/** Tags one text. Pure; the same text always gives the same tags, in declaration order. */
export function tagEntities(text: string): EntityTags {
  const found = new Set<Tag>();
  for (const { set, owner } of [caseless, cased]) set.scan(text, (i) => found.add(owner[i]!));
  const pick = (tags: Tag[]) => tags.filter((t) => found.has(t)).map((t) => t.name);
  return { studios: pick(STUDIOS), unions: pick(UNIONS), areas: pick(AREAS), mentionsAi: AI_PATTERN.test(text) || AI_CASED.test(text) };
}

/**
 * First-pass relevance from tags alone: AI is mentioned together with a screen or games studio,
 * union or production area. The classifier refines this flag when it labels the item.
 */
export function looksRelevant(tags: EntityTags): boolean {
  return tags.mentionsAi && (tags.studios.length > 0 || tags.unions.length > 0 || tags.areas.length > 0);
}

const TAG_LISTS = { studio: STUDIOS, union: UNIONS, area: AREAS } as const;
export type EntityKind = keyof typeof TAG_LISTS;

/** Every tag's aliases as whole-value patterns, case-insensitive (a filter value, not running text). */
const wholeValue = new Map(
  (Object.keys(TAG_LISTS) as EntityKind[]).map((kind) => [
    kind,
    TAG_LISTS[kind].map((t) => ({
      name: t.name,
      re: new RegExp(`^(?:${[...(t.words ?? []), ...(t.acronyms ?? [])].join('|') || '(?!)'})$`, 'i'),
    })),
  ]),
);

/**
 * The canonical name of the studio, union or area a filter value means: its name in any case,
 * or any of its aliases ("wbd" and "HBO" are Warner Bros. Discovery). `known` lists the names,
 * for an error message when there is no match.
 */
export function resolveEntity(kind: EntityKind, value: string): { name: string | undefined; known: string[] } {
  const v = value.trim().replace(/\s+/g, ' ');
  const tags = wholeValue.get(kind)!;
  const known = tags.map((t) => t.name);
  const exact = tags.find((t) => t.name.toLowerCase() === v.toLowerCase());
  if (exact) return { name: exact.name, known };
  return { name: tags.find((t) => t.re.test(v))?.name, known };
}
