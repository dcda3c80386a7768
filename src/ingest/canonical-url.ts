/** Query parameters that only track a click and never change what a page shows. */
const TRACKING_PARAMS = new Set([
  'fbclid',
  'gclid',
  'gclsrc',
  'dclid',
  'msclkid',
  'yclid',
  'igshid',
  'mc_cid',
  'mc_eid',
  '_ga',
  '_gl',
  'ocid',
  'cmpid',
  'mkt_tok',
  'spm',
  'ref_src',
  'src_trk',
  'trk',
  'sr_share',
  'smid',
  'sh',
  'wt.mc_id',
]);

function isTracking(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith('utm_') || n.startsWith('at_') || TRACKING_PARAMS.has(n);
}

/**
 * The one URL a story is known by: resolved against the feed's URL, http(s) only, host
 * lower-cased, default port, fragment and tracking parameters removed, remaining parameters
 * sorted so that their order does not make two URLs of one page. Returns undefined for a link
 * that cannot be a web page.
 */
export function canonicalUrl(raw: string, base?: string): string | undefined {
  let u: URL;
  try {
    u = new URL(raw.trim(), base);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  u.hash = '';
  u.username = '';
  u.password = '';
  u.hostname = u.hostname.toLowerCase().replace(/\.$/, '');
  const kept = [...u.searchParams].filter(([k]) => !isTracking(k));
  kept.sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1));
  u.search = kept.length ? '?' + new URLSearchParams(kept).toString() : '';
  return u.toString();
}
