import { htmlToText } from '../ingest/text.ts';
import { splitSentences } from './sentences.ts';

/**
 * Text preparation before any feature is read: feed HTML decoded, and the boilerplate that feeds,
 * podcasts and social networks wrap around an item removed, so "Subscribe", a sponsor line or a
 * WordPress footer never counts as evidence for a stance. Line structure survives (podcast
 * chapters and paragraphs stay on their own lines, which the sentence splitter uses).
 */

/** A character that is not whitespace, not a control character and never in real text. */
const BREAK = '\uE000';
// A tag's inside stops at the next '<' as well as at '>': with [^>]* every '<p' or '<a' of a text
// without '>' was scanned to the end of the text ('<a'.repeat(10000) took 0.25 s to prepare).
const BLOCK_END =
  /<(?:br\s*\/?|\/(?:p|div|li|h[1-6]|blockquote|tr|section|article|figure|figcaption|header|footer)\s*)>|<(?:p|li|hr|h[1-6])\b[^<>]*>/gi;
const LOOKS_HTML = /<[a-z!/][^<>]*>|&(?:[a-z]+|#\d+|#x[0-9a-f]+);/i;

/** Sentences that are only boilerplate: dropped whole. */
const BOILERPLATE = new RegExp(
  '^(?:' +
    [
      '(?:read|see) (?:more|the full (?:story|article|post)|full story)\\b.*',
      'continue reading\\b.*',
      'click here\\b.*',
      'share (?:this|on|via)\\b.*',
      '(?:share|tweet|email|print|like this|loading\\.*|related|advertisement|sponsored content)[:.]?',
      '(?:subscribe|follow us|follow me|rate (?:and|&) review|like and subscribe|listen (?:on|to us on|now on)|available (?:on|wherever)|watch (?:on|the full))\\b.*',
      "(?:this (?:episode|video|show|podcast) is (?:sponsored|brought to you|supported) by|sponsored by|thanks to (?:our|today's) sponsors?|today's sponsors?|support (?:the|this) (?:show|podcast|channel)|use (?:promo )?code)\\b.*",
      '(?:chapters|timestamps|links|show notes|credits|sources)[:]?',
      '(?:leer más|seguir leyendo|sigue leyendo|lee (?:la nota|más)|compartir|suscríbete|suscribite|síguenos|seguinos|escucha (?:en|el episodio))\\b.*',
      '(?:este episodio (?:está )?(?:patrocinado|auspiciado)|patrocinado por|auspiciado por)\\b.*',
    ].join('|') +
    ')$',
  'i',
);

/** Pieces removed wherever they appear. */
const FOOTERS: [RegExp, string][] = [
  [/\bThe post\s.{1,300}?\sappeared first on\s[^\n]{1,120}?(?:\.|$)/gi, ' '],
  [/\bLa entrada\s.{1,300}?\sse publicó primero en\s[^\n]{1,120}?(?:\.|$)/gi, ' '],
  [
    /\[(?:…|\.\.\.|&hellip;)\]|\((?:read more|more)…?\)|(?:read more|continue reading|leer más|seguir leyendo)\s*(?:»|→|›|\.\.\.|…)?\s*$/gim,
    ' ',
  ],
  [/\bhttps?:\/\/\S+|\bwww\.[a-z0-9-]+\.\S+/gi, ' '],
  // bounded parts (an address's local part is at most 64 characters, its domain 255): an
  // unbounded \S+@ rescanned to the end of the text from every start, so one 20,000-character
  // word took 0.7 s to prepare
  [/[^\s@]{1,64}@[^\s@]{1,255}\.[a-z]{2,}\b/gi, ' '],
];

/** A podcast chapter or timestamp at the start of a line: "00:12:30", "(12:30)", "[1:02:03] -". */
const TIMESTAMP = /^\s*[[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?\s*[-–—:|]?\s*/;
const INLINE_TIMESTAMP = /[[(]?(?<![\d:])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])[\])]?(?:\s*[-–—|])?/g;
/** Chapter titles that say nothing about the item. */
const EMPTY_CHAPTER =
  /^(?:intro(?:duction)?|outro|welcome|ads?|ad break|sponsors?|sponsor break|break|wrap[- ]?up|closing|credits|q ?& ?a|introducción|presentación|cierre|despedida)\.?$/i;

/** Acronyms a hashtag may run into a lower-case word: "#SAGAFTRAstrike". */
const KNOWN_ACRONYMS = new Set(
  'AI IA ML LLM VFX CGI SAG SAGAFTRA WGA IATSE DGA TAG BECTU ACTRA MEAA ANDA AISGE TV HBO BBC NYC LA UK US EU'.split(' '),
);

/** "#GenerativeAI" → "Generative AI", "#SAGAFTRAstrike" → "SAGAFTRA strike", "#voice_actors" → "voice actors". */
export function splitHashtag(tag: string): string {
  return tag
    .replace(/^#/, '')
    .replace(/_+/g, ' ')
    .replace(/([\p{Ll}\d])(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu}{2,})(\p{Ll}+)/gu, (_m, upper: string, lower: string) =>
      KNOWN_ACRONYMS.has(upper) ? `${upper} ${lower}` : `${upper.slice(0, -1)} ${upper.slice(-1)}${lower}`,
    )
    .replace(/^(ai|ia|genai)(?=[a-z]{3,}$)/, '$1 ')
    .replace(/(\p{L})(\d)|(\d)(\p{L})/gu, (_m, a, b, c, d) => (a ? `${a} ${b}` : `${c} ${d}`));
}

const HASHTAG = /(^|[^\p{L}\p{N}_&])#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)/gu;

/**
 * The sentences a model reads: HTML decoded, footers, URLs and e-mail addresses removed,
 * hashtags split into words, podcast timestamps and empty chapters dropped, and every sentence
 * that is only boilerplate ("Read more", "Subscribe …", "This episode is sponsored by …") left out.
 */
export function prepareSentences(raw: string): string[] {
  let text = raw.replace(/\r\n?/g, '\n');
  if (LOOKS_HTML.test(text)) {
    // htmlToText collapses all whitespace; mark line ends so they survive it
    text = htmlToText(text.replace(/\n/g, BREAK).replace(BLOCK_END, (tag) => `${BREAK}${tag}`)).replace(/\s*\uE000\s*/g, '\n');
  }
  for (const [pattern, by] of FOOTERS) text = text.replace(pattern, by);
  if (text.includes('#')) text = text.replace(HASHTAG, (_m, before: string, tag: string) => `${before}${splitHashtag(tag)}`);
  const out: string[] = [];
  for (let line of text.split('\n')) {
    line = line.replace(/[\t ]+/g, ' ').trim();
    if (!line) continue;
    const stamped = TIMESTAMP.exec(line);
    if (stamped) {
      line = line.slice(stamped[0].length).trim();
      if (!line || EMPTY_CHAPTER.test(line)) continue;
    }
    if (line.includes(':')) line = line.replace(INLINE_TIMESTAMP, ' ').replace(/ {2,}/g, ' ').trim();
    for (const sentence of splitSentences(line)) if (!BOILERPLATE.test(sentence)) out.push(sentence);
  }
  return out;
}

/** The prepared text as one string, a sentence per line. */
export function prepareText(raw: string): string {
  return prepareSentences(raw).join('\n');
}
