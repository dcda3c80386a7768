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
  for (const m of xml.matchAll(/<outline\b([^>]*?)(\/?)>|<\/outline\s*>/gi)) {
    if (m[0].startsWith('</')) {
      folders.pop();
      continue;
    }
    const tag = m[1] ?? '';
    const selfClosing = m[2] === '/';
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
