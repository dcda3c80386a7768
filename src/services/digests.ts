import { liveSourceCount, weekItems } from '../../db/queries/digest-items.ts';
import { latestDigest, listDigests as listDigestRows, storeDigest, type DigestRow } from '../../db/queries/digests.ts';
import { dayCounts } from '../../db/queries/rollups.ts';
import { addDays, dayInZone, isoWeekOf, mondayOfIsoWeek, zonedInstant } from '../analytics/buckets.ts';
import {
  composeDigest,
  digestWeeks,
  type DigestAnnouncement,
  type DigestData,
  type DigestFilters,
  type DigestInputs,
  type WeekItem,
} from '../digest/model.ts';
import { digestFeed as renderFeed } from '../digest/feed.ts';
import { renderCsv } from '../digest/render-csv.ts';
import { renderHtml } from '../digest/render-html.ts';
import { renderMarkdown } from '../digest/render-markdown.ts';
import { resolveEntity } from '../ingest/entities.ts';
import { listAnnouncements } from './announcements.ts';
import type { Db } from '../../db/client.ts';
import { replicaOf, type ReadDeps, type ServiceDeps } from './deps.ts';
import { invalid } from './errors.ts';
import { announcementReaction } from './reactions.ts';

export const DIGEST_FORMATS = ['md', 'html', 'csv', 'json'] as const;
export type DigestFormat = (typeof DIGEST_FORMATS)[number];

/** The earliest year a digest may be asked for: nothing Pulse reads is older. */
export const EARLIEST_DIGEST_YEAR = 1990;

type DigestDeps = Pick<ServiceDeps, 'db' | 'readDb' | 'clock' | 'config' | 'model'>;

/** A digest as served: a stored snapshot, or rendered live (`stored: false`) and never kept. */
export interface DigestView {
  id: number | null;
  week: string;
  studio: string | null;
  union: string | null;
  version: number | null;
  stored: boolean;
  /** the week had not ended when this was made */
  incomplete: boolean;
  generatedAt: Date;
  model: string;
  markdown: string;
  html: string;
  csv: string;
  data: DigestData;
}

export interface DigestQuery {
  week: string;
  studio?: string | null | undefined;
  union?: string | null | undefined;
}

/** The last complete ISO week before `now` in the zone. */
export function lastCompleteWeek(now: Date, timeZone: string): string {
  return isoWeekOf(addDays(dayInZone(now, timeZone), -7));
}

/**
 * Checks a digest request: a real ISO week, not before EARLIEST_DIGEST_YEAR and not in the future,
 * and a studio or union Pulse knows (case and aliases resolved to the canonical name).
 */
export function checkDigestQuery(q: DigestQuery, now: Date, timeZone: string): DigestFilters {
  const monday = mondayOfIsoWeek(q.week);
  if (!monday) throw invalid('week', 'expected an ISO week such as 2025-W30');
  if (Number(monday.slice(0, 4)) < EARLIEST_DIGEST_YEAR) throw invalid('week', `expected a week from ${EARLIEST_DIGEST_YEAR} on`);
  if (monday > dayInZone(now, timeZone)) throw invalid('week', `${q.week} has not started yet`);
  if (q.studio && q.union) throw invalid('union', 'choose studio or union, not both');
  const f: DigestFilters = { week: q.week };
  if (q.studio) f.studio = resolveOrThrow('studio', q.studio);
  if (q.union) f.union = resolveOrThrow('union', q.union);
  return f;
}

function resolveOrThrow(kind: 'studio' | 'union', value: string): string {
  const r = resolveEntity(kind, value);
  if (!r.name) throw invalid(kind, `unknown ${kind} "${value.slice(0, 100)}"; known: ${r.known.join(', ')}`);
  return r.name;
}

/** Reads everything a digest is composed from. */
async function loadInputs(deps: DigestDeps, f: DigestFilters, db: Db): Promise<DigestInputs> {
  const { monday, nextMonday, prevMonday, chartFrom } = digestWeeks(f.week);
  const tz = deps.config.timeZone;
  const filters = { tz, studio: f.studio ?? undefined, union: f.union ?? undefined, relevant: true };
  const twoWeeks = { ...filters, from: prevMonday, to: nextMonday };
  const [weekly, byStudio, byConcern, rows, all, liveSources] = await Promise.all([
    dayCounts(db, { ...filters, from: chartFrom, to: nextMonday }, 'rollup'),
    dayCounts(db, { ...twoWeeks, groupBy: 'studio' }, 'rollup'),
    dayCounts(db, { ...twoWeeks, groupBy: 'concern' }, 'rollup'),
    weekItems(db, {
      start: zonedInstant(monday, '00:00', tz),
      end: zonedInstant(nextMonday, '00:00', tz),
      studio: f.studio,
      union: f.union,
    }),
    listAnnouncements(deps),
    liveSourceCount(db),
  ]);
  const announcements: DigestAnnouncement[] = [];
  for (const a of all) {
    if (a.date < monday || a.date >= nextMonday) continue;
    if (f.studio && a.studio !== f.studio) continue;
    // the same event study, and window, as the API and the reaction page
    const r = await announcementReaction(deps, { id: a.id });
    announcements.push({ id: a.id, title: a.title, studio: a.studio, date: a.date, reaction: r });
  }
  return { weekly, byStudio, byConcern, rows: rows as WeekItem[], announcements, liveSources };
}

function render(data: DigestData, rows: WeekItem[]) {
  return { markdown: renderMarkdown(data), html: renderHtml(data), csv: renderCsv(rows) };
}

const fromRow = (d: DigestRow): DigestView => ({
  id: d.id,
  week: d.week,
  studio: d.studio,
  union: d.union,
  version: d.version,
  stored: true,
  incomplete: !!(d.data as DigestData).incomplete,
  generatedAt: d.generatedAt,
  model: d.model,
  markdown: d.markdown,
  html: d.html,
  csv: d.csv,
  data: d.data as DigestData,
});

/** Composes a week's digest from the database now, without storing it: from `db`, the replica for a reader, the primary for a rebuild. */
async function liveDigest(deps: DigestDeps, f: DigestFilters, db: Db) {
  const inputs = await loadInputs(deps, f, db);
  const data = composeDigest(f, inputs, {
    timeZone: deps.config.timeZone,
    model: deps.model.version,
    now: deps.clock.now(),
    publicUrl: deps.config.publicUrl,
  });
  return { data, ...render(data, inputs.rows) };
}

/**
 * A week's digest as a reader asks for it. Never writes: a stored snapshot is returned as it
 * is; a week with none is rendered live and says `stored: false`; the current week is rendered
 * live with an "incomplete" notice.
 */
export async function readDigest(deps: DigestDeps, q: DigestQuery): Promise<DigestView> {
  const f = checkDigestQuery(q, deps.clock.now(), deps.config.timeZone);
  const db = replicaOf(deps);
  const stored = await latestDigest(db, f);
  if (stored) return fromRow(stored);
  const live = await liveDigest(deps, f, db);
  return {
    id: null,
    week: f.week,
    studio: f.studio ?? null,
    union: f.union ?? null,
    version: null,
    stored: false,
    incomplete: live.data.incomplete,
    generatedAt: new Date(live.data.generatedAt),
    model: live.data.model,
    markdown: live.markdown,
    html: live.html,
    csv: live.csv,
    data: live.data,
  };
}

/**
 * Builds a week's digest and stores it as a new version (the digest job, a keyed rebuild).
 * An unfinished week is refused: only a whole week becomes a snapshot.
 */
export async function rebuildDigest(deps: DigestDeps, q: DigestQuery): Promise<DigestView> {
  const f = checkDigestQuery(q, deps.clock.now(), deps.config.timeZone);
  const live = await liveDigest(deps, f, deps.db);
  if (live.data.incomplete) throw invalid('week', `${f.week} is not over yet; only a whole week is stored`);
  const row = await storeDigest(deps.db, {
    week: f.week,
    studio: f.studio ?? null,
    union: f.union ?? null,
    generatedAt: deps.clock.now(),
    model: live.data.model,
    markdown: live.markdown,
    html: live.html,
    csv: live.csv,
    data: live.data,
  });
  return fromRow(row);
}

/** The digest job's verb: stores last week's general digest once; later runs find it stored. */
export async function storeWeeklyDigest(deps: DigestDeps): Promise<{ view: DigestView; created: boolean }> {
  const week = lastCompleteWeek(deps.clock.now(), deps.config.timeZone);
  const stored = await latestDigest(deps.db, { week });
  if (stored) return { view: fromRow(stored), created: false };
  return { view: await rebuildDigest(deps, { week }), created: true };
}

/** Stored digests, newest first, with links to each format. */
export async function listDigests(deps: ReadDeps, p: { limit: number }) {
  const rows = await listDigestRows(replicaOf(deps), p.limit);
  return rows.map((d) => {
    const qs = new URLSearchParams({ ...(d.studio ? { studio: d.studio } : {}), ...(d.union ? { union: d.union } : {}) }).toString();
    return {
      id: d.id,
      week: d.week,
      studio: d.studio,
      union: d.union,
      version: d.version,
      generatedAt: d.generatedAt.toISOString(),
      model: d.model,
      summary: d.summary,
      links: Object.fromEntries(DIGEST_FORMATS.map((f) => [f, `/api/v1/digests/${d.week}?format=${f}${qs ? `&${qs}` : ''}`])) as Record<
        DigestFormat,
        string
      >,
    };
  });
}

/** The Atom feed of stored digests. */
export async function digestFeed(deps: Pick<ServiceDeps, 'db' | 'readDb' | 'clock' | 'config'>): Promise<string> {
  const rows = await listDigestRows(replicaOf(deps), 50);
  const base = deps.config.publicUrl ?? `http://localhost:${deps.config.port}`;
  return renderFeed(rows, base, rows[0]?.generatedAt ?? deps.clock.now());
}

export function bodyOf(d: DigestView, format: DigestFormat): { body: string; contentType: string; extension: string } {
  switch (format) {
    case 'md':
      return { body: d.markdown, contentType: 'text/markdown; charset=utf-8', extension: 'md' };
    case 'html':
      return { body: d.html, contentType: 'text/html; charset=utf-8', extension: 'html' };
    case 'csv':
      return { body: d.csv, contentType: 'text/csv; charset=utf-8', extension: 'csv' };
    case 'json':
      return {
        body: JSON.stringify({ id: d.id, version: d.version, stored: d.stored, ...d.data }, null, 2),
        contentType: 'application/json; charset=utf-8',
        extension: 'json',
      };
  }
}

/** A download name such as pulse-digest-2025-W30-netflix.md. */
export function fileName(d: Pick<DigestView, 'studio' | 'union' | 'week' | 'version'>, extension: string): string {
  const scope = [d.studio, d.union].filter(Boolean).map(
    (s) =>
      '-' +
      s!
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, ''),
  );
  return `pulse-digest-${d.week}${scope.join('')}${d.version && d.version > 1 ? `-v${d.version}` : ''}.${extension}`;
}

/** A week's digest data, composed now and not stored (tests, previews). */
export async function digestData(deps: DigestDeps, q: DigestQuery): Promise<DigestData> {
  return (await liveDigest(deps, checkDigestQuery(q, deps.clock.now(), deps.config.timeZone), replicaOf(deps))).data;
}
