import { describe, expect, it } from 'vitest';
import { charsetFromBom, charsetFromContentType, charsetFromXmlDeclaration, decodeBody } from '../src/ingest/charset.ts';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const LABELS = [
  'windows-1252',
  'cp1252',
  'x-cp1252',
  'iso-8859-1',
  'iso8859-1',
  'iso_8859-1',
  'latin1',
  'l1',
  'ascii',
  'us-ascii',
  'cp819',
  'ibm819',
  'iso-ir-100',
];

describe('decodeBody: Windows-1252', () => {
  it.each(LABELS)('decodes %s as Windows-1252 (curly quotes and the euro sign, not C1 controls)', (label) => {
    const out = decodeBody(bytes([0x93, 0x80, 0x94]), `text/xml; charset=${label}`);
    expect(out).toEqual({ text: '\u201c\u20ac\u201d', charset: 'windows-1252' });
  });
  it('maps the whole 0x80-0x9F range and leaves the bytes around it as Latin-1', () => {
    const all = Array.from({ length: 0x22 }, (_, i) => 0x7f + i); // 0x7F..0xA0
    const text = decodeBody(bytes(all), 'text/xml; charset=windows-1252').text;
    expect([...text].map((c) => c.codePointAt(0))).toEqual([
      0x7f, 0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90,
      0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178, 0xa0,
    ]);
  });
  it('decodes a body longer than one 8 KiB chunk completely', () => {
    const long = Buffer.alloc(20_000, 0x80);
    const text = decodeBody(long, 'text/xml; charset=cp1252').text;
    expect(text.length).toBe(20_000);
    expect(new Set(text)).toEqual(new Set(['\u20ac']));
  });
  it('reads the label in any case, quoted or padded', () => {
    expect(decodeBody(bytes([0x80]), 'text/xml; charset="ISO-8859-1"').text).toBe('\u20ac');
    expect(decodeBody(bytes('<?xml version="1.0" encoding=" Latin1 "?>'), null).charset).toBe('utf-8'); // the declaration allows no spaces
    expect(decodeBody(bytes([0x80]), "text/xml; charset='latin1'").text).toBe('\u20ac');
  });
});

describe('decodeBody: choosing the charset', () => {
  it('prefers the header over the XML declaration', () => {
    const doc = bytes('<?xml version="1.0" encoding="utf-8"?><a>', [0xe9], '</a>');
    expect(decodeBody(doc, 'text/xml; charset=windows-1252')).toEqual({
      text: '<?xml version="1.0" encoding="utf-8"?><a>é</a>',
      charset: 'windows-1252',
    });
  });
  it('skips a header label it does not know and uses the declaration', () => {
    const doc = bytes('<?xml version="1.0" encoding="windows-1252"?><a>', [0x80], '</a>');
    expect(decodeBody(doc, 'text/xml; charset=x-made-up').text).toContain('<a>\u20ac</a>');
  });
  it('uses the byte-order mark when neither header nor declaration names a charset', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a>ü</a>', 'utf16le')]);
    expect(decodeBody(le, 'application/xml')).toEqual({ text: '<a>ü</a>', charset: 'utf-16le' });
    const be = Buffer.from([0xfe, 0xff, 0x00, 0x3c, 0x00, 0x61, 0x00, 0x3e]);
    expect(decodeBody(be)).toEqual({ text: '<a>', charset: 'utf-16be' });
  });
  it('defaults to UTF-8', () => {
    expect(decodeBody(Buffer.from('<a>ü</a>'))).toEqual({ text: '<a>ü</a>', charset: 'utf-8' });
  });
  it('lets a UTF-8 byte-order mark decide over a declared single-byte charset, as browsers do', () => {
    const doc = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<a>\u20ac</a>', 'utf8')]);
    expect(decodeBody(doc, 'text/xml; charset=windows-1252')).toEqual({ text: '<a>\u20ac</a>', charset: 'utf-8' });
  });
  it('keeps the first bytes of a single-byte body that has no byte-order mark', () => {
    expect(decodeBody(bytes([0xef, 0xbb, 0x41]), 'text/xml; charset=windows-1252').text).toBe('ï»A');
  });
  it('strips a doubled byte-order mark, and keeps a U+FEFF inside the text', () => {
    expect(decodeBody(bytes([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], '<a/>')).text).toBe('<a/>');
    expect(decodeBody(Buffer.from('<a>\uFEFF</a>')).text).toBe('<a>\uFEFF</a>');
  });
  it('strips a UTF-16 byte-order mark from the text', () => {
    expect(decodeBody(Buffer.from([0xfe, 0xff, 0x00, 0x41])).text).toBe('A');
  });
});

describe('charset sources', () => {
  it('reads the charset parameter of a Content-Type', () => {
    expect(charsetFromContentType('application/rss+xml; charset=UTF-8')).toBe('UTF-8');
    expect(charsetFromContentType('text/xml;charset="koi8-r"')).toBe('koi8-r');
    expect(charsetFromContentType('text/xml; CHARSET = latin1; format=flowed')).toBe('latin1');
    expect(charsetFromContentType('text/xml')).toBeUndefined();
    expect(charsetFromContentType('text/xml; xcharset=latin1')).toBeUndefined();
    expect(charsetFromContentType(null)).toBeUndefined();
    expect(charsetFromContentType(undefined)).toBeUndefined();
  });
  it('reads the XML declaration’s encoding, after a UTF-8 byte-order mark or leading space', () => {
    expect(charsetFromXmlDeclaration(bytes('<?xml version="1.0" encoding="ISO-8859-1"?><rss/>'))).toBe('ISO-8859-1');
    expect(charsetFromXmlDeclaration(bytes([0xef, 0xbb, 0xbf], "<?xml version='1.0' encoding='windows-1252'?>"))).toBe('windows-1252');
    expect(charsetFromXmlDeclaration(bytes('\n  <?xml version="1.0" encoding = "utf-8"?>'))).toBe('utf-8');
    expect(charsetFromXmlDeclaration(bytes('<?xml version="1.0"?><a encoding="latin1"/>'))).toBeUndefined();
    expect(charsetFromXmlDeclaration(bytes('<rss encoding="latin1"/>'))).toBeUndefined();
    expect(charsetFromXmlDeclaration(bytes('<?xml version="1.0" myencoding="latin1"?>'))).toBeUndefined();
  });
  it('skips three bytes only when they are a whole UTF-8 byte-order mark', () => {
    const decl = '<?xml version="1.0" encoding="latin1"?>';
    for (const junk of [
      [0x20, 0xbb, 0xbf],
      [0xef, 0x20, 0xbf],
      [0xef, 0xbb, 0x20],
      [0x20, 0x20, 0xbf],
    ])
      expect(charsetFromXmlDeclaration(bytes(junk, decl)), String(junk)).toBeUndefined();
  });
  it('reads a declaration only at the start of the document', () => {
    expect(charsetFromXmlDeclaration(bytes('<a/><?xml version="1.0" encoding="latin1"?>'))).toBeUndefined();
  });
  it('reads exactly 200 bytes: a declaration whose closing quote is the 201st byte is not read', () => {
    const decl = '<?xml version="1.0" encoding="latin1"';
    expect(charsetFromXmlDeclaration(bytes(' '.repeat(201 - decl.length), decl))).toBeUndefined();
    expect(charsetFromXmlDeclaration(bytes(' '.repeat(200 - decl.length), decl))).toBe('latin1');
  });
  it('reads only the first 200 bytes for the declaration', () => {
    const far = bytes(' '.repeat(190), '<?xml version="1.0" encoding="latin1"?>');
    expect(charsetFromXmlDeclaration(far)).toBeUndefined();
    const near = bytes([0xef, 0xbb, 0xbf], ' '.repeat(150), '<?xml encoding="latin1"?>');
    expect(charsetFromXmlDeclaration(near)).toBe('latin1');
  });
  it('names the byte-order marks', () => {
    expect(charsetFromBom(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toBe('utf-8');
    expect(charsetFromBom(Buffer.from([0xfe, 0xff]))).toBe('utf-16be');
    expect(charsetFromBom(Buffer.from([0xff, 0xfe]))).toBe('utf-16le');
    expect(charsetFromBom(Buffer.from([0xef, 0xbb, 0x41]))).toBeUndefined();
    expect(charsetFromBom(Buffer.from([0xfe, 0x41]))).toBeUndefined();
    expect(charsetFromBom(Buffer.from([0xff, 0x41]))).toBeUndefined();
    expect(charsetFromBom(Buffer.from([0x41, 0xbb, 0xbf]))).toBeUndefined();
    expect(charsetFromBom(Buffer.from([0xef, 0x41, 0xbf]))).toBeUndefined();
    expect(charsetFromBom(Buffer.from([0x41, 0xff]))).toBeUndefined();
    expect(charsetFromBom(Buffer.from([0x41, 0xfe]))).toBeUndefined();
    expect(charsetFromBom(new Uint8Array())).toBeUndefined();
  });
});
