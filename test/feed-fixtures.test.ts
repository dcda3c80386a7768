import { describe, expect, it } from 'vitest';
import { decodeBody } from '../src/ingest/charset.ts';
import { normaliseEntry } from '../src/ingest/normalise.ts';
import { FeedParseError, parseFeed } from '../src/ingest/parse.ts';
import { feedFixture, feedFixtureNames } from './helpers/fixtures.ts';

const ctx = { feedUrl: 'https://feeds.example.org/feed.xml', fetchedAt: new Date('2025-07-20T12:00:00Z') };

/** The parse stage as the ingest run does it: decode the bytes, parse, normalise each entry. */
async function parseStage(name: string, contentType = 'application/rss+xml') {
  const { text, charset } = decodeBody(feedFixture(name), contentType);
  const feed = await parseFeed(text);
  return { charset, feed, items: feed.entries.map((e) => normaliseEntry(e, ctx)) };
}

const refusal = async (name: string, contentType?: string) => {
  const err = await parseStage(name, contentType).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, name).toBeInstanceOf(FeedParseError);
  return (err as Error).message;
};

describe('feed fixtures through decode, parse and normalise', () => {
  it('reads RSS 1.0 (RDF) with authors and dates', async () => {
    const { items } = await parseStage('rss1-rdf.xml', 'application/rdf+xml');
    expect(items.map((i) => [i!.url, i!.author, i!.publishedAt.toISOString()])).toEqual([
      ['http://rdf.example.org/1', 'R. Writer', '2025-07-15T08:00:00.000Z'],
      ['http://rdf.example.org/2', null, '2025-07-16T08:00:00.000Z'],
    ]);
  });

  it('reads Atom with HTML titles and relative links', async () => {
    const { items } = await parseStage('atom.xml', 'application/atom+xml');
    expect(items[0]).toMatchObject({
      url: 'https://feeds.example.org/articles/eternauta',
      title: 'Netflix El Eternauta used generative AI',
      author: 'A. Critic',
    });
  });

  it('decodes declared ISO-8859-1 and windows-1252 (Latin-1 labels read as windows-1252)', async () => {
    const latin = await parseStage('latin1-declared.xml', 'application/rss+xml; charset=ISO-8859-1');
    expect([latin.charset, latin.items[0]!.title]).toEqual(['windows-1252', 'Café de Paris']);
    const cp = await parseStage('windows-1252-declared.xml');
    expect([cp.charset, cp.items[0]!.title]).toEqual(['windows-1252', '\u201cAI\u201d \u2013 \u20ac5']);
  });

  it('repairs undeclared HTML entities and bare ampersands', async () => {
    const { items } = await parseStage('undeclared-entities.xml');
    expect(items[0]).toMatchObject({
      title: 'Café R&D for AI dubbing \u2014 news',
      summary: 'AT&T',
      url: 'http://ent.example.org/1?a=1&b=2',
    });
  });

  describe('wrong or missing charsets', () => {
    it('reads UTF-8 bytes under a Latin-1 label as UTF-8 (no "CafÃ©"), in the header or the declaration', async () => {
      for (const type of ['application/rss+xml', 'application/rss+xml; charset=ISO-8859-1']) {
        const { charset, items } = await parseStage('wrong-charset-latin1-declared-utf8-bytes.xml', type);
        expect([charset, items[0]!.title], type).toEqual(['utf-8', 'Café \u201cAI\u201d \u2013 \u20ac5']);
      }
    });

    it('reads windows-1252 bytes under a UTF-8 label, or under none, as windows-1252 (no U+FFFD)', async () => {
      for (const name of ['wrong-charset-utf8-declared-cp1252-bytes.xml', 'windows-1252-undeclared.xml']) {
        const { charset, items } = await parseStage(name);
        expect([charset, items[0]!.title], name).toEqual(['windows-1252', 'Café \u201cAI\u201d \u2013 \u20ac5']);
      }
    });

    it('keeps a UTF-8 body with one stray bad byte as UTF-8, the byte as U+FFFD', async () => {
      const { charset, items } = await parseStage('mostly-utf8-one-bad-byte.xml');
      expect([charset, items[0]!.title]).toEqual(['utf-8', 'Café \u201cAI\u201d \ufffd']);
    });

    it('lets a byte-order mark decide, over a header that says otherwise, and strips it', async () => {
      for (const type of ['application/rss+xml', 'application/rss+xml; charset=iso-8859-1']) {
        const utf8 = await parseStage('bom-utf8.xml', type);
        expect([utf8.charset, utf8.items[0]!.title], type).toEqual(['utf-8', 'naïve \u201cAI\u201d']);
      }
      for (const type of ['application/rss+xml', 'application/rss+xml; charset=utf-8']) {
        const utf16 = await parseStage('bom-utf16le.xml', type);
        expect([utf16.charset, utf16.items[0]!.title], type).toEqual(['utf-16le', 'naïve \u201cAI\u201d']);
      }
    });
  });

  describe('bodies that are not feeds', () => {
    it('names an HTML page as such, after a comment or an XML declaration too', async () => {
      for (const name of ['html-page.html', 'html-page-after-comment.html', 'xhtml-page.html']) {
        expect(await refusal(name, 'text/html'), name).toBe('the server sent an HTML page, not a feed');
      }
    });

    it('refuses a truncated body whole: no half of a feed is stored', async () => {
      expect(await refusal('truncated.xml')).toMatch(/^not a readable feed: /);
    });

    it('refuses a malformed feed with the parser\u2019s reason', async () => {
      expect(await refusal('malformed.xml')).toMatch(/^not a readable feed: /);
    });
  });

  it('has a test for every fixture file', async () => {
    const source = (await import('node:fs')).readFileSync(new URL(import.meta.url), 'utf8');
    const elsewhere = ['entity-bomb.xml', 'atom-minimal.xml']; // test/fuzz-feeds.test.ts
    for (const name of feedFixtureNames()) expect(source.includes(`'${name}'`) || elsewhere.includes(name), name).toBe(true);
  });
});
