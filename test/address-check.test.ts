import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isForbiddenAddress, parseIpv6 } from '../src/ingest/address-check.ts';

/**
 * Each range with addresses inside it (refused) and the nearest addresses outside it (not refused
 * by that range), in several spellings. Ranges that only carry an IPv4 address are judged by it:
 * their "outside" examples carry a public IPv4.
 */
const RANGES: { range: string; refused: string[]; allowed: string[] }[] = [
  { range: '0.0.0.0/8', refused: ['0.0.0.0', '0.255.255.255'], allowed: ['1.0.0.0'] },
  { range: '10.0.0.0/8', refused: ['10.0.0.0', '10.255.255.255'], allowed: ['9.255.255.255', '11.0.0.0'] },
  { range: '100.64.0.0/10', refused: ['100.64.0.0', '100.127.255.255'], allowed: ['100.63.255.255', '100.128.0.0'] },
  { range: '127.0.0.0/8', refused: ['127.0.0.1', '127.255.255.255'], allowed: ['126.255.255.255', '128.0.0.0'] },
  { range: '169.254.0.0/16', refused: ['169.254.169.254', '169.254.0.0'], allowed: ['169.253.255.255', '169.255.0.0'] },
  { range: '172.16.0.0/12', refused: ['172.16.0.0', '172.31.255.255'], allowed: ['172.15.255.255', '172.32.0.0'] },
  { range: '192.0.0.0/24', refused: ['192.0.0.0', '192.0.0.255'], allowed: ['191.255.255.255', '192.0.1.0'] },
  { range: '192.0.2.0/24', refused: ['192.0.2.1'], allowed: ['192.0.3.0'] },
  {
    range: '192.88.99.0/24 (6to4 relay anycast)',
    refused: ['192.88.99.0', '192.88.99.1', '192.88.99.255'],
    allowed: ['192.88.98.255', '192.88.100.0'],
  },
  { range: '192.168.0.0/16', refused: ['192.168.0.0', '192.168.255.255'], allowed: ['192.167.255.255', '192.169.0.0'] },
  { range: '198.18.0.0/15', refused: ['198.18.0.0', '198.19.255.255'], allowed: ['198.17.255.255', '198.20.0.0'] },
  { range: '198.51.100.0/24', refused: ['198.51.100.7'], allowed: ['198.51.99.255', '198.51.101.0'] },
  { range: '203.0.113.0/24', refused: ['203.0.113.7'], allowed: ['203.0.112.255', '203.0.114.0'] },
  {
    range: '224.0.0.0/4 and 240.0.0.0/4',
    refused: ['224.0.0.1', '239.255.255.255', '240.0.0.0', '255.255.255.255'],
    allowed: ['223.255.255.255'],
  },

  {
    range: 'fc00::/7',
    refused: ['fc00::', 'fd00:ec2::254', 'FDFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF'],
    allowed: ['fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'fe00::'],
  },
  {
    range: 'fe80::/10',
    refused: ['fe80::1', 'fe80::1%eth0', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    allowed: ['fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  },
  { range: 'fec0::/10 and ff00::/8', refused: ['fec0::1', 'feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ff02::1', 'ff0e::1'], allowed: [] },
  {
    range: '2001:db8::/32',
    refused: ['2001:db8::1', '2001:0db8:ffff:ffff:ffff:ffff:ffff:ffff'],
    allowed: ['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db9::'],
  },
  { range: '100::/64', refused: ['100::1', '100::ffff:ffff:ffff:ffff'], allowed: ['100:0:0:1::'] },
  {
    range: '64:ff9b:1::/48 (local-use NAT64)',
    refused: ['64:ff9b:1::1', '64:ff9b:1::808:808', '64:ff9b:1:ffff:ffff:ffff:ffff:ffff'],
    allowed: ['64:ff9b:0:ffff::', '64:ff9b:2::'],
  },

  {
    range: '::/96 (IPv4-compatible, with :: and ::1)',
    refused: ['::', '::1', '::7f00:1', '::127.0.0.1', '0:0:0:0:0:0:a9fe:a9fe', '::10.0.0.1'],
    allowed: ['::8.8.8.8', '::808:808'],
  },
  {
    range: '::ffff:0:0/96 (IPv4-mapped)',
    refused: [
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '0:0:0:0:0:ffff:a9fe:a9fe',
      '::FFFF:10.0.0.1',
      '0000:0000:0000:0000:0000:ffff:c0a8:0101',
    ],
    allowed: ['::ffff:8.8.8.8', '::ffff:808:808'],
  },
  {
    range: '::ffff:0:0:0/96 (SIIT IPv4-translated)',
    refused: ['::ffff:0:127.0.0.1', '::ffff:0:7f00:1', '0:0:0:0:ffff:0:a9fe:a9fe'],
    allowed: ['::ffff:0:808:808', '::ffff:0:8.8.8.8'],
  },
  {
    range: '64:ff9b::/96 (NAT64)',
    refused: [
      '64:ff9b::7f00:1',
      '64:ff9b::a9fe:a9fe',
      '64:ff9b::127.0.0.1',
      '64:ff9b::169.254.169.254',
      '0064:ff9b:0000:0000:0000:0000:0a00:0001',
    ],
    allowed: ['64:ff9b::808:808', '64:ff9b::8.8.8.8'],
  },
  {
    range: '2002::/16 (6to4: the IPv4 in bits 16-47)',
    refused: ['2002:7f00:1::', '2002:a9fe:a9fe::1', '2002:c0a8:101:1::1', '2002:0a00:0001:ffff:ffff:ffff:ffff:ffff'],
    allowed: ['2002:808:808::1', '2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '2003::'],
  },
  {
    // 2001:0:SERVER:flags:port:CLIENT, the client address inverted; server 65.54.227.120
    range: '2001::/32 (Teredo)',
    refused: [
      '2001:0:4136:e378:8000:63bf:80ff:fffe', // client 127.0.0.1
      '2001:0:4136:e378:8000:63bf:5601:5601', // client 169.254.169.254
      '2001::4136:e378:8000:63bf:f5ff:fffe', // client 10.0.0.1
      '2001:0:a00:1:8000:63bf:f7f7:f7f7', // server 10.0.0.1
    ],
    allowed: ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', '2001:1::'], // client 8.8.8.8; just past the /32
  },
  { range: 'public addresses', refused: [], allowed: ['93.184.216.34', '151.101.1.1', '2606:4700::1111', '2a00:1450:4001:82b::200e'] },
];

describe('isForbiddenAddress, range by range', () => {
  for (const { range, refused, allowed } of RANGES) {
    it(range, () => {
      for (const ip of refused) expect(isForbiddenAddress(ip), `${ip} refused`).toBe(true);
      for (const ip of allowed) expect(isForbiddenAddress(ip), `${ip} allowed`).toBe(false);
    });
  }

  it('refuses what is not an IP address at all', () => {
    for (const text of ['', 'localhost', '127.1', '0x7f.0.0.1', '1::2::3', '::ffff:01.2.3.4', '12345::', 'fe80::1%'])
      expect(isForbiddenAddress(text), text).toBe(true);
  });
});

describe('parseIpv6', () => {
  const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : undefined);
  it('reads every spelling of one address to the same 16 bytes', () => {
    const want = '0000000000000000000000000000ffff7f000001'.slice(8);
    for (const s of [
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '0:0:0:0:0:ffff:7f00:1',
      '0000:0000:0000:0000:0000:FFFF:7F00:0001',
      '::0:ffff:127.0.0.1',
      '::ffff:7f00:1%lo',
    ]) {
      expect(hex(parseIpv6(s)), s).toBe(want);
    }
    expect(hex(parseIpv6('::'))).toBe('0'.repeat(32));
    expect(hex(parseIpv6('1:2:3:4:5:6:7::'))).toBe('00010002000300040005000600070000');
    for (const bad of ['1:2:3:4:5:6:7:8:9', '1::2::3', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8::', 'g::1', '::1.2.3', '::256.0.0.1'])
      expect(parseIpv6(bad), bad).toBeUndefined();
  });

  it('gives one answer for an address however it is written', () => {
    const prefixes = [
      '',
      '0000000000000000000000000000',
      '00000000000000000000ffff',
      '0000000000000000ffff0000',
      '0064ff9b000000000000000000',
      '0064ff9b0001',
      '2002',
      '20010000',
      'fe80',
      'fc',
      '2606',
    ];
    const address = fc.tuple(fc.constantFrom(...prefixes), fc.uint8Array({ minLength: 16, maxLength: 16 })).map(([p, rnd]) => {
      const bytes = Buffer.from(rnd);
      Buffer.from(p.length % 2 ? p + '0' : p, 'hex').copy(bytes);
      return bytes;
    });
    fc.assert(
      fc.property(address, (bytes) => {
        const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(2 * i).toString(16));
        const full = groups.map((g) => g.padStart(4, '0')).join(':');
        const short = groups.join(':');
        const dotted = `${groups.slice(0, 6).join(':')}:${[...bytes.subarray(12)].join('.')}`;
        const compressed = new URL(`http://[${full}]/`).hostname.slice(1, -1); // WHATWG's canonical form
        const answers = [full, short, dotted, compressed, full.toUpperCase()].map((s) => {
          expect(hex(parseIpv6(s)), s).toBe(bytes.toString('hex'));
          return isForbiddenAddress(s);
        });
        expect(new Set(answers).size).toBe(1);
      }),
      { numRuns: 1000, seed: 7 },
    );
  });
});
