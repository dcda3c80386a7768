import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../src/ingest/charset.ts';
import { normaliseEntry } from '../src/ingest/normalise.ts';
import { FeedParseError, parseFeed } from '../src/ingest/parse.ts';
import { manyItems, rss } from './helpers/feed-server.ts';
import { feedFixture } from './helpers/fixtures.ts';

const BASE = rss(manyItems(5, 'https://fuzz.example.org'));
const ATOM = feedFixture('atom-minimal.xml').toString('utf8');

/** A mutation of a well-formed feed: cut, insert junk, duplicate or delete a slice. */
const mutated = fc
  .tuple(
    fc.constantFrom(BASE, ATOM),
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.nat({ max: 60 }),
        fc.oneof(
          fc.string({ maxLength: 20 }),
          fc.constantFrom(
            '<',
            '>',
            '&',
            ']]>',
            '<![CDATA[',
            '<item>',
            '</channel>',
            '&eacute;',
            '&#0;',
            '\u0000',
            '\uFFFE',
            '<!DOCTYPE x [<!ENTITY a "aaaa">]>',
            '&a;',
          ),
        ),
      ),
      { maxLength: 6 },
    ),
  )
  .map(([doc, edits]) => {
    let s = doc;
    for (const [at, len, insert] of edits) {
      const i = at % (s.length + 1);
      s = s.slice(0, i) + insert + s.slice(i + (len % 3 === 0 ? len : 0));
    }
    return s;
  });

const ctx = { feedUrl: 'https://fuzz.example.org/feed', fetchedAt: new Date('2025-07-20T00:00:00Z') };

describe('feed parsing and normalisation under mutated and random documents', () => {
  it('either parses or fails with a FeedParseError, and normalises without throwing', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          mutated,
          fc.string({ maxLength: 300 }),
          fc.uint8Array({ maxLength: 300 }).map((b) => decodeBody(b, 'text/xml').text),
        ),
        async (doc) => {
          let parsed: Awaited<ReturnType<typeof parseFeed>> | undefined;
          try {
            parsed = await parseFeed(doc);
          } catch (err) {
            expect(err).toBeInstanceOf(FeedParseError);
            expect((err as Error).message.length).toBeLessThan(600);
            return;
          }
          for (const e of parsed.entries) {
            const item = normaliseEntry(e, ctx);
            if (item) {
              expect(item.url).toMatch(/^https?:\/\//);
              expect(item.title.length).toBeLessThanOrEqual(501);
              expect(Number.isNaN(item.publishedAt.getTime())).toBe(false);
            }
          }
        },
      ),
      { numRuns: 500, seed: 42 },
    );
  });

  it('does not expand entity bombs', async () => {
    const lol = feedFixture('entity-bomb.xml').toString('utf8');
    const before = process.memoryUsage().heapUsed;
    const result = await parseFeed(lol).catch((e: unknown) => e);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
    if (!(result instanceof Error)) expect(JSON.stringify(result).length).toBeLessThan(100_000);
  });
});

describe('hostile feed shapes: item floods, bidi, cut boundaries', () => {
  const limits = { maxItems: 50, maxChars: 200_000 };
  const flood = (n: number, body = '') =>
    rss(manyItems(n, 'https://flood.example.org').map((it) => ({ ...it, description: body || it.description })));

  it('an item flood, a byte flood, CDATA holding <item>, a huge head: parsed within the caps or refused, never more', {
    timeout: 120_000,
  }, async () => {
    const docs = [
      flood(5000),
      flood(300, 'x'.repeat(5000)),
      flood(80).replace('<item>', '<item><description><![CDATA[ <item> </item> <entry> ]]></description>'),
      `<?xml version="1.0"?><rss version="2.0"><channel><title>${'h'.repeat(300_000)}</title><item><title>a</title><link>https://a.example/</link></item></channel></rss>`,
      `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">${'<entry><title>t</title><id>i</id></entry>'.repeat(10_000)}</feed>`,
      '<item>'.repeat(100_000),
      `<rss version="2.0"><channel>${'<item '.repeat(50_000)}</channel></rss>`,
    ];
    for (const doc of docs) {
      const result = await parseFeed(doc, limits).catch((e: Error) => e);
      if (result instanceof Error) {
        expect(result).toBeInstanceOf(FeedParseError);
        continue;
      }
      expect(result.entries.length).toBeLessThanOrEqual(limits.maxItems);
      // an opening tag inside CDATA counts as an entry when cutting: never more entries than kept
      if (result.cut) expect(result.entries.length).toBeLessThanOrEqual(result.cut.kept);
    }
  });

  it('random cut limits over random well-formed feeds keep a prefix of the entries', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 500, max: 40_000 }),
        async (n, maxItems, maxChars) => {
          const doc = flood(n);
          const result = await parseFeed(doc, { maxItems, maxChars }).catch((e: Error) => e);
          if (result instanceof Error) return expect(result).toBeInstanceOf(FeedParseError);
          const all = (await parseFeed(doc, { maxItems: 1000, maxChars: 10_000_000 })).entries.map((e) => e.link);
          expect(result.entries.map((e) => e.link)).toEqual(all.slice(0, result.entries.length));
          expect(result.entries.length).toBeLessThanOrEqual(maxItems);
        },
      ),
      { numRuns: 60, seed: 19 },
    );
  });

  it('bidi embeddings, overrides and isolates never survive normalisation', async () => {
    await fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            'a',
            ' ',
            '\u202a',
            '\u202b',
            '\u202c',
            '\u202d',
            '\u202e',
            '\u2066',
            '\u2067',
            '\u2068',
            '\u2069',
            '\u200f',
            '<b>',
            '&amp;',
          ),
          { maxLength: 40 },
        ),
        (parts) => {
          const text = parts.join('');
          const item = normaliseEntry(
            {
              guid: undefined,
              link: 'https://bidi.example/x',
              title: text || 't',
              summary: text,
              content: text,
              author: text || undefined,
              published: undefined,
              imageUrl: undefined,
            },
            ctx,
          );
          if (!item) return;
          for (const field of [item.title, item.summary, item.content, item.author ?? ''])
            expect(field).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });
});
