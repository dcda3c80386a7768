import { csvCell } from '../analytics/trends.ts';
import type { WeekItem as Row } from './model.ts';

/** The week's labelled items, one row each, with the model that labelled them. */
export function renderCsv(rows: Row[]): string {
  const header = [
    'id',
    'published_at',
    'title',
    'url',
    'source',
    'source_kind',
    'relevant',
    'stance',
    'confidence',
    'concerns',
    'studios',
    'unions',
    'quote',
    'model',
  ];
  const lines = [header.join(',')];
  for (const r of [...rows].sort((a, b) => a.publishedAt.getTime() - b.publishedAt.getTime() || a.id - b.id)) {
    lines.push(
      [
        r.id,
        r.publishedAt.toISOString(),
        r.title,
        r.url,
        r.sourceName,
        r.sourceKind,
        r.relevant,
        r.stance,
        r.confidence === null ? '' : Math.round(r.confidence * 1000) / 1000,
        r.concerns.join(';'),
        r.studios.join(';'),
        r.unions.join(';'),
        r.quote,
        r.model,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}
