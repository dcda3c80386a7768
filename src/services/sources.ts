import type { Db } from '../../db/client.ts';
import { markDirtySource } from '../../db/queries/rollups.ts';
import {
  addSource as addSourceRow,
  deleteSource as deleteSourceRow,
  getSource as getSourceRow,
  listSources as listSourceRows,
  seedSourcesOnce as seedSourceRows,
  updateSource as updateSourceRow,
  type AddResult,
  type NewSource,
  type SourcePatch,
  type SourceRow,
} from '../../db/queries/sources.ts';
import { buildOpml, OpmlError, parseOpml } from '../ingest/opml.ts';
import type { PageSelectors } from '../ingest/page.ts';
import { fetchUrlOf, type SearchBases } from '../ingest/read-source.ts';
import type { SearchQuery } from '../ingest/search.ts';
import { SOURCE_KINDS, type SourceKind, type SourceType } from '../labels.ts';
import type { DbClockDeps, DbDeps } from './deps.ts';
import { conflict, invalid, isUniqueViolation, notFound, tooLarge } from './errors.ts';

export type { SourceRow, NewSource } from '../../db/queries/sources.ts';

/** Feeds one OPML import may add; a larger list is refused whole. */
export const MAX_OPML_OUTLINES = 1000;
/** Characters of OPML one import reads. */
export const MAX_OPML_CHARS = 2 * 1024 * 1024;

/** A source URL Pulse can fetch: absolute http(s), no credentials, normalised. */
export function validateFeedUrl(raw: string): { ok: true; url: string } | { ok: false; message: string } {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return { ok: false, message: 'expected an absolute http(s) URL' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return { ok: false, message: `only http and https feeds are supported, not ${u.protocol}` };
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
  /** feed (default), page or search */
  type?: SourceType | undefined;
  /** page sources: how to read the list page */
  selectors?: PageSelectors | undefined;
  /** search sources: the query (the URL is built from it) */
  search?: SearchQuery | undefined;
  /** read each new item's article page (default: on for search sources, off otherwise) */
  fullText?: boolean | undefined;
}

function checkedUrl(raw: string): string {
  const checked = validateFeedUrl(raw);
  if (!checked.ok) throw invalid('url', checked.message);
  return checked.url;
}

/** The URL a search source is known by: its query at the configured service. */
export function searchSourceUrl(bases: SearchBases, q: SearchQuery): string {
  return fetchUrlOf({ url: '', type: 'search', settings: { search: q } }, bases);
}

function newSource(input: SourceInput, bases?: SearchBases): NewSource {
  const type = input.type ?? 'feed';
  if (type === 'page' && !(input.selectors?.item && input.selectors.title && input.selectors.link))
    throw invalid('selectors', 'a page source needs item, title and link selectors');
  if (type === 'search') {
    if (!input.search?.query.trim()) throw invalid('query', 'a search source needs a query');
    if (!bases) throw invalid('type', 'search sources are added through the service with its configuration');
  }
  const url = type === 'search' ? searchSourceUrl(bases!, input.search!) : checkedUrl(input.url);
  const settings = type === 'page' ? { selectors: input.selectors } : type === 'search' ? { search: input.search } : {};
  const searchName = type === 'search' ? `${input.search!.provider}: ${input.search!.query}` : undefined;
  return {
    url,
    kind: input.kind,
    type,
    settings,
    fullText: input.fullText ?? type === 'search',
    name: input.name?.trim() || searchName || defaultName(url),
    organisation: input.organisation ?? null,
    country: input.country ?? null,
    language: input.language ?? null,
    ...(input.fetchIntervalMinutes ? { fetchIntervalMinutes: input.fetchIntervalMinutes } : {}),
  };
}

export async function listSources(deps: DbDeps, p: { kind?: SourceKind } = {}): Promise<SourceRow[]> {
  return listSourceRows(deps.db, p);
}

export async function getSource(deps: DbDeps, p: { id: number }): Promise<SourceRow> {
  const row = await getSourceRow(deps.db, p.id);
  if (!row) throw notFound(`source ${p.id}`);
  return row;
}

/**
 * Adds a source. A URL deleted before comes back with the new details (`restored`); a URL that
 * is already live is a conflict, unless `existingOk`, which reports it as `exists`.
 */
export async function addSource(
  deps: DbDeps & { config?: { services: SearchBases } },
  input: SourceInput,
  opts: { existingOk?: boolean } = {},
): Promise<AddResult> {
  const result = await addSourceRow(deps.db, newSource(input, deps.config?.services));
  if (result.outcome === 'exists' && !opts.existingOk) throw conflict(`source ${result.row.id} already has this URL`, 'url');
  return result;
}

/**
 * Changes a source. A change of kind marks its items' days for a rollup rebuild in the same
 * transaction, since rollups count items by source kind.
 */
export async function updateSource(deps: DbDeps, p: { id: number; patch: SourcePatch }): Promise<SourceRow> {
  const patch = { ...p.patch, ...(p.patch.url !== undefined ? { url: checkedUrl(p.patch.url) } : {}) };
  try {
    return await deps.db.transaction(async (tx) => {
      const db = tx as unknown as Db;
      const row = await updateSourceRow(db, p.id, patch);
      if (!row) throw notFound(`source ${p.id}`);
      if (patch.kind) await markDirtySource(db, p.id);
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('another source already has this URL', 'url');
    throw err;
  }
}

/** Deletes a source; its items are kept and it is never re-seeded. */
export async function deleteSource(deps: DbClockDeps, p: { id: number }): Promise<void> {
  if (!(await deleteSourceRow(deps.db, { id: p.id, at: deps.clock.now() }))) throw notFound(`source ${p.id}`);
}

/** Seeds the default sources into a database that never had any; returns how many. */
export async function seedSourcesOnce(deps: DbDeps, defaults: NewSource[]): Promise<number> {
  return seedSourceRows(deps.db, defaults);
}

export interface ImportReport {
  created: number;
  restored: number;
  existing: number;
  invalid: { url: string; reason: string }[];
}

/**
 * Imports every feed of an OPML document in one transaction: all of it or none. Bad entries are
 * reported, not fatal; a document with more than MAX_OPML_OUTLINES feeds is refused whole.
 */
export async function importOpml(deps: DbDeps, xml: string, defaultKind: SourceKind = 'news'): Promise<ImportReport> {
  if (!xml.trim()) throw invalid('body', 'expected an OPML document');
  if (xml.length > MAX_OPML_CHARS) throw tooLarge(`OPML over ${MAX_OPML_CHARS} characters`, 'body');
  let feeds: ReturnType<typeof parseOpml>;
  try {
    feeds = parseOpml(xml);
  } catch (err) {
    if (err instanceof OpmlError) throw invalid('body', err.message);
    throw err;
  }
  if (feeds.length > MAX_OPML_OUTLINES) throw tooLarge(`${feeds.length} feeds in one import; at most ${MAX_OPML_OUTLINES}`, 'body');
  const report: ImportReport = { created: 0, restored: 0, existing: 0, invalid: [] };
  const rows: NewSource[] = [];
  for (const feed of feeds) {
    const checked = validateFeedUrl(feed.url);
    if (!checked.ok) {
      report.invalid.push({ url: feed.url.slice(0, 500), reason: checked.message });
      continue;
    }
    rows.push(
      newSource({
        url: checked.url,
        kind: feed.kind && SOURCE_KINDS.includes(feed.kind) ? feed.kind : defaultKind,
        name: feed.name?.slice(0, 300),
        organisation: feed.organisation?.slice(0, 300),
      }),
    );
  }
  await deps.db.transaction(async (tx) => {
    for (const row of rows) {
      const result = await addSourceRow(tx as unknown as Db, row);
      report[result.outcome === 'exists' ? 'existing' : result.outcome]++;
    }
  });
  return report;
}

/** Every live source as OPML. */
export async function exportOpml(deps: DbClockDeps): Promise<string> {
  return buildOpml(await listSourceRows(deps.db), deps.clock.now());
}
