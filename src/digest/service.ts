import type { Db } from '../../db/client.ts';
import { latestDigest, storeDigest, type DigestRow } from '../../db/queries/digests.ts';
import { addDays, dayInZone, isoWeekOf } from '../analytics/buckets.ts';
import { buildDigest, type DigestBuildContext, type DigestFilters } from './model.ts';
import { renderCsv } from './render-csv.ts';
import { renderHtml } from './render-html.ts';
import { renderMarkdown } from './render-markdown.ts';

export const DIGEST_FORMATS = ['md', 'html', 'csv', 'json'] as const;
export type DigestFormat = (typeof DIGEST_FORMATS)[number];

export type DigestContext = DigestBuildContext;

/** The last complete ISO week before `now` in the zone. */
export function lastCompleteWeek(now: Date, timeZone: string): string {
  return isoWeekOf(addDays(dayInZone(now, timeZone), -7));
}

/** Builds every format of a digest and stores it as a new version. */
export async function buildAndStore(db: Db, f: DigestFilters, ctx: DigestContext): Promise<DigestRow> {
  const { data, rows } = await buildDigest(db, f, ctx);
  return storeDigest(db, {
    week: f.week,
    studio: f.studio ?? null,
    union: f.union ?? null,
    generatedAt: ctx.now,
    model: data.model,
    markdown: renderMarkdown(data),
    html: renderHtml(data),
    csv: renderCsv(rows),
    data,
  });
}

/** The stored snapshot for a week and filters, built and stored first if there is none (or `rebuild`). */
export async function getDigest(db: Db, f: DigestFilters & { rebuild?: boolean }, ctx: DigestContext): Promise<{ digest: DigestRow; created: boolean }> {
  if (!f.rebuild) {
    const stored = await latestDigest(db, f);
    if (stored) return { digest: stored, created: false };
  }
  return { digest: await buildAndStore(db, f, ctx), created: true };
}

export function bodyOf(d: DigestRow, format: DigestFormat): { body: string; contentType: string; extension: string } {
  switch (format) {
    case 'md':
      return { body: d.markdown, contentType: 'text/markdown; charset=utf-8', extension: 'md' };
    case 'html':
      return { body: d.html, contentType: 'text/html; charset=utf-8', extension: 'html' };
    case 'csv':
      return { body: d.csv, contentType: 'text/csv; charset=utf-8', extension: 'csv' };
    case 'json':
      return { body: JSON.stringify({ id: d.id, version: d.version, ...(d.data as object) }, null, 2), contentType: 'application/json; charset=utf-8', extension: 'json' };
  }
}

/** A download name such as pulse-digest-2025-W30-netflix.md. */
export function fileName(d: DigestRow, extension: string): string {
  const scope = [d.studio, d.union].filter(Boolean).map((s) => '-' + s!.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''));
  return `pulse-digest-${d.week}${scope.join('')}${d.version > 1 ? `-v${d.version}` : ''}.${extension}`;
}
