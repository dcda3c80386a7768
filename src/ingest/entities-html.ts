/**
 * HTML named character references that feeds use without declaring them (XML knows only five).
 * Latin-1 letters are generated from their code points; the rest are the typographic ones seen in
 * newsroom CMS output.
 */
const NAMED: Record<string, number> = {
  amp: 38,
  lt: 60,
  gt: 62,
  quot: 34,
  apos: 39,
  nbsp: 160,
  iexcl: 161,
  cent: 162,
  pound: 163,
  curren: 164,
  yen: 165,
  brvbar: 166,
  sect: 167,
  uml: 168,
  copy: 169,
  ordf: 170,
  laquo: 171,
  not: 172,
  shy: 173,
  reg: 174,
  macr: 175,
  deg: 176,
  plusmn: 177,
  sup2: 178,
  sup3: 179,
  acute: 180,
  micro: 181,
  para: 182,
  middot: 183,
  cedil: 184,
  sup1: 185,
  ordm: 186,
  raquo: 187,
  frac14: 188,
  frac12: 189,
  frac34: 190,
  iquest: 191,
  times: 215,
  divide: 247,
  szlig: 223,
  eth: 240,
  ETH: 208,
  thorn: 254,
  THORN: 222,
  yuml: 255,
  Yuml: 376,
  oelig: 339,
  OElig: 338,
  scaron: 353,
  Scaron: 352,
  fnof: 402,
  circ: 710,
  tilde: 732,
  ensp: 8194,
  emsp: 8195,
  thinsp: 8201,
  zwnj: 8204,
  zwj: 8205,
  lrm: 8206,
  rlm: 8207,
  ndash: 8211,
  mdash: 8212,
  lsquo: 8216,
  rsquo: 8217,
  sbquo: 8218,
  ldquo: 8220,
  rdquo: 8221,
  bdquo: 8222,
  dagger: 8224,
  Dagger: 8225,
  bull: 8226,
  hellip: 8230,
  permil: 8240,
  prime: 8242,
  Prime: 8243,
  lsaquo: 8249,
  rsaquo: 8250,
  oline: 8254,
  euro: 8364,
  trade: 8482,
  larr: 8592,
  rarr: 8594,
  uarr: 8593,
  darr: 8595,
  harr: 8596,
  minus: 8722,
  le: 8804,
  ge: 8805,
  ne: 8800,
  infin: 8734,
  asymp: 8776,
  hearts: 9829,
  check: 10003,
  star: 9734,
  aelig: 230,
  AElig: 198,
  oslash: 248,
  Oslash: 216,
  aring: 229,
  Aring: 197,
  ccedil: 231,
  Ccedil: 199,
  ntilde: 241,
  Ntilde: 209,
};

// Vowels with accents: áéíóú, àèìòù, âêîôû, äëïöü, ãõ and their capitals.
const ACCENTED: [string, string, number[]][] = [
  ['acute', 'aeiouy', [225, 233, 237, 243, 250, 253]],
  ['grave', 'aeiou', [224, 232, 236, 242, 249]],
  ['circ', 'aeiou', [226, 234, 238, 244, 251]],
  ['uml', 'aeiou', [228, 235, 239, 246, 252]],
];
for (const [suffix, letters, codes] of ACCENTED) {
  [...letters].forEach((l, i) => {
    NAMED[l + suffix] = codes[i]!;
    NAMED[l.toUpperCase() + suffix] = codes[i]! - 32;
  });
}
NAMED.atilde = 227;
NAMED.Atilde = 195;
NAMED.otilde = 245;
NAMED.Otilde = 213;

/** The code point of a named reference, or undefined when unknown. */
export function namedEntity(name: string): number | undefined {
  return NAMED[name] ?? NAMED[name.toLowerCase()];
}

/** Decodes named, decimal and hex character references; unknown ones stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z][a-z0-9]{1,31});/gi, (whole, ref: string) => {
    let code: number | undefined;
    if (ref[0] === '#') code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    else code = namedEntity(ref);
    if (code === undefined || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return whole;
    return String.fromCodePoint(code);
  });
}
