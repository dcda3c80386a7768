/**
 * Unicode bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they
 * reorder the text that follows them, so a title can display as something other than what it
 * says ("Trojan Source"). The marks (LRM, RLM, ALM) only nudge neutral characters and are kept:
 * right-to-left text uses them legitimately.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** The text with every bidi embedding, override and isolate removed (one linear pass). */
export function stripBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}
