import { decodeEntities } from './entities-html.ts';

/** HTML longer than this is cut before it is read: far more markup than any kept text needs. */
export const MAX_HTML_INPUT = 1_000_000;

/** Elements whose content is never text: dropped with everything up to their end tag. */
const RAW_TEXT = ['script', 'style', 'noscript', 'iframe', 'svg'];
/** Elements that end a line of text: they become a space, other tags become nothing. */
const BLOCK = [
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'tr',
  'td',
  'th',
  'table',
  'section',
  'article',
  'figure',
  'figcaption',
  'header',
  'footer',
  'hr',
];
const IS_BLOCK = 1;
const IS_RAW = 2;
/** The names above by length, so that a tag name is classified without building a string. */
const NAMES_BY_LENGTH: { name: string; kind: number }[][] = Array.from({ length: 11 }, () => []);
for (const name of BLOCK) NAMES_BY_LENGTH[name.length]!.push({ name, kind: IS_BLOCK });
for (const name of RAW_TEXT) NAMES_BY_LENGTH[name.length]!.push({ name, kind: IS_RAW });

/** Whether html has `name` (lower case) at `at`, in any ASCII case, as the `i` flag compares. */
function hasName(html: string, at: number, name: string): boolean {
  for (let k = 0; k < name.length; k++) if ((html.charCodeAt(at + k) | 0x20) !== name.charCodeAt(k)) return false;
  return true;
}

/** What the tag name at `start`, `length` characters long, is, and its lower-case name when it matters. */
function classify(html: string, start: number, length: number): { name: string; kind: number } | undefined {
  for (const entry of NAMES_BY_LENGTH[length] ?? []) if (hasName(html, start, entry.name)) return entry;
  return undefined;
}

/** The start of a script-like element (its name ends where a word does). */
const RAW_OPEN = /<(?:script|style|noscript|iframe|svg)(?![A-Za-z0-9_])/gi;
/** A `<` that may start markup: a tag or end tag, a comment, a CDATA section. Any other `<` is text. */
const MARKUP = /<(?:\/?[A-Za-z]|!--|!\[CDATA\[)/g;

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** word characters, as `\b` sees them */
const isWord = (c: number) => isLetter(c) || (c >= 48 && c <= 57) || c === 95;

/** Whether the `<` at `at` may start markup (what MARKUP matches there). */
function startsMarkup(html: string, at: number): boolean {
  const c = html.charCodeAt(at + 1);
  if (isLetter(c)) return true;
  if (c === 47) return isLetter(html.charCodeAt(at + 2));
  return c === 33 && (html.startsWith('--', at + 2) || html.startsWith('[CDATA[', at + 2));
}

const SPACE = /\s/;

/** Where the end tag `</name\s*>` (any case) starts at or after `from`, or -1. */
function endTag(html: string, name: string, from: number): number {
  for (let at = html.indexOf('</', from); at !== -1; at = html.indexOf('</', at + 2)) {
    let j = at + 2;
    if (!hasName(html, j, name)) continue;
    j += name.length;
    while (j < html.length && SPACE.test(html[j]!)) j++;
    if (html.charCodeAt(j) === 62) return at;
  }
  return -1;
}

/**
 * Plain text from a fragment of HTML: scripts, styles and comments dropped, block boundaries
 * kept as a space, tags removed, CDATA markers unwrapped, entities decoded, whitespace collapsed.
 * One left-to-right pass over at most MAX_HTML_INPUT characters, so the time is linear in the
 * input whatever its shape (a tag that never closes is text, and once no `>` is left, every
 * later `<` is text too).
 */
export function htmlToText(input: string | undefined | null): string {
  if (!input) return '';
  let html = input;
  if (html.length > MAX_HTML_INPUT) {
    const cut = MAX_HTML_INPUT - (/[\ud800-\udbff]/.test(html[MAX_HTML_INPUT - 1]!) ? 1 : 0);
    html = html.slice(0, cut);
  }
  const n = html.length;
  let out = '';
  /** start of the text not yet copied to out */
  let text = 0;
  /** markup from `from` to `to` is replaced by `by` */
  const skip = (from: number, to: number, by: string) => {
    out += html.slice(text, from) + by;
    text = to;
  };
  let i = 0;
  /** the next `>` at or after the current tag's name (n when there is none left) */
  let gt = -1;
  /** the `]]>` that closes the open CDATA section (-1: none open) */
  let cdataEnd = -1;
  let noCdataEnd = false;
  for (;;) {
    if (cdataEnd !== -1 && cdataEnd < i) cdataEnd = -1; // its `]]>` was inside a tag or comment
    let lt = html.indexOf('<', i);
    if (lt === -1) lt = n;
    else if (!startsMarkup(html, lt)) {
      // a run of < that start nothing (text such as "a < b", or thousands of "</"): skip it natively
      MARKUP.lastIndex = lt + 1;
      lt = MARKUP.exec(html)?.index ?? n;
    }
    if (cdataEnd !== -1 && cdataEnd < lt) {
      skip(cdataEnd, cdataEnd + 3, '');
      i = text;
      cdataEnd = -1;
      continue;
    }
    if (lt === n) break;
    i = lt;
    if (gt === n) {
      // No `>` is left, so no tag, CDATA section or end tag can close: the rest is text, up to a
      // comment or a script-like element that runs to the end.
      RAW_OPEN.lastIndex = i;
      const raw = RAW_OPEN.exec(html)?.index ?? n;
      const comment = html.indexOf('<!--', i);
      const end = comment === -1 ? raw : Math.min(raw, comment);
      if (end < n) skip(end, n, ' ');
      break;
    }
    const next = html.charCodeAt(i + 1);
    if (next === 33 && html.charCodeAt(i + 2) === 45) {
      const end = html.indexOf('-->', i + 4);
      skip(i, end === -1 ? n : end + 3, ' ');
      i = text;
      continue;
    }
    if (next === 33) {
      let end = -1;
      if (cdataEnd === -1 && !noCdataEnd) {
        end = html.indexOf(']]>', i + 9);
        noCdataEnd = end === -1; // then no later section can close either
      }
      if (end === -1) {
        i++; // not a section: text
        continue;
      }
      skip(i, i + 9, '');
      i = text;
      cdataEnd = end;
      continue;
    }
    const closing = next === 47;
    const start = i + (closing ? 2 : 1);
    // only names of up to 10 characters matter; a longer one is read no further
    let j = start + 1;
    while (j < start + 11 && isWord(html.charCodeAt(j))) j++;
    const known = classify(html, start, j - start);
    if (!closing && known?.kind === IS_RAW) {
      const end = endTag(html, known.name, j);
      skip(i, end === -1 ? n : html.indexOf('>', end) + 1, ' ');
      i = text;
      continue;
    }
    if (gt < j) {
      gt = html.indexOf('>', j);
      if (gt === -1) gt = n;
    }
    if (gt === n) continue; // handled at the top of the loop
    skip(i, gt + 1, known?.kind === IS_BLOCK ? ' ' : '');
    i = text;
  }
  out += html.slice(text);
  return decodeEntities(out)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/[\s\u00a0\u200b]+/g, ' ')
    .trim();
}

/** Cuts text at a word boundary near `max` characters, with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return (space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd() + '…';
}
