import { createHash } from 'node:crypto';
import { stripBidiControls } from './bidi.ts';
import { canonicalUrl } from './canonical-url.ts';
import { looksRelevant, tagEntities } from './entities.ts';
import type { FeedEntry } from './parse.ts';
import { htmlToText, truncate } from './text.ts';

/** Limits that keep one odd entry from bloating the database. */
const MAX_TITLE = 500;
const MAX_SUMMARY = 2_000;
const MAX_CONTENT = 100_000;
/** Below this many characters a content hash says too little to link two URLs as one story. */
const MIN_HASHED_TEXT = 80;
/** Dates further ahead than this are treated as wrong, not as scheduled posts. */
const FUTURE_SLACK_MS = 10 * 60_000;

export interface NormalisedItem {
  url: string;
  guid: string | null;
  title: string;
  summary: string;
  content: string;
  author: string | null;
  outlet: string | null;
  publishedAt: Date;
  publishedEstimated: boolean;
  fetchedAt: Date;
  contentHash: string;
  /** content hash strong enough to link re-posts under other URLs */
  linkableHash: boolean;
  language: string | null;
  studios: string[];
  unions: string[];
  areas: string[];
  relevant: boolean;
}

export interface NormaliseContext {
  /** the URL the feed was fetched from, to resolve relative links */
  feedUrl: string;
  fetchedAt: Date;
  language?: string | null;
}

/** Plain text of a feed field, without bidi controls, cut to `max` characters. */
const plain = (html: string, max: number) => truncate(stripBidiControls(htmlToText(html)), max);

/** Lower-cased words only: the same story with other markup or punctuation hashes the same. */
export function hashText(title: string, body: string): string {
  const norm = `${title}\n${body}`
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return createHash('sha256').update(norm).digest('hex');
}

/** Normalises a feed language tag such as "en-US" or "EN_gb" to "en-us". */
function normaliseLanguage(lang: string | null | undefined): string | null {
  const l = lang?.trim().toLowerCase().replace(/_/g, '-');
  return l && /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/.test(l) ? l : null;
}

/**
 * Turns a feed entry into the row Pulse stores: canonical URL, plain-text fields, a UTC date
 * (first-seen when missing or in the future, and flagged so), content hash, entity tags.
 * Returns undefined for an entry with neither a usable link nor a title.
 */
export function normaliseEntry(entry: FeedEntry, ctx: NormaliseContext): NormalisedItem | undefined {
  const link = entry.link ?? (entry.guid && /^https?:\/\//i.test(entry.guid) ? entry.guid : undefined);
  const url = link ? canonicalUrl(link, ctx.feedUrl) : undefined;
  const title = plain(entry.title, MAX_TITLE);
  if (!url || (!title && !entry.summary && !entry.content)) return undefined;
  const content = plain(entry.content, MAX_CONTENT);
  let summary = plain(entry.summary, MAX_SUMMARY);
  if (!summary && content) summary = truncate(content, 400);
  const body = content || summary;

  const parsed = entry.published ? new Date(entry.published) : undefined;
  const usable = parsed && !Number.isNaN(parsed.getTime()) && parsed.getTime() <= ctx.fetchedAt.getTime() + FUTURE_SLACK_MS;
  const tags = tagEntities(`${title}\n${summary}\n${content}`);
  return {
    url,
    guid: entry.guid?.slice(0, 1000) ?? null,
    title: title || truncate(summary, 120) || url,
    summary,
    content,
    author: entry.author ? plain(entry.author, 200) || null : null,
    outlet: entry.outlet ? plain(entry.outlet, 200) || null : null,
    publishedAt: usable ? parsed : ctx.fetchedAt,
    publishedEstimated: !usable,
    fetchedAt: ctx.fetchedAt,
    contentHash: hashText(title, body),
    linkableHash: (title + body).length >= MIN_HASHED_TEXT && body.length > 0,
    language: normaliseLanguage(ctx.language),
    studios: tags.studios,
    unions: tags.unions,
    areas: tags.areas,
    relevant: looksRelevant(tags),
  };
}
