/** A quotation found in an item's text, with who said it when the text says so. */
export interface Quote {
  text: string;
  speaker: string | null;
}

const NAME = "[A-Z][\\p{L}.'’-]+(?:\\s+(?:[A-Z][\\p{L}.'’-]+|de|van|von|da|del|la)){0,4}";
const SAY = '(?:said|says|told|added|wrote|stated|warned|argued|explained)';
/** “quote,” said Name / “quote,” Name said */
const AFTER = new RegExp(`[“"]([^”"]{12,600}?)[,.!?]?[”"],?\\s+(?:${SAY}\\s+(${NAME})|(${NAME})\\s+${SAY})`, 'gu');
/** Name said: “quote” / Name said, “quote” */
const BEFORE = new RegExp(`(${NAME})\\s+${SAY}[:,]?\\s+[“"]([^”"]{12,600}?)[”"]`, 'gu');
const ANY = /[“"]([^”"]{20,600}?)[”"]/gu;
/** Words that look like a name at the start of a sentence but are not a speaker. */
const NOT_NAMES = new Set(['The', 'A', 'An', 'It', 'This', 'That', 'He', 'She', 'They', 'We', 'I', 'In', 'On', 'But', 'And']);

const clean = (s: string) => s.replace(/\s+/g, ' ').trim();
const speakerOf = (s: string | undefined) => {
  if (!s) return null;
  const name = clean(s);
  return NOT_NAMES.has(name) ? null : name;
};

/**
 * Quotations in a text, in order, each once, with the speaker when the sentence names one
 * ("…," said Jane Doe / Jane Doe said: "…"). Pure; at most `limit` quotes.
 */
export function extractQuotes(text: string, limit = 8): Quote[] {
  const found = new Map<string, Quote & { at: number }>();
  const add = (raw: string, speaker: string | null, at: number) => {
    const t = clean(raw).replace(/[,;:]+$/, '');
    const key = t.replace(/[.,!?;:]+$/, '');
    const had = found.get(key);
    if (!had) found.set(key, { text: t, speaker, at });
    else if (!had.speaker && speaker) had.speaker = speaker;
  };
  for (const m of text.matchAll(AFTER)) add(m[1]!, speakerOf(m[2] ?? m[3]), m.index);
  for (const m of text.matchAll(BEFORE)) add(m[2]!, speakerOf(m[1]), m.index);
  for (const m of text.matchAll(ANY)) add(m[1]!, null, m.index);
  return [...found.values()]
    .sort((a, b) => a.at - b.at)
    .slice(0, limit)
    .map(({ text: t, speaker }) => ({ text: t, speaker }));
}
