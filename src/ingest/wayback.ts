/** One Wayback Machine capture of a URL. */
export interface Capture {
  /** YYYYMMDDhhmmss */
  timestamp: string;
  original: string;
  /** where the capture is replayed byte for byte (the `id_` form, without the archive's toolbar) */
  replayUrl: string;
}

const ymd = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, '');

/**
 * The CDX query for captures of `url` in [from, to): successful captures only, one per distinct
 * body (collapse=digest), as JSON. `to` is exclusive here, CDX's own `to` is inclusive.
 */
export function cdxQueryUrl(cdxBase: string, url: string, from: Date, to: Date): string {
  const u = new URL(cdxBase);
  u.searchParams.set('url', url);
  u.searchParams.set('from', ymd(from));
  u.searchParams.set('to', ymd(new Date(to.getTime() - 1)));
  u.searchParams.set('output', 'json');
  u.searchParams.set('fl', 'timestamp,original,statuscode,digest');
  u.searchParams.set('filter', 'statuscode:200');
  u.searchParams.set('collapse', 'digest');
  return u.toString();
}

/** A CDX answer that is not the JSON table the API sends. */
export class CdxError extends Error {
  override name = 'CdxError';
}

/**
 * Parses a CDX JSON answer (a header row, then one row per capture) into captures, oldest
 * first, replayed from the archive at the CDX server's origin (`/web/<timestamp>id_/<url>`).
 */
export function parseCdx(text: string, cdxBase: string): Capture[] {
  if (!text.trim()) return [];
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch {
    throw new CdxError(`CDX did not answer JSON: ${text.slice(0, 200)}`);
  }
  if (!Array.isArray(rows)) throw new CdxError('CDX answer is not a table');
  const [header, ...data] = rows as unknown[][];
  if (!header) return [];
  const col = (name: string) => (header as unknown[]).indexOf(name);
  const ts = col('timestamp');
  const orig = col('original');
  const status = col('statuscode');
  if (ts < 0 || orig < 0) throw new CdxError('CDX answer lacks timestamp or original columns');
  const replayBase = new URL(cdxBase).origin;
  return data
    .filter((r) => Array.isArray(r) && /^\d{14}$/.test(String(r[ts])) && (status < 0 || String(r[status]) === '200'))
    .map((r) => ({ timestamp: String(r[ts]), original: String(r[orig]), replayUrl: `${replayBase}/web/${r[ts]}id_/${r[orig]}` }))
    .sort((a, b) => a.timestamp.localeCompare(b.timestamp));
}
