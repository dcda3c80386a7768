import { describe, expect, it } from 'vitest';
import { isForbiddenAddress } from '../src/ingest/address-check.ts';
import { canonicalUrl } from '../src/ingest/canonical-url.ts';
import { decodeBody } from '../src/ingest/charset.ts';
import { looksRelevant, tagEntities } from '../src/ingest/entities.ts';
import { hashText, normaliseEntry } from '../src/ingest/normalise.ts';
import { repairXml } from '../src/ingest/repair.ts';
import { MAX_BACKOFF_MS, nextFetchAt } from '../src/ingest/schedule.ts';
import { htmlToText } from '../src/ingest/text.ts';

describe('canonicalUrl', () => {
  it('drops tracking parameters and fragments, lower-cases the host, sorts the rest', () => {
    expect(canonicalUrl('HTTPS://Variety.COM/2025/film/news/ai-vfx/?utm_source=tw&utm_medium=x&b=2&a=1&fbclid=zz#top')).toBe(
      'https://variety.com/2025/film/news/ai-vfx/?a=1&b=2',
    );
    expect(canonicalUrl('http://example.com:80/a?gclid=1')).toBe('http://example.com/a');
  });
  it('resolves relative links against the feed URL', () => {
    expect(canonicalUrl('/news/1?utm_campaign=x', 'https://guild.example.org/feed.xml')).toBe('https://guild.example.org/news/1');
  });
  it('refuses links that are not web pages', () => {
    expect(canonicalUrl('javascript:alert(1)')).toBeUndefined();
    expect(canonicalUrl('mailto:x@y.z')).toBeUndefined();
    expect(canonicalUrl('not a url')).toBeUndefined();
  });
  it('makes tracking variants of one story equal', () => {
    const a = canonicalUrl('https://deadline.com/story/?utm_source=rss');
    const b = canonicalUrl('https://deadline.com/story/?fbclid=abc#comments');
    const c = canonicalUrl('https://Deadline.com/story/');
    expect(a).toBe(b);
    expect(b).toBe(c);
  });
});

describe('decodeBody', () => {
  const latin1 = Buffer.from([0x3c, 0x61, 0x3e, 0x63, 0x61, 0x66, 0xe9, 0x3c, 0x2f, 0x61, 0x3e]); // <a>café</a>
  it('trusts the Content-Type charset first', () => {
    expect(decodeBody(latin1, 'application/rss+xml; charset=ISO-8859-1').text).toBe('<a>café</a>');
    expect(decodeBody(latin1, 'text/xml; charset="iso-8859-1"').text).toBe('<a>café</a>');
  });
  it('falls back to the XML declaration', () => {
    const doc = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="windows-1252"?>'),
      Buffer.from([0x3c, 0x61, 0x3e, 0x93, 0x41, 0x49, 0x94, 0x20, 0x80, 0x3c, 0x2f, 0x61, 0x3e]),
    ]);
    expect(decodeBody(doc, 'text/xml').text).toContain('<a>\u201cAI\u201d \u20ac</a>');
  });
  it('reads a UTF-8 BOM and strips it', () => {
    const doc = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<a>naïve</a>')]);
    const out = decodeBody(doc, 'application/xml');
    expect(out.text).toBe('<a>naïve</a>');
    expect(out.charset).toBe('utf-8');
  });
  it('defaults to UTF-8 and survives unknown labels', () => {
    expect(decodeBody(Buffer.from('<a>ü</a>'), 'text/xml; charset=x-unknown-thing').text).toBe('<a>ü</a>');
  });
});

describe('repairXml and htmlToText', () => {
  it('turns undeclared entities and bare ampersands into valid XML', () => {
    expect(repairXml('<t>Caf&eacute; R&D &amp; AT&T &nbsp;&#233; &bogus;</t>')).toBe(
      '<t>Caf&#233; R&amp;D &amp; AT&amp;T &#160;&#233; &amp;bogus;</t>',
    );
  });
  it('leaves CDATA alone', () => {
    expect(repairXml('<t><![CDATA[a & b &eacute;]]></t>')).toBe('<t><![CDATA[a & b &eacute;]]></t>');
  });
  it('strips tags, scripts and entities to plain collapsed text', () => {
    expect(htmlToText('<p>Hello&nbsp;<b>world</b></p><script>evil()</script><p>R&amp;D&#8217;s &eacute;t&eacute;</p>')).toBe(
      'Hello world R&D\u2019s été',
    );
  });
});

describe('entities', () => {
  it('tags studios, unions and areas by alias', () => {
    const t = tagEntities('WBD and SAG AFTRA clash over gen AI digital replicas; The Animation Guild backs storyboard artists at Netflix.');
    expect(t.studios).toEqual(['Netflix', 'Warner Bros. Discovery']);
    expect(t.unions).toEqual(['SAG-AFTRA', 'The Animation Guild']);
    expect(t.areas).toEqual(expect.arrayContaining(['acting_likeness', 'previs_storyboards', 'animation']));
    expect(t.mentionsAi).toBe(true);
  });
  it('keeps case-sensitive acronyms apart from ordinary words', () => {
    expect(tagEntities('each of the teams used a fine tool').studios).toEqual([]);
    expect(tagEntities('EA shows GenAI level design').studios).toEqual(['Electronic Arts']);
    expect(tagEntities('said the aide').mentionsAi).toBe(false);
    expect(tagEntities('GenAI makes a splash').mentionsAi).toBe(true);
  });
  it('marks an AI story about screen work relevant and AI news elsewhere not', () => {
    expect(looksRelevant(tagEntities('Netflix used generative AI for a building collapse shot'))).toBe(true);
    expect(looksRelevant(tagEntities('Bank rolls out an AI chatbot for mortgages'))).toBe(false);
    expect(looksRelevant(tagEntities('Box office collapse terrifies exhibitors at Disney'))).toBe(false);
  });
});

describe('normaliseEntry', () => {
  const ctx = { feedUrl: 'https://feeds.example.org/rss', fetchedAt: new Date('2025-07-20T10:00:00Z'), language: 'EN_gb' };
  it('builds a plain-text item with a UTC date and canonical URL', () => {
    const item = normaliseEntry(
      {
        guid: 'g',
        link: '/a?utm_source=x',
        title: '<b>Guild</b> &amp; AI',
        summary: '<p>Summary</p>',
        content: '<p>Body text</p>',
        author: 'Ana',
        published: '2025-07-18T09:00:00.000Z',
        imageUrl: undefined,
      },
      ctx,
    )!;
    expect(item.url).toBe('https://feeds.example.org/a');
    expect(item.title).toBe('Guild & AI');
    expect(item.summary).toBe('Summary');
    expect(item.content).toBe('Body text');
    expect(item.publishedAt.toISOString()).toBe('2025-07-18T09:00:00.000Z');
    expect(item.publishedEstimated).toBe(false);
    expect(item.language).toBe('en-gb');
  });
  it('uses first-seen time for missing or future dates and flags it', () => {
    const base = {
      guid: undefined,
      link: 'https://x.org/1',
      title: 'T',
      summary: 'S',
      content: '',
      author: undefined,
      imageUrl: undefined,
    };
    for (const published of [undefined, '2031-01-01T00:00:00.000Z']) {
      const item = normaliseEntry({ ...base, published }, ctx)!;
      expect(item.publishedAt).toEqual(ctx.fetchedAt);
      expect(item.publishedEstimated).toBe(true);
    }
  });
  it('skips entries without a usable link', () => {
    expect(
      normaliseEntry(
        { guid: 'x', link: undefined, title: 'T', summary: '', content: '', author: undefined, published: undefined, imageUrl: undefined },
        ctx,
      ),
    ).toBeUndefined();
  });
  it('hashes the same words the same despite markup and case', () => {
    expect(hashText('Guild: AI!', 'Some <b>text</b>'.replace(/<[^>]+>/g, ''))).toBe(hashText('guild ai', 'some text'));
  });
});

describe('nextFetchAt', () => {
  const now = new Date('2025-07-20T00:00:00Z');
  const wait = (d: Date) => d.getTime() - now.getTime();
  it('uses the interval after a success, with jitter under 10%', () => {
    expect(wait(nextFetchAt({ now, intervalMinutes: 60, consecutiveFailures: 0, random: 0 }))).toBe(3_600_000);
    expect(wait(nextFetchAt({ now, intervalMinutes: 60, consecutiveFailures: 0, random: 0.999 }))).toBeLessThan(3_600_000 * 1.1);
  });
  it('backs off exponentially and caps at 24 hours', () => {
    expect(wait(nextFetchAt({ now, intervalMinutes: 10, consecutiveFailures: 1, random: 0 }))).toBe(20 * 60_000);
    expect(wait(nextFetchAt({ now, intervalMinutes: 10, consecutiveFailures: 3, random: 0 }))).toBe(80 * 60_000);
    for (const r of [0, 0.5, 0.99]) {
      const w = wait(nextFetchAt({ now, intervalMinutes: 10, consecutiveFailures: 40, random: r }));
      expect(w).toBeLessThanOrEqual(MAX_BACKOFF_MS);
      expect(w).toBeGreaterThan(MAX_BACKOFF_MS * 0.89);
    }
  });
  it('honours a longer Retry-After', () => {
    expect(wait(nextFetchAt({ now, intervalMinutes: 1, consecutiveFailures: 1, retryAfterMs: 3_600_000, random: 0 }))).toBe(3_600_000);
  });
});

describe('isForbiddenAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fd00:ec2::254',
    '::ffff:127.0.0.1',
    '::ffff:a9fe:a9fe',
  ])('refuses %s', (ip) => expect(isForbiddenAddress(ip)).toBe(true));
  it.each(['93.184.216.34', '151.101.1.1', '2606:4700::1111'])('allows %s', (ip) => expect(isForbiddenAddress(ip)).toBe(false));
});
