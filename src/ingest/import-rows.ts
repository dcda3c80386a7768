import { parseLooseDate } from './dates.ts';
import type { FeedEntry } from './parse.ts';

/** The file formats `pulse import` reads. */
export const IMPORT_FORMATS = ['csv', 'ndjson', 'mediacloud', 'gdelt'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Pulse's own CSV columns (header names, any order; the first three are required). */
export const CSV_COLUMNS = ['url', 'title', 'published_at', 'summary', 'content', 'author', 'outlet', 'language', 'guid'] as const;

export interface ImportRow {
  /** the line the row starts on (for a JSON document: the record's position, from 1) */
  line: number;
  entry: FeedEntry;
  language: string | undefined;
}

export interface ParsedImport {
  rows: ImportRow[];
  rejected: { line: number; reason: string }[];
}

/** A file that cannot be read at all (no header, not the format named). */
export class ImportFormatError extends Error {
  override name = 'ImportFormatError';
}

/** RFC 4180 CSV: quoted fields with doubled quotes and line breaks inside; each record with its first line. */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let any = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      any = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      any = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      if (any || field) out.push({ line: start, fields: [...fields, field] });
      fields = [];
      field = '';
      any = false;
      line++;
      start = line;
    } else {
      field += ch;
      any = true;
    }
  }
  if (quoted) throw new ImportFormatError(`unterminated quoted field starting on line ${start}`);
  if (any || field) out.push({ line: start, fields: [...fields, field] });
  return out;
}

/** GDELT's 20250717T154500Z or 20250717154500. */
function gdeltDate(v: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T?(\d{2})(\d{2})(\d{2})Z?$/.exec(v.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : undefined;
}

interface Fields {
  url?: string;
  title?: string;
  date?: string;
  summary?: string;
  content?: string;
  author?: string;
  outlet?: string;
  language?: string;
  guid?: string;
}

/** Checks one record's fields and makes an entry of it, or says what is wrong. */
function toRow(line: number, f: Fields, now: Date): ImportRow | { line: number; reason: string } {
  const url = f.url?.trim();
  if (!url) return { line, reason: 'url is missing' };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { line, reason: `url is not an absolute URL: ${url.slice(0, 100)}` };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { line, reason: `url must be http or https, not ${u.protocol}` };
  const title = f.title?.trim();
  if (!title) return { line, reason: 'title is missing' };
  const rawDate = f.date?.trim();
  if (!rawDate) return { line, reason: 'date is missing' };
  const date = parseLooseDate(gdeltDate(rawDate) ?? rawDate.replace(/^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}(:\d{2})?(\.\d+)?)$/, '$1T$2Z'));
  if (!date) return { line, reason: `date is not readable: ${rawDate.slice(0, 60)}` };
  if (date.getTime() > now.getTime() + 86_400_000) return { line, reason: `date is in the future: ${date.toISOString()}` };
  return {
    line,
    language: f.language?.trim() || undefined,
    entry: {
      guid: f.guid?.trim() || undefined,
      link: url,
      title,
      summary: f.summary ?? '',
      content: f.content ?? '',
      author: f.author?.trim() || undefined,
      published: date.toISOString(),
      imageUrl: undefined,
      outlet: f.outlet?.trim() || undefined,
    },
  };
}

/** Column names per format, lower-cased, mapped to the fields they fill. */
const COLUMN_MAPS: Record<'csv' | 'mediacloud' | 'gdelt', Record<string, keyof Fields>> = {
  csv: {
    url: 'url',
    title: 'title',
    published_at: 'date',
    summary: 'summary',
    content: 'content',
    author: 'author',
    outlet: 'outlet',
    language: 'language',
    guid: 'guid',
  },
  // Media Cloud story lists (search exports): stories_id or id, publish_date, title, url, media_name, language
  mediacloud: {
    url: 'url',
    title: 'title',
    publish_date: 'date',
    media_name: 'outlet',
    language: 'language',
    stories_id: 'guid',
    id: 'guid',
    media_url: 'author',
  },
  // GDELT DOC 2.0 artlist CSV: URL, MobileURL, Date, Title (and optional Domain/Language)
  gdelt: { url: 'url', title: 'title', date: 'date', seendate: 'date', domain: 'outlet', language: 'language' },
};

function fromCsv(text: string, format: 'csv' | 'mediacloud' | 'gdelt', now: Date): ParsedImport {
  const records = parseCsv(text);
  const header = records.shift();
  if (!header) throw new ImportFormatError('empty file: expected a header line');
  const map = COLUMN_MAPS[format];
  const cols = header.fields.map((h) => map[h.trim().toLowerCase()]);
  for (const need of ['url', 'title', 'date'] as const) {
    if (!cols.includes(need)) {
      const names = Object.entries(map)
        .filter(([, v]) => v === need)
        .map(([k]) => k);
      throw new ImportFormatError(`the header has no ${names.join(' or ')} column (${format} needs ${Object.keys(map).join(', ')})`);
    }
  }
  const out: ParsedImport = { rows: [], rejected: [] };
  for (const r of records) {
    if (r.fields.length !== header.fields.length) {
      out.rejected.push({ line: r.line, reason: `${r.fields.length} fields, the header has ${header.fields.length}` });
      continue;
    }
    const f: Fields = {};
    r.fields.forEach((v, i) => {
      const key = cols[i];
      if (key && !f[key]) f[key] = v;
    });
    const row = toRow(r.line, f, now);
    if ('entry' in row) out.rows.push(row);
    else out.rejected.push(row);
  }
  return out;
}

function fromJsonRecords(records: { line: number; value: unknown }[], now: Date): ParsedImport {
  const out: ParsedImport = { rows: [], rejected: [] };
  for (const { line, value } of records) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      out.rejected.push({ line, reason: 'not a JSON object' });
      continue;
    }
    const o = value as Record<string, unknown>;
    const s = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : typeof o[k] === 'number' ? String(o[k]) : undefined);
    const row = toRow(
      line,
      {
        url: s('url'),
        title: s('title'),
        date: s('published_at') ?? s('publish_date') ?? s('seendate') ?? s('date'),
        summary: s('summary'),
        content: s('content'),
        author: s('author'),
        outlet: s('outlet') ?? s('media_name') ?? s('domain'),
        language: s('language'),
        guid: s('guid') ?? s('stories_id'),
      },
      now,
    );
    if ('entry' in row) out.rows.push(row);
    else out.rejected.push(row);
  }
  return out;
}

/**
 * Reads an import file into entries, each row checked (absolute http(s) URL, a title, a readable
 * date not in the future); rejected rows are listed with their line and reason, never dropped
 * silently. `now` bounds the dates.
 */
export function parseImport(text: string, format: ImportFormat, now: Date): ParsedImport {
  if (format === 'ndjson') {
    const records: { line: number; value: unknown }[] = [];
    const rejected: { line: number; reason: string }[] = [];
    text.split(/\r?\n/).forEach((l, i) => {
      if (!l.trim()) return;
      try {
        records.push({ line: i + 1, value: JSON.parse(l) });
      } catch (err) {
        rejected.push({ line: i + 1, reason: `not JSON: ${(err as Error).message.slice(0, 80)}` });
      }
    });
    const parsed = fromJsonRecords(records, now);
    return { rows: parsed.rows, rejected: [...rejected, ...parsed.rejected].sort((a, b) => a.line - b.line) };
  }
  if (format === 'gdelt' && text.trimStart().startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new ImportFormatError(`not a GDELT artlist JSON document: ${(err as Error).message}`);
    }
    const articles = (doc as { articles?: unknown }).articles;
    if (!Array.isArray(articles)) throw new ImportFormatError('a GDELT artlist JSON document has an articles list');
    return fromJsonRecords(
      articles.map((value, i) => ({ line: i + 1, value })),
      now,
    );
  }
  return fromCsv(text, format, now);
}
