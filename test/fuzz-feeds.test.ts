import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../src/ingest/charset.ts';
import { normaliseEntry } from '../src/ingest/normalise.ts';
import { FeedParseError, parseFeed } from '../src/ingest/parse.ts';
import { manyItems, rss } from './helpers/feed-server.ts';

const BASE = rss(manyItems(5, 'https://fuzz.example.org'));
const ATOM = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>a &amp; b</title><id>x</id><link href="/a"/><updated>2025-07-01T00:00:00Z</updated><content type="html">&lt;p&gt;hi&lt;/p&gt;</content></entry></feed>`;

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
    const lol = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<rss version="2.0"><channel><title>&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;</title><item><title>&d;</title><link>https://x.org/1</link></item></channel></rss>`;
    const before = process.memoryUsage().heapUsed;
    const result = await parseFeed(lol).catch((e: unknown) => e);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
    if (!(result instanceof Error)) expect(JSON.stringify(result).length).toBeLessThan(100_000);
  });
});
