const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** A stored digest as the feed lists it. */
export interface FeedEntry {
  id: number;
  week: string;
  studio: string | null;
  union: string | null;
  version: number;
  generatedAt: Date;
  summary: string | null;
}
type Entry = FeedEntry;

/** An Atom feed of stored digests, newest first, each linking to its HTML page. */
export function digestFeed(entries: Entry[], base: string, updated: Date): string {
  const root = base.replace(/\/$/, '');
  const link = (e: Entry, format: string) => {
    const qs = new URLSearchParams({ format, ...(e.studio ? { studio: e.studio } : {}), ...(e.union ? { union: e.union } : {}) });
    return `${root}/api/v1/digests/${e.week}?${qs.toString()}`;
  };
  const items = entries.map((e) => {
    const scope = e.studio ? ` — ${e.studio}` : e.union ? ` — ${e.union}` : '';
    return `  <entry>
    <id>${esc(`${root}/api/v1/digests/${e.week}/${e.id}`)}</id>
    <title>${esc(`Pulse weekly digest ${e.week}${scope}${e.version > 1 ? ` (version ${e.version})` : ''}`)}</title>
    <updated>${e.generatedAt.toISOString()}</updated>
    <link rel="alternate" type="text/html" href="${esc(link(e, 'html'))}"/>
    <link rel="alternate" type="text/markdown" href="${esc(link(e, 'md'))}"/>
    <summary>${esc(e.summary ?? `How the screen industry reacted to studio AI in ${e.week}.`)}</summary>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${esc(`${root}/api/v1/digests/feed.xml`)}</id>
  <title>Pulse weekly digests</title>
  <subtitle>How the screen industry reacts to studios' use of generative AI, week by week.</subtitle>
  <link rel="self" href="${esc(`${root}/api/v1/digests/feed.xml`)}"/>
  <updated>${updated.toISOString()}</updated>
  <author><name>Pulse</name></author>
${items.join('\n')}
</feed>
`;
}
