import { decodeEntities } from './entities-html.ts';

const BLOCK_TAGS = /<\/?(p|div|br|li|ul|ol|h[1-6]|blockquote|tr|td|th|table|section|article|figure|figcaption|header|footer|hr)\b[^>]*>/gi;

/**
 * Plain text from a fragment of HTML: scripts, styles and comments dropped, block boundaries
 * kept as a space, tags removed, entities decoded, whitespace collapsed.
 */
export function htmlToText(html: string | undefined | null): string {
  if (!html) return '';
  return decodeEntities(
    html
      .replace(/<!--[\s\S]*?(-->|$)/g, ' ')
      .replace(/<(script|style|noscript|iframe|svg)\b[\s\S]*?(<\/\1\s*>|$)/gi, ' ')
      .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
      .replace(BLOCK_TAGS, ' ')
      .replace(/<\/?[a-z][^>]*>/gi, ''),
  )
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
