import type { exportBatch } from '../../db/queries/items.ts';
import { csvCell } from '../analytics/trends.ts';
import { round3 } from './items.ts';

export const EXPORT_COLUMNS = [
  'id',
  'url',
  'title',
  'summary',
  'author',
  'published_at',
  'published_estimated',
  'source_id',
  'source_name',
  'source_kind',
  'relevant',
  'stance',
  'confidence',
  'concerns',
  'studios',
  'unions',
  'areas',
  'quote',
  'model',
  'classified_at',
  'label_source',
] as const;

export type ExportRow = Awaited<ReturnType<typeof exportBatch>>[number];

/** One exported item, as NDJSON writes it and CSV lays it out. */
export function exportRecord(r: ExportRow) {
  return {
    id: r.id,
    url: r.url,
    title: r.title,
    summary: r.summary,
    author: r.author,
    published_at: r.publishedAt.toISOString(),
    published_estimated: r.publishedEstimated,
    source_id: r.sourceId,
    source_name: r.sourceName,
    source_kind: r.sourceKind,
    relevant: r.relevant,
    stance: r.stance,
    confidence: round3(r.confidence),
    concerns: r.concerns,
    studios: r.studios,
    unions: r.unions,
    areas: r.areas,
    quote: r.sentence,
    model: r.model,
    classified_at: r.classifiedAt?.toISOString() ?? null,
    label_source: r.labelSource,
  };
}

/** A CSV line for a record: lists joined with ';', every cell escaped (and formula-safe). */
export function csvLine(rec: ReturnType<typeof exportRecord>): string {
  return (
    EXPORT_COLUMNS.map((c) => {
      const v = rec[c];
      return csvCell(Array.isArray(v) ? v.join(';') : v);
    }).join(',') + '\n'
  );
}

export const csvHeader = () => EXPORT_COLUMNS.join(',') + '\n';
