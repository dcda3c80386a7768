import type { Db } from '../db/client.ts';
import { addSource, listSources, type AddResult, type NewSource } from '../db/queries/sources.ts';
import { buildOpml, parseOpml } from './ingest/opml.ts';
import { SOURCE_KINDS, type SourceKind } from './labels.ts';

/** A source URL Pulse can fetch: absolute http(s), no credentials, normalised. */
export function validateFeedUrl(raw: string): { ok: true; url: string } | { ok: false; message: string } {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return { ok: false, message: 'expected an absolute http(s) URL' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, message: `only http and https feeds are supported, not ${u.protocol}` };
  if (u.username || u.password) return { ok: false, message: 'credentials in feed URLs are not stored' };
  u.hash = '';
  return { ok: true, url: u.toString() };
}

/** The name shown for a source when none is given: its host without "www.". */
export function defaultName(url: string): string {
  return new URL(url).hostname.replace(/^www\./, '');
}

export interface SourceInput {
  url: string;
  kind: SourceKind;
  name?: string | undefined;
  organisation?: string | undefined;
  country?: string | undefined;
  language?: string | undefined;
  fetchIntervalMinutes?: number | undefined;
}

/** Adds one source from user input (already validated by the caller's schema). */
export async function addSourceFromInput(db: Db, input: SourceInput): Promise<AddResult> {
  const checked = validateFeedUrl(input.url);
  if (!checked.ok) throw new Error(checked.message);
  const row: NewSource = {
    url: checked.url,
    kind: input.kind,
    name: input.name?.trim() || defaultName(checked.url),
    organisation: input.organisation ?? null,
    country: input.country ?? null,
    language: input.language ?? null,
    ...(input.fetchIntervalMinutes ? { fetchIntervalMinutes: input.fetchIntervalMinutes } : {}),
  };
  return addSource(db, row);
}

export interface ImportReport {
  created: number;
  restored: number;
  existing: number;
  invalid: { url: string; reason: string }[];
}

/** Imports every feed of an OPML document; bad entries are reported, not fatal. */
export async function importOpml(db: Db, xml: string, defaultKind: SourceKind = 'news'): Promise<ImportReport> {
  const report: ImportReport = { created: 0, restored: 0, existing: 0, invalid: [] };
  for (const feed of parseOpml(xml)) {
    const checked = validateFeedUrl(feed.url);
    if (!checked.ok) {
      report.invalid.push({ url: feed.url.slice(0, 500), reason: checked.message });
      continue;
    }
    const result = await addSourceFromInput(db, {
      url: checked.url,
      kind: feed.kind && SOURCE_KINDS.includes(feed.kind) ? feed.kind : defaultKind,
      name: feed.name?.slice(0, 300),
      organisation: feed.organisation?.slice(0, 300),
    });
    report[result.outcome === 'exists' ? 'existing' : result.outcome]++;
  }
  return report;
}

/** Every live source as OPML. */
export async function exportOpml(db: Db, now: Date): Promise<string> {
  return buildOpml(await listSources(db), now);
}
