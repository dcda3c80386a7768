import { describe, expect, it } from 'vitest';
import { FeedParseError, parseFeed } from '../src/ingest/parse.ts';

const NS =
  'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/"';
const rss = (items: string, channel = '<title>Trade</title>') =>
  `<?xml version="1.0"?><rss version="2.0" ${NS}><channel>${channel}${items}</channel></rss>`;
const one = async (item: string) => (await parseFeed(rss(`<item>${item}</item>`))).entries[0]!;

describe('parseFeed: what is not a feed', () => {
  it('refuses an empty or blank body', async () => {
    await expect(parseFeed('')).rejects.toThrow(new FeedParseError('empty body: no feed'));
    await expect(parseFeed(' \n\t ')).rejects.toThrow('empty body: no feed');
  });
  it('refuses an HTML page, with or without a doctype, in any case, after leading space', async () => {
    for (const page of ['<!DOCTYPE html><html><body>x</body></html>', '  <HTML><body>Sign in</body></HTML>', '\n<!doctype HTML>'])
      await expect(parseFeed(page)).rejects.toThrow('the server sent an HTML page, not a feed');
  });
  it('refuses broken XML with the first two lines of the parser’s reason, on one line', async () => {
    const err = await parseFeed('<rss><channel><item><title>x</chan').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeedParseError);
    expect((err as Error).name).toBe('FeedParseError');
    expect((err as Error).message).toBe('not a readable feed: Unclosed root tag Line: 0');
  });
  it("names each broken document's own fault, however many failed before it", async () => {
    const reason = (xml: string) =>
      parseFeed(xml).then(
        () => 'parsed',
        (e: Error) => e.message,
      );
    for (const xml of ['<rss version="2.0"><channel><item><title>a</ti', '<a><b></a>', '<rss><channel><item><title>x</chan'])
      await reason(xml);
    expect(await reason('<rss><channel><item><title>x</chan')).toBe('not a readable feed: Unclosed root tag Line: 0');
    expect(await reason('<rss><channel><item><title>x</chan')).toBe('not a readable feed: Unclosed root tag Line: 0');
    expect((await parseFeed(rss('<item><title>a</title><link>https://x.example/a</link></item>'))).entries).toHaveLength(1);
  });
  it('says what is missing from a well-formed document that holds no channel', async () => {
    expect(await parseFeed('<rss version="2.0"></rss>').catch((e: Error) => e.message)).toBe(
      'not a readable feed: no channel (RSS) or feed (Atom) element holding its entries',
    );
  });
});

describe('parseFeed: RSS', () => {
  it('reads the feed title and language, trimmed', async () => {
    const feed = await parseFeed(rss('', '<title> Trade </title><language> en-US </language>'));
    expect(feed).toEqual({ title: 'Trade', language: 'en-US', entries: [] });
  });
  it('leaves out a blank title and a missing language', async () => {
    expect(await parseFeed(rss('', '<title>  </title>'))).toEqual({ title: undefined, language: undefined, entries: [] });
  });

  it('reads an item: guid, link, title, summary, content, author, date', async () => {
    const e = await one(
      '<title>One</title><link>https://x.org/1</link><guid isPermaLink="false">g-1</guid><description>&lt;p&gt;Sum&lt;/p&gt;</description>' +
        '<content:encoded><![CDATA[<p>Body</p>]]></content:encoded><dc:creator>Ana</dc:creator><pubDate>Fri, 18 Jul 2025 09:00:00 GMT</pubDate>',
    );
    expect(e).toEqual({
      guid: 'g-1',
      link: 'https://x.org/1',
      title: 'One',
      summary: '<p>Sum</p>',
      content: '<p>Body</p>',
      author: 'Ana',
      published: '2025-07-18T09:00:00.000Z',
      imageUrl: undefined,
    });
  });

  it('gives an item without title or text empty strings, not undefined', async () => {
    const e = await one('<link>https://x.org/1</link>');
    expect(e).toMatchObject({ title: '', summary: '', content: '', guid: undefined, author: undefined, published: undefined });
  });

  it('drops a summary that only repeats the content', async () => {
    const e = await one('<title>Two</title><description>Same</description><content:encoded>Same</content:encoded>');
    expect(e.summary).toBe('');
    expect(e.content).toBe('Same');
  });

  it('takes the author from <author> when there is no dc:creator', async () => {
    expect((await one('<title>t</title><author>bob@x.org (Bob)</author>')).author).toBe('bob@x.org (Bob)');
  });

  it('prefers dc:creator over <author>', async () => {
    expect((await one('<title>t</title><author>bob@x.org</author><dc:creator>Ana</dc:creator>')).author).toBe('Ana');
  });
});

describe('parseFeed: images', () => {
  it('takes the first image of media:content, skipping video', async () => {
    const e = await one(
      '<title>t</title><media:content url="https://x.org/v.mp4" medium="video"/><media:content url="https://x.org/i.jpg" medium="image"/>',
    );
    expect(e.imageUrl).toBe('https://x.org/i.jpg');
  });
  it('accepts media:content typed image/* or with no medium at all', async () => {
    expect((await one('<title>t</title><media:content url="https://x.org/v.mp4" medium="video" type="image/png"/>')).imageUrl).toBe(
      'https://x.org/v.mp4',
    );
    expect((await one('<title>t</title><media:content url="https://x.org/plain"/>')).imageUrl).toBe('https://x.org/plain');
    expect(
      (await one('<title>t</title><media:content url="https://x.org/a.mp3" medium="audio" type="audio/mpeg"/>')).imageUrl,
    ).toBeUndefined();
  });
  it('skips media:content without a URL', async () => {
    expect(
      (await one('<title>t</title><media:content medium="image"/><media:content url="https://x.org/2.jpg" medium="image"/>')).imageUrl,
    ).toBe('https://x.org/2.jpg');
  });
  it('falls back to media:thumbnail, then an image enclosure', async () => {
    expect(
      (
        await one(
          '<title>t</title><media:thumbnail url="https://x.org/t.jpg"/><enclosure url="https://x.org/e.jpg" type="image/jpeg" length="1"/>',
        )
      ).imageUrl,
    ).toBe('https://x.org/t.jpg');
    expect((await one('<title>t</title><enclosure url="https://x.org/e.jpg" type="image/jpeg" length="1"/>')).imageUrl).toBe(
      'https://x.org/e.jpg',
    );
  });
  it('ignores an enclosure that is not an image', async () => {
    expect((await one('<title>t</title><enclosure url="https://x.org/a.mp3" type="audio/mpeg" length="1"/>')).imageUrl).toBeUndefined();
    expect((await one('<title>t</title><enclosure url="https://x.org/a" length="1"/>')).imageUrl).toBeUndefined();
  });
});

describe('parseFeed: Atom', () => {
  const atom = (entry: string) =>
    `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry>${entry}</entry></feed>`;
  it('reads id, link, summary, HTML content, author name and updated date', async () => {
    const feed = await parseFeed(
      atom(
        '<title>a</title><id>urn:x</id><link href="https://x.org/a"/><updated>2025-07-01T00:00:00Z</updated><summary>s</summary><content type="html">&lt;p&gt;hi&lt;/p&gt;</content><author><name> Cy </name></author>',
      ),
    );
    expect(feed.title).toBe('A');
    expect(feed.entries).toEqual([
      {
        guid: 'urn:x',
        link: 'https://x.org/a',
        title: 'a',
        summary: 's',
        content: '<p>hi</p>',
        author: 'Cy',
        published: '2025-07-01T00:00:00.000Z',
        imageUrl: undefined,
      },
    ]);
  });
  it('uses the text snippet as summary only when there is no content', async () => {
    const e = (await parseFeed(atom('<title>a</title><id>x</id><content type="html">&lt;p&gt;only body&lt;/p&gt;</content>'))).entries[0]!;
    expect(e.summary).toBe('');
    expect(e.content).toBe('<p>only body</p>');
  });
});

describe('parseFeed: repairs', () => {
  it('reads a feed with undeclared HTML entities and bare ampersands', async () => {
    const e = await one('<title>Caf&eacute; R&D</title><link>https://x.org/1?a=1&b=2</link>');
    expect(e.title).toBe('Café R&D');
    expect(e.link).toBe('https://x.org/1?a=1&b=2');
  });
});
