/**
 * Sentence splitting that knows the abbreviations trade copy is full of ("Warner Bros.
 * Discovery", "Inc.", "the U.S.", "Dr.", "Sr.", "EE.UU.") and keeps a quotation with the words
 * around it, so the telling sentence an explanation shows is a whole sentence and a quote is
 * attributed to the sentence that names its speaker.
 */

/** Never end a sentence: a name or a number follows. */
const TITLES = new Set(
  'mr mrs ms mx dr drs prof sr sra srta sres dra dres st gen gov sen rep lic ing hon rev mt ft capt lt col sgt pres supt insp no nos vol vols pp pg p fig art núm nro n° pág vs e.g i.e cf approx aprox ca'.split(
    ' ',
  ),
);
/** May end a sentence, but usually do not: "Warner Bros. Discovery", "Acme Inc. said", "the U.S. market". */
const SUFFIXES = new Set(
  'inc corp ltd co bros jr plc llc lp cía sa s.a s.l sl etc ave av jan feb mar apr jun jul aug sep sept oct nov dec ene abr ago dic dept univ assn'.split(
    ' ',
  ),
);
/** Words that start a new sentence after an ambiguous abbreviation ("… the U.S. The guild said"). */
const OPENERS = new Set(
  'the a an it its he she they we i in on at but and this that these those their our his her there here as after before when while however meanwhile also still yet so if el la los las lo un una en pero y este esta estos estas su sus según tras cuando mientras sin además también o le les il elle ils nous der die das ein eine'.split(
    ' ',
  ),
);

const TERMINATOR = /[.!?…]+["”’»)\]]*(?=\s)/g;
const OPEN_QUOTES: Record<string, string> = { '“': '”', '«': '»', '"': '"' };

/** Quotation spans [start, end) of one paragraph, up to 600 characters each. */
function quoteSpans(p: string): [number, number][] {
  const spans: [number, number][] = [];
  for (let i = 0; i < p.length; i++) {
    const close = OPEN_QUOTES[p[i]!];
    if (!close) continue;
    const j = p.indexOf(close, i + 1);
    if (j < 0) continue;
    if (j - i <= 600) spans.push([i, j + 1]);
    i = j;
  }
  return spans;
}

/** The word (with its inner dots) that ends just before index `end`, lower-cased, final dot removed. */
function wordBefore(p: string, end: number): string {
  let start = end;
  while (start > 0 && !/[\s("“«'‘]/.test(p[start - 1]!)) start--;
  return p.slice(start, end).toLowerCase().replace(/\.$/, '');
}

const isInitials = (w: string) => /^(?:\p{L}{1,2}\.)+\p{L}{0,2}$/u.test(w) || /^\p{L}$/u.test(w);

/** Whether a terminator match may end a sentence, given what follows it. */
function endsSentence(p: string, at: number, mark: string, next: string): boolean {
  if (!/^[\p{Lu}\p{N}"“«¿¡('‘[—–-]/u.test(next)) return false; // lower case continues the sentence
  if (!mark.startsWith('.') || mark.startsWith('..')) return true;
  const word = wordBefore(p, at + 1);
  const nextWord = /^[\p{L}']+/u.exec(next)?.[0].toLowerCase() ?? '';
  if (TITLES.has(word) || TITLES.has(word + '.')) return false;
  if (SUFFIXES.has(word) || isInitials(word)) return OPENERS.has(nextWord);
  return true;
}

/**
 * Splits text into sentences: at line breaks, and after . ! ? … (with any closing quote) when
 * the next word starts a sentence; never inside a quotation of up to 600 characters, never after
 * a title ("Dr."), and after a company suffix or initials ("Inc.", "U.S.", "EE.UU.") only when
 * the next word is one that opens sentences ("The", "It", "El", ...).
 */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const paragraph of text.split(/\n+/)) {
    const p = paragraph.trim();
    if (!p) continue;
    const spans = quoteSpans(p);
    let from = 0;
    TERMINATOR.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = TERMINATOR.exec(p)) !== null) {
      const end = m.index + m[0].length;
      // inside a quotation: only the quotation's own close may end a sentence
      if (spans.some(([s, e]) => m!.index > s && end < e)) continue;
      const rest = p.slice(end).trimStart();
      if (!rest || !endsSentence(p, m.index, m[0], rest)) continue;
      out.push(p.slice(from, end).trim());
      from = end;
    }
    out.push(p.slice(from).trim());
  }
  return out.filter((s) => s.length > 1);
}
