const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTHS_ES = [
  'enero',
  'febrero',
  'marzo',
  'abril',
  'mayo',
  'junio',
  'julio',
  'agosto',
  'septiembre',
  'octubre',
  'noviembre',
  'diciembre',
];

function monthOf(word: string): number | undefined {
  const w = word.toLowerCase().replace(/\.$/, '');
  for (const names of [MONTHS, MONTHS_ES]) {
    const i = names.findIndex((m) => m === w || (w.length >= 3 && m.startsWith(w)));
    if (i >= 0) return i + 1;
  }
  return undefined;
}

const TOKENS: Record<string, string> = {
  YYYY: '(\\d{4})',
  MMMM: '([\\p{L}]+\\.?)',
  MMM: '([\\p{L}]+\\.?)',
  MM: '(\\d{2})',
  M: '(\\d{1,2})',
  DD: '(\\d{2})',
  D: '(\\d{1,2})',
  HH: '(\\d{2})',
  H: '(\\d{1,2})',
  mm: '(\\d{2})',
};
const TOKEN_RE = /YYYY|MMMM|MMM|MM|M|DD|D|HH|H|mm/g;

/**
 * Reads a date written in a known layout such as "DD/MM/YYYY", "D MMMM YYYY" or
 * "YYYY-MM-DD HH:mm" (English or Spanish month names), as UTC. Undefined when it does not fit.
 */
export function parseDateWithFormat(text: string, format: string): Date | undefined {
  const order: string[] = [];
  const pattern = format.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(TOKEN_RE, (t) => {
    order.push(t);
    return TOKENS[t]!;
  });
  const m = new RegExp(pattern, 'u').exec(text.trim());
  if (!m) return undefined;
  let y = NaN;
  let mo = NaN;
  let d = 1;
  let h = 0;
  let mi = 0;
  order.forEach((t, i) => {
    const v = m[i + 1]!;
    if (t === 'YYYY') y = Number(v);
    else if (t === 'MMMM' || t === 'MMM') mo = monthOf(v) ?? NaN;
    else if (t === 'MM' || t === 'M') mo = Number(v);
    else if (t === 'DD' || t === 'D') d = Number(v);
    else if (t === 'HH' || t === 'H') h = Number(v);
    else if (t === 'mm') mi = Number(v);
  });
  if (!(mo >= 1 && mo <= 12) || !(d >= 1 && d <= 31) || !(y > 1900)) return undefined;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi));
  return date.getUTCDate() === d ? date : undefined;
}

/**
 * Reads a date as pages write it: ISO 8601 and RFC 2822 first, then "17 July 2025",
 * "July 17, 2025", "17/07/2025" (day first, as most of the world writes it) and "2025/07/17".
 */
export function parseLooseDate(text: string, format?: string): Date | undefined {
  const s = text.trim().replace(/\s+/g, ' ');
  if (!s) return undefined;
  if (format) return parseDateWithFormat(s, format);
  if (/^\d{4}-\d{2}-\d{2}/.test(s) || /^[A-Z][a-z]{2}, \d/.test(s)) {
    const t = Date.parse(s);
    if (!Number.isNaN(t)) return new Date(t);
  }
  return (
    parseDateWithFormat(s, 'D MMMM YYYY') ??
    parseDateWithFormat(s, 'MMMM D, YYYY') ??
    parseDateWithFormat(s, 'YYYY/MM/DD') ??
    parseDateWithFormat(s, 'D/M/YYYY') ??
    parseDateWithFormat(s, 'D.M.YYYY') ??
    (() => {
      const t = Date.parse(s);
      return Number.isNaN(t) ? undefined : new Date(t);
    })()
  );
}
