/**
 * Language of a text (ISO 639-1) among those Pulse meets: en, es, pt, fr, it, de, and Catalan and
 * Galician (so Spanish outlets' items in them are flagged, not read as Spanish). Built for
 * headlines as much as articles: function words (each shared word split between the languages
 * that use it), spelling that only one language has (ñ, ã, ß, "ção", "ción", "zione"), and
 * common word endings. Measured against franc-min, tinyld and eld in
 * docs/decisions/0002-language-detection.md; this one loads in under a millisecond.
 */

export const LANGUAGES = ['en', 'es', 'pt', 'fr', 'it', 'de', 'ca', 'gl'] as const;
export type Language = (typeof LANGUAGES)[number];

const FUNCTION_WORDS: Record<Language, string> = {
  en: 'the a an of to in on at for by with from and or but is are was were be been has have had it its this that these those their his her they we you he she i not no will would can could should what why how who when where as than over after into about up out new says said amid after its more most first just only also does do my your our me us them there here so if all your get gets',
  es: 'el la los las un una unos unas de del al en y o pero es son fue era ser han ha con por para sin sobre entre que qué quién cómo cuándo dónde se su sus lo le les nos no sí más muy ya también este esta estos estas ese esa tras ante hasta desde según dice dijo está están hay sus nuevo nueva cuando como porque',
  pt: 'o os a as um uma uns umas de do da dos das no na nos nas em e ou mas é são foi era ser com por para pelo pela sem sobre entre que quem como quando onde se seu sua seus suas lhe não sim mais muito já também este esta estes estas esse essa isso ao aos à às até desde segundo diz disse está estão há vai novo nova porque',
  fr: 'le la les un une des de du au aux en et ou mais est sont était être a ont avec par pour sans sur entre que qui quoi comment quand où se sa son ses leur leurs ne pas plus très déjà aussi ce cet cette ces il elle ils elles nous vous on dans selon dit après avant face va nouveau nouvelle l d qu n c',
  it: 'il lo la i gli le un uno una di del della dei degli delle al alla agli alle in nel nella nei e o ma è sono era essere ha hanno con per senza su sul sulla tra fra che chi come quando dove si suo sua suoi loro non sì più molto già anche questo questa questi queste quello quella dice dopo prima contro nuovo nuova perché l d un',
  ca: 'els dels als amb però aquest aquesta aquests aquestes aquell aquella seva seves molt també segons vaig van perquè',
  gl: 'unha unhas ningunha algunha máis tamén dixo súa súas xa moi ata hai',
  de: 'der die das den dem des ein eine einen einem einer und oder aber ist sind war sein hat haben mit von für ohne auf über zwischen dass wer wie wann wo sich sein ihr ihre nicht ja mehr sehr schon auch dieser diese dieses im am zum zur bei nach vor gegen wird werden neue neuer neues sagt um aus wegen durch noch nur beim vom ins kein keine wir uns es sie er',
};

/** Spellings (checked as substrings of the lower-cased text) and their weight per language. */
const SPELLINGS: [RegExp, Partial<Record<Language, number>>][] = [
  [/ñ/g, { es: 2 }],
  [/\w(?:aje|ajes)\b|\wía\b|\wías\b/g, { es: 0.6 }],
  [/l·l|\w(?:ció|cions)\b/g, { ca: 2 }],
  [/\w(?:axe|axes|ería)\b/g, { gl: 1 }],
  [/[¿¡]/g, { es: 3 }],
  [/ción\b|ciones\b/g, { es: 2 }],
  [/[ãõ]/g, { pt: 2.5 }],
  [/ção\b|ções\b|ções|lh|nh/g, { pt: 1.2 }],
  [/ç/g, { pt: 0.8, fr: 0.8 }],
  [/[ß]/g, { de: 3 }],
  [/[äöü]/g, { de: 1.5 }],
  [/sch|tz\b|ung\b|ungen\b|keit\b|lich\b|chen\b/g, { de: 1 }],
  [/[èêëîïôûœ]/g, { fr: 1.2 }],
  [/[àâ]/g, { fr: 0.6, pt: 0.3, it: 0.3 }],
  [/\b[ldjqnsc]['’]\p{L}/gu, { fr: 1.5, it: 0.6 }],
  [/zion[ei]\b|zz|gli\b|tà\b|ità\b/g, { it: 1.2 }],
  [/\p{L}['’]s\b/gu, { en: 1 }],
  [/\w(?:ing|ed|ly|tion|tions|ness)\b|\bth|wh|ck\b/g, { en: 0.6 }],
  [/\w(?:os|as|ado|ada|ados|adas|ido|ida|ante|mente)\b/g, { es: 0.3, pt: 0.3, it: 0.15 }],
  [/\w(?:eur|eux|ais|ait|ment|ées?)\b/g, { fr: 0.6 }],
];

/** Catalan and Galician lists hold only the words the neighbouring languages lack: each weighs more. */
const DISTINCTIVE: Partial<Record<Language, number>> = { ca: 2.5, gl: 2.5 };
const WORD_WEIGHT = new Map<string, Partial<Record<Language, number>>>();
for (const lang of LANGUAGES) {
  for (const w of new Set(FUNCTION_WORDS[lang].split(' '))) {
    const entry = WORD_WEIGHT.get(w) ?? {};
    entry[lang] = 1;
    WORD_WEIGHT.set(w, entry);
  }
}
for (const [, entry] of WORD_WEIGHT) {
  const shared = Object.keys(entry).length;
  for (const k of Object.keys(entry) as Language[]) entry[k] = (DISTINCTIVE[k] ?? 1) / shared;
}

const WORD = /[\p{L}]+/gu;
const CASED = /\b(?:KI|IA)\b/g;
const ENGLISH_PRIOR = 0.6;
/** The opening says which language a text is in; reading more costs time and changes nothing. */
const MAX_CHARS = 500;

export interface LanguageGuess {
  lang: Language;
  /** share of the evidence for the winner, 0-1 (1 for a text with no evidence: English by default) */
  confidence: number;
}

/** Guesses the language of a text; with no evidence at all it answers English. */
export function detectLanguage(text: string): LanguageGuess {
  const lower = (text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text).toLowerCase();
  const score = Object.fromEntries(LANGUAGES.map((l) => [l, 0])) as Record<Language, number>;
  WORD.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = WORD.exec(lower)) !== null) {
    const entry = WORD_WEIGHT.get(m[0]);
    if (entry) for (const k in entry) score[k as Language] += entry[k as Language]!;
  }
  for (const [pattern, weights] of SPELLINGS) {
    pattern.lastIndex = 0;
    let hits = 0;
    while (pattern.exec(lower) !== null) hits++;
    if (hits) for (const k in weights) score[k as Language] += hits * weights[k as Language]!;
  }
  // most of what Pulse reads is English: a headline with no telling word stays English
  score.en += ENGLISH_PRIOR;
  CASED.lastIndex = 0;
  const cased = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text;
  while ((m = CASED.exec(cased)) !== null) {
    if (m[0] === 'KI') score.de += 2;
    else if (m[0] === 'IA') {
      score.es += 0.7;
      score.pt += 0.5;
      score.fr += 0.5;
      score.it += 0.5;
    }
  }
  let best: Language = 'en';
  let total = 0;
  for (const lang of LANGUAGES) {
    total += score[lang];
    if (score[lang] > score[best]) best = lang;
  }
  return { lang: best, confidence: Math.round((score[best] / total) * 1000) / 1000 };
}
