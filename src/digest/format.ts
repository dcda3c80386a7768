/**
 * How digests and pages write numbers and untrusted text. Empty figures read "n/a", never 0%;
 * p-values below 0.0001 read "p < 0.0001"; every value Pulse did not write is escaped for the
 * medium it goes into.
 */

/** A share as a whole percentage; "n/a" when there is no share (an empty period). */
export const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${Math.round(v * 100)}%`);

/** A change in proportion points with its sign; "n/a" when there is nothing to compare with. */
export function signedPts(v: number | null | undefined, unit = ' pts'): string {
  if (v === null || v === undefined) return 'n/a';
  return `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(Math.round(v * 100))}${unit}`;
}

/** A net score to two decimals; "n/a" for an empty period. */
export const net2 = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(2));

/** A p-value as people read it: "p < 0.0001" below that, else to four places. */
export function pValue(p: number): string {
  return p < 0.0001 ? 'p < 0.0001' : `p = ${p.toFixed(4).replace(/0+$/, '').replace(/\.$/, '.0')}`;
}

/**
 * Text escaped for Markdown, for values placed inline (never at the start of a line): every
 * character that can open emphasis, code, a link or image, raw HTML, an entity or a table cell
 * is backslashed, and line breaks are folded so a value cannot start a block of its own.
 */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/([\\`*_{}[\]<>|#~&!])/g, '\\$1');
}

/**
 * A URL for a Markdown link: http(s) only (anything else gives undefined, so the text is shown
 * without a link), inside <...> with the characters that could end it percent-encoded.
 */
export function markdownUrl(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  return `<${u.toString().replace(/[<>\s()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}>`;
}

/** Text escaped for HTML content and attribute values. */
export const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** An href for HTML: http(s) only, else '#'. */
export function safeHref(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? escapeHtml(u.toString()) : '#';
  } catch {
    return '#';
  }
}
