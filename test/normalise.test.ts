import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashText, normaliseEntry } from '../src/ingest/normalise.ts';
import type { FeedEntry } from '../src/ingest/parse.ts';

const FETCHED = new Date('2025-07-20T10:00:00Z');
const ctx = { feedUrl: 'https://feeds.example.org/rss', fetchedAt: FETCHED };
const entry = (over: Partial<FeedEntry> = {}): FeedEntry => ({
  guid: undefined,
  link: 'https://x.org/1',
  title: 'Title',
  summary: 'Summary',
  content: '',
  author: undefined,
  published: undefined,
  imageUrl: undefined,
  ...over,
});
const norm = (over: Partial<FeedEntry> = {}, c: Partial<typeof ctx & { language: string | null }> = {}) =>
  normaliseEntry(entry(over), { ...ctx, ...c });

describe('normaliseEntry: the link', () => {
  it('uses an http(s) guid as the link when the entry has none', () => {
    expect(norm({ link: undefined, guid: 'HTTPS://x.org/from-guid' })!.url).toBe('https://x.org/from-guid');
    expect(norm({ link: undefined, guid: 'http://x.org/g' })!.url).toBe('http://x.org/g');
  });
  it('does not take a guid that is not a web address, or only contains one', () => {
    expect(norm({ link: undefined, guid: 'tag:x.org,2025:1' })).toBeUndefined();
    expect(norm({ link: undefined, guid: 'see https://x.org/1' })).toBeUndefined();
  });
  it('prefers the link over the guid', () => {
    expect(norm({ link: 'https://x.org/link', guid: 'https://x.org/guid' })!.url).toBe('https://x.org/link');
  });
  it('skips an entry whose link is not a web page', () => {
    expect(norm({ link: 'mailto:a@b.c' })).toBeUndefined();
  });
});

describe('normaliseEntry: text fields', () => {
  it('keeps an entry with only a title, only a summary or only content, and skips one with none', () => {
    expect(norm({ title: 'T', summary: '', content: '' })).toBeDefined();
    expect(norm({ title: '', summary: 'S', content: '' })).toBeDefined();
    expect(norm({ title: '', summary: '', content: 'C' })).toBeDefined();
    expect(norm({ title: '', summary: '', content: '' })).toBeUndefined();
    expect(norm({ title: '<b></b>', summary: '', content: '' })).toBeUndefined();
  });
  it('falls back to the start of the summary, then the URL, for a missing title', () => {
    expect(norm({ title: '', summary: 'A summary' })!.title).toBe('A summary');
    expect(norm({ title: '', summary: 'word '.repeat(40) })!.title).toBe(`${'word '.repeat(24).trim()}…`);
    expect(norm({ title: '', summary: '', content: '<img src="x">' })!.title).toBe('https://x.org/1');
    expect(norm({ title: '', summary: '<br>', content: '' })!.title).toBe('https://x.org/1');
  });
  it('cuts a long title at 500 characters', () => {
    const t = norm({ title: 'x'.repeat(600) })!.title;
    expect(t).toBe(`${'x'.repeat(500)}…`);
  });
  it('cuts a long summary at 2,000 and long content at 100,000 characters', () => {
    const item = norm({ summary: 's'.repeat(2_100), content: 'c'.repeat(100_100) })!;
    expect(item.summary.length).toBe(2_001);
    expect(item.content.length).toBe(100_001);
  });
  it('makes a missing summary from the first 400 characters of the content', () => {
    const item = norm({ summary: '', content: '<p>' + 'b'.repeat(500) + '</p>' })!;
    expect(item.summary).toBe(`${'b'.repeat(400)}…`);
    expect(item.content).toBe('b'.repeat(500));
  });
  it('keeps the author as plain text, null when missing or blank', () => {
    expect(norm({ author: '<a href="x">Ana Ruiz</a>' })!.author).toBe('Ana Ruiz');
    expect(norm({ author: undefined })!.author).toBeNull();
    expect(norm({ author: '<span> </span>' })!.author).toBeNull();
    expect(norm({ author: 'n'.repeat(300) })!.author).toBe(`${'n'.repeat(200)}…`);
  });
  it('keeps the guid, cut to 1,000 characters, and null when missing', () => {
    expect(norm({ guid: 'g-1' })!.guid).toBe('g-1');
    expect(norm({ guid: 'g'.repeat(1_200) })!.guid).toBe('g'.repeat(1_000));
    expect(norm({ guid: undefined })!.guid).toBeNull();
  });
});

describe('normaliseEntry: dates', () => {
  it('keeps a date up to ten minutes ahead of the fetch and estimates a later one', () => {
    const at = (ms: number) => new Date(FETCHED.getTime() + ms).toISOString();
    expect(norm({ published: at(10 * 60_000) })).toMatchObject({ publishedAt: new Date(at(10 * 60_000)), publishedEstimated: false });
    expect(norm({ published: at(10 * 60_000 + 1) })).toMatchObject({ publishedAt: FETCHED, publishedEstimated: true });
  });
  it('keeps a date equal to the fetch time', () => {
    expect(norm({ published: FETCHED.toISOString() })!.publishedEstimated).toBe(false);
  });
  it('estimates an unreadable date as first seen', () => {
    expect(norm({ published: 'last Tuesday' })).toMatchObject({ publishedAt: FETCHED, publishedEstimated: true });
  });
  it('records when it was fetched', () => {
    expect(norm()!.fetchedAt).toBe(FETCHED);
  });
});

describe('normaliseEntry: hashes, tags and language', () => {
  it('hashes the title with the content, or with the summary when there is no content', () => {
    expect(norm({ title: 'T', summary: 'S', content: 'C' })!.contentHash).toBe(hashText('T', 'C'));
    expect(norm({ title: 'T', summary: 'S', content: '' })!.contentHash).toBe(hashText('T', 'S'));
  });
  it('links by hash only when title and body reach 80 characters and there is a body', () => {
    expect(norm({ title: 't'.repeat(40), summary: 's'.repeat(40) })!.linkableHash).toBe(true);
    expect(norm({ title: 't'.repeat(40), summary: 's'.repeat(39) })!.linkableHash).toBe(false);
    expect(norm({ title: 't'.repeat(100), summary: '' })!.linkableHash).toBe(false);
  });
  it('tags entities from title, summary and content, and marks AI screen stories relevant', () => {
    const item = norm({ title: 'Netflix', summary: 'SAG-AFTRA', content: 'generative AI dubbing' })!;
    expect(item).toMatchObject({ studios: ['Netflix'], unions: ['SAG-AFTRA'], areas: ['voice_dubbing'], relevant: true });
    expect(norm({ title: 'Netflix', summary: 'earnings', content: '' })!.relevant).toBe(false);
  });
  it('normalises the feed language and drops a malformed one', () => {
    expect(norm({}, { language: ' EN_us ' })!.language).toBe('en-us');
    expect(norm({}, { language: 'fra' })!.language).toBe('fra');
    expect(norm({}, { language: 'zh-Hant-TW' })!.language).toBe('zh-hant-tw');
    expect(norm({}, { language: 'english' })!.language).toBeNull();
    expect(norm({}, { language: 'e' })!.language).toBeNull();
    expect(norm({}, { language: 'en-' })!.language).toBeNull();
    expect(norm({}, { language: 'en-x' })!.language).toBeNull();
    expect(norm({}, { language: 'en-us!' })!.language).toBeNull();
    expect(norm({}, { language: '1en' })!.language).toBeNull();
    expect(norm({}, { language: null })!.language).toBeNull();
    expect(norm()!.language).toBeNull();
  });
});

describe('hashText', () => {
  it('ignores case, punctuation and spacing, but not the words', () => {
    expect(hashText('Guild: AI!', '  some   text ')).toBe(hashText('guild ai', 'some text'));
    expect(hashText('Guild', 'text')).not.toBe(hashText('Guild', 'texts'));
    expect(hashText('Café', 'x')).not.toBe(hashText('Caf', 'x'));
  });
  it('keeps the stored hash of a text stable: SHA-256 of its lower-cased words joined by spaces', () => {
    expect(hashText('Guild: AI!', 'Some <b>text</b>')).toBe(createHash('sha256').update('guild ai some b text b').digest('hex'));
  });
  it('is a SHA-256 hex digest', () => {
    expect(hashText('', '')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
