import { isAscii, isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
/** Windows-1252 code points for bytes 0x80-0x9F (the rest of the range equals ISO-8859-1). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019,
  0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

interface Decoder {
  encoding: string;
  decode(bytes: Uint8Array): string;
}

/**
 * Windows-1252, which WHATWG also uses for every "ISO-8859-1" label because that is what such
 * feeds really contain. Node 20's TextDecoder decodes this label as plain Latin-1 (curly quotes
 * and the euro sign come out as C1 controls), so it is done by hand.
 */
const windows1252: Decoder = {
  encoding: 'windows-1252',
  decode(bytes) {
    let out = '';
    for (let i = 0; i < bytes.length; i += 8192) {
      const codes = Array.from(bytes.subarray(i, i + 8192), (b) => (b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80]! : b));
      out += String.fromCharCode(...codes);
    }
    return out;
  },
};

const WINDOWS_1252_LABELS = new Set([
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
]);

/** A decoder for a charset label, after normalising common aliases; undefined when unknown. */
function decoderFor(label: string | undefined): Decoder | undefined {
  if (!label) return undefined;
  const clean = label
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  if (WINDOWS_1252_LABELS.has(clean)) return windows1252;
  try {
    return new TextDecoder(clean === 'utf8' ? 'utf-8' : clean);
  } catch {
    return undefined;
  }
}

/** The charset parameter of a Content-Type header, quoted or not. */
export function charsetFromContentType(contentType: string | null | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType ?? '');
  return m?.[2];
}

/** The encoding named in an XML declaration, read from the first bytes as ASCII. */
export function charsetFromXmlDeclaration(bytes: Uint8Array): string | undefined {
  let head = '';
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (let i = start; i < Math.min(bytes.length, start + 200); i++) head += String.fromCharCode(bytes[i]!);
  const m = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return m?.[1];
}

/** The encoding a byte-order mark announces. */
export function charsetFromBom(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  return undefined;
}

/** Whether some character in the bytes is a well-formed multi-byte UTF-8 sequence. */
function hasUtf8Multibyte(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0xc2 || b > 0xf4) continue;
    const n = b <= 0xdf ? 1 : b <= 0xef ? 2 : 3;
    let ok = i + n < bytes.length;
    for (let k = 1; ok && k <= n; k++) ok = (bytes[i + k]! & 0xc0) === 0x80;
    if (ok) return true;
  }
  return false;
}

/**
 * Decodes a feed body to text. A byte-order mark decides first (as WHATWG's decode does); then
 * the Content-Type charset, else the XML declaration, else UTF-8; the first one TextDecoder knows
 * wins. Two declarations are overruled by the bytes, because servers get them wrong: a Latin-1 or
 * Windows-1252 label on bytes that are well-formed UTF-8 with multi-byte characters in them (an
 * old server default), and a UTF-8 label, or none, on bytes that are not UTF-8 at all (not one
 * well-formed multi-byte character), which are read as Windows-1252. A mostly-UTF-8 body with a
 * stray bad byte stays UTF-8. A leading BOM never reaches the parser.
 */
export function decodeBody(bytes: Uint8Array, contentType?: string | null): { text: string; charset: string } {
  const candidates = [charsetFromBom(bytes), charsetFromContentType(contentType), charsetFromXmlDeclaration(bytes)];
  let decoder: Decoder | undefined;
  for (const c of candidates) if ((decoder = decoderFor(c))) break;
  if (!charsetFromBom(bytes)) {
    if (decoder === windows1252 && isUtf8(bytes) && !isAscii(bytes)) decoder = undefined;
    else if ((!decoder || decoder.encoding === 'utf-8') && !isUtf8(bytes) && !hasUtf8Multibyte(bytes)) decoder = windows1252;
  }
  decoder ??= new TextDecoder('utf-8');
  const text = decoder.decode(bytes).replace(/^\uFEFF/, '');
  return { text, charset: decoder.encoding };
}
