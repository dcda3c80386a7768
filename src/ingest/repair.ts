import { namedEntity } from './entities-html.ts';

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

/** A character reference after its `&`, matched where lastIndex is. */
const REFERENCE = /#x[0-9a-f]+;|#\d+;|[a-z][a-z0-9]*;/iy;

/** The length of the character reference that `text` starts with (after its `&`), or 0. */
function referenceLength(text: string): number {
  const c = text.charCodeAt(0);
  const letter = (c | 0x20) >= 97 && (c | 0x20) <= 122;
  if (c !== 0x23 && !letter) return 0; // neither "#" nor a letter: a bare & (the quick, common case)
  REFERENCE.lastIndex = 0;
  return REFERENCE.test(text) ? REFERENCE.lastIndex : 0;
}

/**
 * The repairs, on XML text outside CDATA sections. The text is split at every `&` and each piece
 * is looked at once from its start: linear, where one global replace with a callback grew about
 * ten times for four times as many ampersands.
 */
function repairText(raw: string): string {
  const text = raw.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
  if (!text.includes('&')) return text;
  const pieces = text.split('&');
  for (let k = 1; k < pieces.length; k++) {
    const piece = pieces[k]!;
    const length = referenceLength(piece);
    if (length === 0) {
      pieces[k] = 'amp;' + piece; // a bare & becomes &amp;
    } else if (piece.charCodeAt(0) !== 0x23) {
      const name = piece.slice(0, length - 1);
      if (XML_ENTITIES.has(name)) continue;
      const code = namedEntity(name);
      pieces[k] = (code === undefined ? `amp;${name};` : `#${code};`) + piece.slice(length);
    }
  }
  return pieces.join('&');
}

/**
 * Makes the common, safe repairs that strict XML parsers need and real feeds lack:
 * undeclared HTML entities (`&eacute;`) become numeric references, a bare `&` becomes `&amp;`,
 * and control characters XML forbids are removed. Text inside CDATA sections is left alone.
 * Structure (tags) is never touched, so a truncated or broken feed still fails to parse.
 * Linear in the length: sections are found with indexOf, and once one has no `]]>` after it,
 * nothing later can close either (a lazy regex split rescanned to the end from every `<![CDATA[`).
 */
export function repairXml(xml: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const open = xml.indexOf('<![CDATA[', i);
    const close = open === -1 ? -1 : xml.indexOf(']]>', open + 9);
    if (close === -1) return out + repairText(xml.slice(i));
    out += repairText(xml.slice(i, open)) + xml.slice(open, close + 3);
    i = close + 3;
  }
}
