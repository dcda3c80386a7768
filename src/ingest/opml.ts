import { SOURCE_KINDS, type SourceKind } from '../labels.ts';
import { decodeEntities } from './entities-html.ts';

export interface OpmlFeed {
  url: string;
  name: string | undefined;
  kind: SourceKind | undefined;
  organisation: string | undefined;
}

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i').exec(tag);
  const v = m ? (m[2] ?? m[3]) : undefined;
  return v === undefined ? undefined : decodeEntities(v).trim() || undefined;
};

const asKind = (v: string | undefined): SourceKind | undefined => {
  const k = v
    ?.toLowerCase()
    .split(/[\s,/]+/)
    .find((x) => (SOURCE_KINDS as readonly string[]).includes(x));
  return k as SourceKind | undefined;
};

type OutlineTag = { end: true } | { end: false; attrs: string; selfClosing: boolean };

/**
 * The `<outline ...>` start tags (attribute text, self-closing or not) and `</outline>` end tags,
 * in order, in one linear pass: a start tag runs to the next `>`, and once none is left nothing
 * later can be a tag.
 */
function* outlineTags(xml: string): Generator<OutlineTag> {
  const tag = /<outline(?![A-Za-z0-9_])|<\/outline\s*>/gi;
  let gt = -1;
  let m: RegExpExecArray | null;
  while ((m = tag.exec(xml)) !== null) {
    if (m[0][1] === '/') {
      yield { end: true };
      continue;
    }
    const after = tag.lastIndex;
    if (gt < after) gt = xml.indexOf('>', after);
    if (gt === -1) return;
    const inner = xml.slice(after, gt);
    const selfClosing = inner.endsWith('/');
    tag.lastIndex = gt + 1;
    yield { end: false, attrs: selfClosing ? inner.slice(0, -1) : inner, selfClosing };
  }
}

/** A document that is not OPML. */
export class OpmlError extends Error {
  override name = 'OpmlError';
}

/**
 * Reads the feeds of an OPML document. A feed's kind comes from its own `pulseKind` or
 * `category` attribute, else from the text of the folder outline around it (as Pulse's export
 * writes them).
 */
export function parseOpml(xml: string): OpmlFeed[] {
  if (!/<opml[\s>]/i.test(xml)) throw new OpmlError('not an OPML document (no <opml> element)');
  const feeds: OpmlFeed[] = [];
  const folders: (SourceKind | undefined)[] = [];
  for (const t of outlineTags(xml)) {
    if (t.end) {
      folders.pop();
      continue;
    }
    const { attrs: tag, selfClosing } = t;
    const url = attr(tag, 'xmlUrl');
    if (url) {
      feeds.push({
        url,
        name: attr(tag, 'title') ?? attr(tag, 'text'),
        kind: asKind(attr(tag, 'pulseKind')) ?? asKind(attr(tag, 'category')) ?? folders.findLast((k) => k !== undefined),
        organisation: attr(tag, 'pulseOrganisation'),
      });
    }
    if (!selfClosing) folders.push(url ? undefined : asKind(attr(tag, 'text') ?? attr(tag, 'title')));
  }
  return feeds;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Writes sources as OPML 2.0, one folder per kind. */
export function buildOpml(sources: { url: string; name: string; kind: SourceKind; organisation: string | null }[], now: Date): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    `  <head><title>Pulse sources</title><dateCreated>${now.toUTCString()}</dateCreated></head>`,
    '  <body>',
  ];
  for (const kind of SOURCE_KINDS) {
    const ofKind = sources.filter((s) => s.kind === kind);
    if (!ofKind.length) continue;
    lines.push(`    <outline text="${kind}" title="${kind}">`);
    for (const s of ofKind) {
      const org = s.organisation ? ` pulseOrganisation="${esc(s.organisation)}"` : '';
      lines.push(
        `      <outline type="rss" text="${esc(s.name)}" title="${esc(s.name)}" xmlUrl="${esc(s.url)}" category="${kind}" pulseKind="${kind}"${org}/>`,
      );
    }
    lines.push('    </outline>');
  }
  lines.push('  </body>', '</opml>');
  return lines.join('\n') + '\n';
}
