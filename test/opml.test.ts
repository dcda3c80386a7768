import { describe, expect, it } from 'vitest';
import { buildOpml, OpmlError, parseOpml } from '../src/ingest/opml.ts';

const doc = (body: string) => `<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>${body}</body></opml>`;

describe('parseOpml', () => {
  it('refuses a document without an <opml> element', () => {
    expect(() => parseOpml('<rss version="2.0"><channel/></rss>')).toThrow(OpmlError);
    expect(() => parseOpml('<opmlish/>')).toThrow(/not an OPML document/);
    expect(parseOpml('<opml>')).toEqual([]);
    expect(parseOpml('<OPML\nversion="1.0">')).toEqual([]);
  });

  it('names the error OpmlError', () => {
    expect(new OpmlError('x').name).toBe('OpmlError');
  });

  it('reads each feed’s URL, title (else text) and organisation, decoding entities', () => {
    const feeds = parseOpml(
      doc(`<outline type="rss" text="Text name" title="Guild &amp; Co" xmlUrl="https://g.org/feed?a=1&amp;b=2" pulseOrganisation=" WGA "/>
           <outline type="rss" text='Only text' xmlUrl='https://x.org/rss'/>`),
    );
    expect(feeds).toEqual([
      { url: 'https://g.org/feed?a=1&b=2', name: 'Guild & Co', kind: undefined, organisation: 'WGA' },
      { url: 'https://x.org/rss', name: 'Only text', kind: undefined, organisation: undefined },
    ]);
  });

  it('matches attribute names case-insensitively and with spaces around =', () => {
    expect(parseOpml(doc(`<outline XMLURL = "https://x.org/rss" TITLE="T"/>`))).toEqual([
      { url: 'https://x.org/rss', name: 'T', kind: undefined, organisation: undefined },
    ]);
  });

  it('does not take an attribute whose name only ends like the one asked for', () => {
    expect(parseOpml(doc(`<outline myxmlUrl="https://x.org/rss"/>`))).toEqual([]);
  });

  it('treats a blank attribute as missing', () => {
    const [feed] = parseOpml(doc(`<outline title="  " text="Fallback" xmlUrl="https://x.org/rss"/>`));
    expect(feed!.name).toBe('Fallback');
    expect(parseOpml(doc(`<outline xmlUrl=""/>`))).toEqual([]);
  });

  it('takes the kind from pulseKind, else category, else the enclosing folder', () => {
    const feeds = parseOpml(
      doc(`<outline text="union">
             <outline xmlUrl="https://a.org/1" pulseKind="studio" category="news"/>
             <outline xmlUrl="https://a.org/2" category="Film, Opinion"/>
             <outline xmlUrl="https://a.org/3" category="unknown"/>
           </outline>`),
    );
    expect(feeds.map((f) => f.kind)).toEqual(['studio', 'opinion', 'union']);
  });

  it('does not read a folder named in the plural ("Unions") as a kind', () => {
    expect(parseOpml(doc(`<outline text="Unions"><outline xmlUrl="https://a.org/1"/></outline>`))[0]!.kind).toBeUndefined();
  });

  it('reads the folder’s kind from its text, else its title, and forgets it after the folder closes', () => {
    const feeds = parseOpml(
      doc(`<outline text="news">
             <outline xmlUrl="https://a.org/1"/>
           </outline>
           <outline title="studio"><outline xmlUrl="https://a.org/2"/></outline >
           <outline xmlUrl="https://a.org/3"/>`),
    );
    expect(feeds.map((f) => [f.url, f.kind])).toEqual([
      ['https://a.org/1', 'news'],
      ['https://a.org/2', 'studio'],
      ['https://a.org/3', undefined],
    ]);
  });

  it('uses the nearest enclosing folder that names a kind', () => {
    const feeds = parseOpml(
      doc(`<outline text="opinion">
             <outline text="Columns">
               <outline xmlUrl="https://a.org/1"/>
             </outline>
             <outline text="union"><outline xmlUrl="https://a.org/2"/></outline>
           </outline>`),
    );
    expect(feeds.map((f) => f.kind)).toEqual(['opinion', 'union']);
  });

  it('does not let a feed outline that is not self-closing act as a folder', () => {
    const feeds = parseOpml(
      doc(`<outline text="news">
             <outline text="studio" xmlUrl="https://a.org/1"></outline>
             <outline xmlUrl="https://a.org/2"/>
           </outline>`),
    );
    expect(feeds.map((f) => f.kind)).toEqual(['news', 'news']);
  });
});

describe('buildOpml', () => {
  const now = new Date('2025-07-20T10:00:00Z');

  it('writes one folder per kind in the declared order, skipping empty kinds, escaping values', () => {
    const xml = buildOpml(
      [
        { url: 'https://s.org/rss?a=1&b=2', name: 'Studio "News" <1>', kind: 'studio', organisation: 'Big & Co' },
        { url: 'https://n.org/rss', name: 'Trade', kind: 'news', organisation: null },
      ],
      now,
    );
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        '  <head><title>Pulse sources</title><dateCreated>Sun, 20 Jul 2025 10:00:00 GMT</dateCreated></head>',
        '  <body>',
        '    <outline text="news" title="news">',
        '      <outline type="rss" text="Trade" title="Trade" xmlUrl="https://n.org/rss" category="news" pulseKind="news"/>',
        '    </outline>',
        '    <outline text="studio" title="studio">',
        '      <outline type="rss" text="Studio &quot;News&quot; &lt;1&gt;" title="Studio &quot;News&quot; &lt;1&gt;" xmlUrl="https://s.org/rss?a=1&amp;b=2" category="studio" pulseKind="studio" pulseOrganisation="Big &amp; Co"/>',
        '    </outline>',
        '  </body>',
        '</opml>',
        '',
      ].join('\n'),
    );
  });

  it('round-trips through parseOpml', () => {
    const sources = [
      { url: 'https://u.org/rss?x=1&y=2', name: 'Union <News>', kind: 'union' as const, organisation: 'SAG-AFTRA' },
      { url: 'https://o.org/rss', name: "O'Pinion", kind: 'opinion' as const, organisation: null },
    ];
    expect(parseOpml(buildOpml(sources, now))).toEqual(
      sources.map((s) => ({ url: s.url, name: s.name, kind: s.kind, organisation: s.organisation ?? undefined })),
    );
  });
});
