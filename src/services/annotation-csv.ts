import { csvCell } from '../analytics/trends.ts';
import { CONCERNS, STANCES, type Concern, type Stance } from '../labels.ts';

export const ANNOTATION_COLUMNS = ['item_id', 'coder', 'stance', 'relevant', 'concerns', 'sample_id', 'duration_ms', 'coded_at'] as const;

export interface AnnotationCsvRow {
  itemId: number;
  coder: string;
  stance: Stance;
  relevant: boolean;
  concerns: Concern[];
  sampleId: number | null;
  durationMs: number | null;
  codedAt: string | null;
}

/** One CSV line (concerns joined with ';', every cell formula-safe). */
export function annotationLine(r: AnnotationCsvRow): string {
  return (
    [r.itemId, r.coder, r.stance, r.relevant, r.concerns.join(';'), r.sampleId ?? '', r.durationMs ?? '', r.codedAt ?? '']
      .map(csvCell)
      .join(',') + '\n'
  );
}

/** Splits CSV text into rows of fields (RFC 4180 quoting; CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * Reads annotation rows from CSV written by `pulse annotations export` (or a spreadsheet with
 * the same header; item_id, coder, stance and relevant are required). Every bad row is reported
 * with its line number; nothing is returned unless all rows are good.
 */
export function readAnnotationCsv(text: string): { rows: AnnotationCsvRow[]; errors: string[] } {
  const table = parseCsv(text.replace(/^\uFEFF/, ''));
  const errors: string[] = [];
  if (!table.length) return { rows: [], errors: ['empty file'] };
  const header = table[0]!.map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  for (const need of ['item_id', 'coder', 'stance', 'relevant']) if (col(need) < 0) errors.push(`missing column ${need}`);
  if (errors.length) return { rows: [], errors };
  const rows: AnnotationCsvRow[] = [];
  table.slice(1).forEach((cells, k) => {
    const line = k + 2;
    const get = (name: string) => (col(name) >= 0 ? (cells[col(name)] ?? '').trim() : '');
    const id = Number(get('item_id'));
    const stance = get('stance') as Stance;
    const relevant = get('relevant').toLowerCase();
    const concerns = get('concerns')
      ? get('concerns')
          .split(/[;|]/)
          .map((c) => c.trim())
      : [];
    const bad: string[] = [];
    if (!Number.isInteger(id) || id < 1) bad.push('item_id must be a positive whole number');
    if (!get('coder') || get('coder').length > 100) bad.push('coder must be 1-100 characters');
    if (!STANCES.includes(stance)) bad.push(`stance must be one of ${STANCES.join(', ')}`);
    if (!['true', 'false', '1', '0', 'yes', 'no'].includes(relevant)) bad.push('relevant must be true or false');
    const unknown = concerns.filter((c) => !CONCERNS.includes(c as Concern));
    if (unknown.length) bad.push(`unknown concern ${unknown.join(', ')}; known: ${CONCERNS.join(', ')}`);
    const duration = get('duration_ms') ? Number(get('duration_ms')) : null;
    const sample = get('sample_id') ? Number(get('sample_id')) : null;
    if (bad.length) errors.push(`line ${line}: ${bad.join('; ')}`);
    else
      rows.push({
        itemId: id,
        coder: get('coder'),
        stance,
        relevant: ['true', '1', 'yes'].includes(relevant),
        concerns: concerns as Concern[],
        sampleId: sample !== null && Number.isInteger(sample) && sample > 0 ? sample : null,
        durationMs: duration !== null && Number.isFinite(duration) && duration >= 0 ? Math.round(duration) : null,
        codedAt: get('coded_at') || null,
      });
  });
  return { rows: errors.length ? [] : rows, errors };
}
