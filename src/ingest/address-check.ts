import { isIP } from 'node:net';

/**
 * Addresses a feed or webhook must never reach unless private feeds are allowed: loopback,
 * private, link-local (including cloud metadata at 169.254.169.254), CGNAT, benchmark,
 * multicast and reserved ranges, in IPv4 and IPv6, and any IPv6 address that carries one of
 * those IPv4 addresses inside it (mapped, compatible, SIIT, NAT64, 6to4, Teredo). Addresses are
 * compared as bytes, so every spelling of one address (compressed, hex or dotted tail) is equal.
 */
interface Net {
  bytes: Uint8Array;
  bits: number;
}

const IPV4_FORBIDDEN = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
].map(net);

/** IPv6 ranges refused whatever they contain. */
const IPV6_FORBIDDEN = [
  'fc00::/7', // unique local
  'fe80::/10', // link-local
  'fec0::/10', // site-local (deprecated)
  'ff00::/8', // multicast
  '2001:db8::/32', // documentation
  '100::/64', // discard-only
  '64:ff9b:1::/48', // local-use NAT64 (RFC 8215): where the IPv4 sits is the network's choice
].map(net);

/** IPv6 ranges that carry an IPv4 address: the address is judged by the IPv4 addresses inside. */
const EMBEDDING: { net: Net; ipv4: (a: Uint8Array) => Uint8Array[] }[] = [
  { net: net('::/96'), ipv4: (a) => [a.subarray(12)] }, // IPv4-compatible (deprecated); holds :: and ::1
  { net: net('::ffff:0:0/96'), ipv4: (a) => [a.subarray(12)] }, // IPv4-mapped
  { net: net('::ffff:0:0:0/96'), ipv4: (a) => [a.subarray(12)] }, // SIIT IPv4-translated
  { net: net('64:ff9b::/96'), ipv4: (a) => [a.subarray(12)] }, // NAT64 well-known prefix
  { net: net('2002::/16'), ipv4: (a) => [a.subarray(2, 6)] }, // 6to4
  // Teredo: server IPv4 in bits 32-63, client IPv4 in the last 32 bits, inverted
  { net: net('2001::/32'), ipv4: (a) => [a.subarray(4, 8), a.subarray(12).map((b) => b ^ 0xff)] },
];

/** Bytes of an IPv4 dotted quad; undefined unless exactly four decimal parts of 0-255. */
function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    out[i] = Number(p);
  }
  return out;
}

/** The 16 bytes of an IPv6 address in any textual form (a zone index is ignored). */
export function parseIpv6(text: string): Uint8Array | undefined {
  const addr = text.split('%')[0]!;
  const halves = addr.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): number[] | undefined => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIpv4(p);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-f]{1,4}$/i.test(p)) {
        out.push(parseInt(p, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

function net(cidr: string): Net {
  const [addr, bits] = cidr.split('/') as [string, string];
  const bytes = addr.includes(':') ? parseIpv6(addr) : parseIpv4(addr);
  if (!bytes) throw new Error(`bad network ${cidr}`);
  return { bytes, bits: Number(bits) };
}

function within(addr: Uint8Array, n: Net): boolean {
  if (addr.length !== n.bytes.length) return false;
  const whole = n.bits >> 3;
  for (let i = 0; i < whole; i++) if (addr[i] !== n.bytes[i]) return false;
  const rest = n.bits & 7;
  if (!rest) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (addr[whole]! & mask) === (n.bytes[whole]! & mask);
}

const forbiddenIpv4 = (a: Uint8Array) => IPV4_FORBIDDEN.some((n) => within(a, n));

function forbiddenIpv6(a: Uint8Array): boolean {
  if (IPV6_FORBIDDEN.some((n) => within(a, n))) return true;
  const carrier = EMBEDDING.find((e) => within(a, e.net));
  return carrier ? carrier.ipv4(a).some(forbiddenIpv4) : false;
}

/** True when the address is one Pulse must not connect to on a stranger's say-so. */
export function isForbiddenAddress(ip: string): boolean {
  const family = isIP(ip);
  const bytes = family === 4 ? parseIpv4(ip) : family === 6 ? parseIpv6(ip) : undefined;
  if (!bytes) return true;
  return bytes.length === 4 ? forbiddenIpv4(bytes) : forbiddenIpv6(bytes);
}
