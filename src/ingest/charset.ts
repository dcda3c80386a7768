import { TextDecoder } from 'node:util';
/** Labels TextDecoder knows, after normalising common aliases. */
function decoderFor(label: string | undefined): TextDecoder | undefined {
  if (!label) return undefined;
  const clean = label.trim().replace(/^["']|["']$/g, '').toLowerCase();
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

/**
 * Decodes a feed body to text. The charset comes from the Content-Type header, else the XML
 * declaration, else a byte-order mark, else UTF-8; the first one TextDecoder knows wins. A
 * leading BOM never reaches the parser.
 */
export function decodeBody(bytes: Uint8Array, contentType?: string | null): { text: string; charset: string } {
  const candidates = [charsetFromContentType(contentType), charsetFromXmlDeclaration(bytes), charsetFromBom(bytes)];
  let decoder: TextDecoder | undefined;
  for (const c of candidates) if ((decoder = decoderFor(c))) break;
  decoder ??= new TextDecoder('utf-8');
  // A UTF-8 BOM under a single-byte charset would decode to "ï»¿": drop the bytes first.
  const body = charsetFromBom(bytes) === 'utf-8' && decoder.encoding !== 'utf-8' ? bytes.subarray(3) : bytes;
  const text = decoder.decode(body).replace(/^\uFEFF/, '');
  return { text, charset: decoder.encoding };
}
