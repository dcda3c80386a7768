/** How much of one feed document the parser is given. */
export interface FeedLimits {
  /** entries kept; later ones are cut */
  maxItems: number;
  /** characters of feed text handed to the parser (at most the byte count); entries past it are cut */
  maxChars: number;
}

export interface FeedCut {
  /** the text to parse: the head, the entries kept, and the document's own closing tags */
  xml: string;
  /** entry openings seen in the whole document */
  total: number;
  /** entries kept */
  kept: number;
  /** why entries were cut, or undefined when the document was kept whole */
  reason: 'items' | 'bytes' | undefined;
}

/**
 * An opening `<item>` (RSS) or `<entry>` (Atom) tag. Fixed tokens and a one-character class: each
 * position is tried once, so the scan is linear in the document's length.
 */
const OPENING = /<(?:item|entry)[\s>/]/g;

/**
 * Cuts a feed document down to its first entries before it is parsed, so a hostile feed (80,000
 * items, megabytes of markup) costs the parser no more than `limits` allow. Entries are kept while
 * they are fewer than `maxItems` and end within `maxChars`; the text after the last closing tag
 * (`</channel></rss>`, `</feed>`, `</rdf:RDF>`) is kept, so the cut document is as well formed as
 * the original. A document kept whole is returned as it came.
 */
export function cutFeed(xml: string, limits: FeedLimits): FeedCut {
  // positions of the entries that can be kept (and the one after), a count for the rest
  const openings: number[] = [];
  let total = 0;
  OPENING.lastIndex = 0;
  for (let m = OPENING.exec(xml); m; m = OPENING.exec(xml)) if (total++ <= limits.maxItems) openings.push(m.index);
  if (total <= limits.maxItems && xml.length <= limits.maxChars) return { xml, total, kept: total, reason: undefined };
  // the end of the entries: just after the last closing tag (what follows closes the document)
  const closeItem = xml.lastIndexOf('</item>');
  const closeEntry = xml.lastIndexOf('</entry>');
  const end = Math.max(closeItem < 0 ? -1 : closeItem + 7, closeEntry < 0 ? -1 : closeEntry + 8);
  let kept = 0;
  let reason: FeedCut['reason'];
  for (; kept < total; kept++) {
    if (kept >= limits.maxItems) {
      reason = 'items';
      break;
    }
    const entryEnd = kept + 1 < openings.length ? openings[kept + 1]! : Math.max(end, openings[kept]!);
    if (entryEnd > limits.maxChars) {
      reason = 'bytes';
      break;
    }
  }
  if (kept === total) {
    // every entry fits: only the head or the tail is too large
    return {
      xml: xml.length <= limits.maxChars ? xml : '',
      total,
      kept: xml.length <= limits.maxChars ? kept : 0,
      reason: xml.length <= limits.maxChars ? undefined : 'bytes',
    };
  }
  const tail = end > openings[kept]! ? xml.slice(end) : '';
  const cut = xml.slice(0, openings[kept]) + tail;
  return { xml: cut.length <= limits.maxChars ? cut : '', total, kept: cut.length <= limits.maxChars ? kept : 0, reason };
}
