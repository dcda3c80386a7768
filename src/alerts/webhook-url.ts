import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isForbiddenAddress } from '../ingest/address-check.ts';

/**
 * Checks a webhook target the way feeds are checked: http(s) only, no credentials, and a host
 * that does not resolve to a private or reserved address (the check runs again at each delivery,
 * since DNS can change). Returns a reason when the URL is refused.
 */
export async function webhookUrlProblem(raw: string, allowPrivate: boolean): Promise<string | undefined> {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'expected an absolute http(s) URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `only http and https targets are allowed, not ${u.protocol}`;
  if (u.username || u.password) return 'credentials in webhook URLs are not stored';
  if (allowPrivate) return undefined;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return `cannot resolve ${host}`;
  }
  const bad = addresses.find(isForbiddenAddress);
  return bad ? `${host} resolves to ${bad}, a private or reserved address` : undefined;
}
