import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntities, namedEntity } from '../src/ingest/entities-html.ts';
import { parseOpml } from '../src/ingest/opml.ts';
import { repairXml } from '../src/ingest/repair.ts';
import { htmlToText, MAX_HTML_INPUT } from '../src/ingest/text.ts';
import { prepareText } from '../src/classify/prepare.ts';
import { manyItems, rss } from './helpers/feed-server.ts';

/**
 * The regex chain htmlToText replaced: exact on ordinary HTML, quadratic on hostile input
 * (39 KB of "<a" took 1.2 s). Kept here as the reference for short, well-formed documents.
 */
function regexChain(html: string): string {
  const block = /<\/?(p|div|br|li|ul|ol|h[1-6]|blockquote|tr|td|th|table|section|article|figure|figcaption|header|footer|hr)\b[^>]*>/gi;
  return decodeEntities(
    html
      .replace(/<!--[\s\S]*?(-->|$)/g, ' ')
      .replace(/<(script|style|noscript|iframe|svg)\b[\s\S]*?(<\/\1\s*>|$)/gi, ' ')
      .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
      .replace(block, ' ')
      .replace(/<\/?[a-z][^>]*>/gi, ''),
  )
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/[\s\u00a0\u200b]+/g, ' ')
    .trim();
}

/** CPU time of one call, in microseconds: unlike wall time, other processes on the machine do not add to it. */
function cpuMicros(f: () => unknown): number {
  const before = process.cpuUsage();
  f();
  const { user, system } = process.cpuUsage(before);
  return user + system;
}

/**
 * How many times longer `f(hostile)` takes than `f(ordinary)` of the same length: the best of 7
 * runs each, taken in turn so that a busy moment of the machine falls on both alike.
 */
function costRatio(f: (s: string) => unknown, hostile: string, ordinary: string): number {
  const plain = ordinary.slice(0, hostile.length);
  expect(plain.length).toBe(hostile.length);
  f(plain); // warm up both paths
  f(hostile);
  let bestHostile = Infinity;
  let bestPlain = Infinity;
  for (let k = 0; k < 7; k++) {
    bestPlain = Math.min(
      bestPlain,
      cpuMicros(() => f(plain)),
    );
    bestHostile = Math.min(
      bestHostile,
      cpuMicros(() => f(hostile)),
    );
  }
  if (process.env.SHOW_RATIOS)
    console.log(`ratio ${(bestHostile / Math.max(bestPlain, 1)).toFixed(2)} (${bestHostile} vs ${bestPlain} µs)`);
  return bestHostile / Math.max(bestPlain, 1);
}

/** How many times longer `f(large)` takes than `f(small)`, best of 3 runs each, taken in turn. */
function growth(f: (s: string) => unknown, small: string, large: string): number {
  f(small);
  f(large);
  let bestSmall = Infinity;
  let bestLarge = Infinity;
  for (let k = 0; k < 3; k++) {
    bestSmall = Math.min(
      bestSmall,
      cpuMicros(() => f(small)),
    );
    bestLarge = Math.min(
      bestLarge,
      cpuMicros(() => f(large)),
    );
  }
  return bestLarge / Math.max(bestSmall, 1);
}

const repeatTo = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
const N = 200_000;
const PROSE = repeatTo('The guild said studios must ask consent before training models on members\u2019 work, and pay for it. ', 4 * N);

describe('htmlToText', () => {
  it('gives what the regex chain gave on ordinary HTML', () => {
    const pieces = [
      '<p>',
      '</p>',
      '<a href="https://x.org/a?b=1&amp;c=2">',
      '</a>',
      'Guild ',
      'text',
      ' ',
      '\n',
      '&amp;',
      '&eacute;',
      '&#8217;',
      '<br/>',
      '<br>',
      '<img src="x.jpg" alt="a">',
      '<script>var x = 1 < 2;</script>',
      '<!-- note -->',
      '<b>',
      '</b>',
      '<em>',
      '</em>',
      '<div class="x">',
      '</div>',
      '<h2>',
      '</h2>',
      '<ul>',
      '<li>',
      '</li>',
      '</ul>',
      '<style>p{}</style>',
      '<iframe src="y"></iframe>',
      'a < b',
      '3 > 2',
      'x<3',
      '<table><tr><td>',
      '</td></tr></table>',
      '<pre>',
      '</pre>',
      '<figure>',
      '<figcaption>',
      '<thead>',
      '<SCRIPT type="x">y</SCRIPT >',
      '<noscript>n</noscript>',
      '<BLOCKQUOTE>',
      '<span>',
      '</span>',
      '&nbsp;',
      '\u00a0',
      '<![CDATA[c]]>',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (list) => {
        const html = list.join('');
        expect(htmlToText(html)).toBe(regexChain(html));
      }),
      { numRuns: 3000, seed: 19 },
    );
  });

  it('drops comments, scripts and unclosed ones to the end; keeps a < that starts no tag', () => {
    expect(htmlToText('<p>Guild</p><!-- hidden --><p>statement</p>')).toBe('Guild statement');
    expect(htmlToText('Before<!-- never closed <p>lost</p>')).toBe('Before');
    expect(htmlToText('Before<script>evil() <p>lost</p>')).toBe('Before');
    expect(htmlToText('<style>p { color: red }</style >Shown')).toBe('Shown');
    expect(htmlToText('if a < b and c<3 then <b>bold</b>')).toBe('if a < b and c<3 then bold');
    expect(htmlToText('<p class="x">an open tag never closed <a href="')).toBe('an open tag never closed <a href="');
    expect(htmlToText('<![CDATA[<p>Wrapped</p>]]> and <![CDATA[never closed')).toBe('Wrapped and <![CDATA[never closed');
    expect(htmlToText('one<br>two<li>three</li><span>four</span>five')).toBe('one two three fourfive');
  });

  it('reads at most MAX_HTML_INPUT characters of its input', () => {
    const text = htmlToText('<p>' + 'a'.repeat(MAX_HTML_INPUT) + ' beyond the cap</p>');
    expect(text).toBe('a'.repeat(MAX_HTML_INPUT - 3));
    // a cut never leaves half a surrogate pair
    expect(htmlToText('x'.repeat(MAX_HTML_INPUT - 1) + '\u{1F600}')).toBe('x'.repeat(MAX_HTML_INPUT - 1));
  });

  describe('costs at most 5 times a plain text of the same length on hostile shapes', () => {
    const shapes: Record<string, string> = {
      "'<a'.repeat(1e5)": '<a'.repeat(1e5),
      "'<p '.repeat(4e4)": '<p '.repeat(4e4),
      'closed tags <a>': repeatTo('<a>', N),
      'nested quotes, never closed': repeatTo('<a title="<b alt=\'<i x="', N),
      'nested quotes, closed': repeatTo('<a title="x\'>y"\'>t', N),
      'long entity run &amp;': repeatTo('&amp;', N),
      'long entity run &#x…': repeatTo('&#x' + 'f'.repeat(40), N),
      'long entity names': repeatTo('&' + 'a'.repeat(40), N),
      'unclosed comments': repeatTo('<!--', N),
      'closed comments': repeatTo('<!-- -->', N),
      'unclosed CDATA': repeatTo('<![CDATA[', N),
      'unclosed scripts': repeatTo('<script', N),
      'script with false end tags': '<script>' + repeatTo('</script', N - 8),
      'one long tag name': '<' + 'a'.repeat(N - 1),
      'end-tag openers': repeatTo('</', N),
    };
    for (const [name, hostile] of Object.entries(shapes)) {
      it(name, () => {
        expect(costRatio(htmlToText, hostile, PROSE)).toBeLessThan(5);
      });
    }
  });
});

/**
 * The classifier's preparation of a text (HTML sniffing, footers, addresses, hashtags, sentences)
 * at the 20,000 characters the API takes: a tag pattern scanning to the next '>' and an address
 * pattern with an unbounded \S+@ were quadratic (0.25 s and 0.7 s for one text, 100-300 times
 * prose). Linear now, but with a larger constant than htmlToText on a few shapes (a long word
 * tries the bounded address pattern at every position; every '#a' is a hashtag to split): those
 * measure 5-6.5 times prose, so the bound here is 10.
 */
describe('prepareText costs at most 10 times a plain text of the same length on hostile shapes', () => {
  const M = 20_000;
  const shapes: Record<string, string> = {
    "'<a' with no '>'": repeatTo('<a', M),
    "'<p ' with no '>'": repeatTo('<p ', M),
    'one long word': 'a'.repeat(M),
    'one long word before an @': 'a'.repeat(M - 10) + '@b.example',
    'many @': repeatTo('a@', M),
    "'#' runs": repeatTo('#a', M),
    'URL-like runs': repeatTo('www.', M),
    timestamps: repeatTo('1:23 ', M),
  };
  for (const [name, hostile] of Object.entries(shapes)) {
    it(name, () => {
      expect(costRatio(prepareText, hostile, PROSE)).toBeLessThan(10);
    });
  }
});

/** The repair repairXml made with one global replace (super-linear on floods of "&"), kept as the reference. */
function oneReplace(text: string): string {
  const known = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&(#x[0-9a-f]+;|#\d+;|([a-z][a-z0-9]*);)?/gi, (whole, ref: string | undefined, name: string | undefined) => {
      if (!ref) return '&amp;';
      if (!name || known.has(name)) return whole;
      const code = namedEntity(name);
      return code === undefined ? `&amp;${name};` : `&#${code};`;
    });
}

describe('repairXml', () => {
  it('repairs as the single global replace did', () => {
    const pieces = [
      '&',
      '&amp;',
      '&AMP;',
      '&eacute;',
      '&Eacute;',
      '&#233;',
      '&#X41;',
      '&#x;',
      '&#;',
      '&bogus;',
      'x',
      ' ',
      '\u0001',
      '\ufffe',
      ';',
      '#',
      'a',
      'Z',
      'f',
      '1',
      '&nbsp;',
      '&a1;',
      '&1a;',
      '&lt;',
      '@',
      '[',
      '{',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), fc.string({ maxLength: 20 }), (list, noise) => {
        const text = list.join('') + noise;
        expect(repairXml(text)).toBe(oneReplace(text));
        const inside = text.replaceAll(']]>', '');
        expect(repairXml(`${text}<![CDATA[${inside}]]>${text}`)).toBe(`${oneReplace(text)}<![CDATA[${inside}]]>${oneReplace(text)}`);
      }),
      { numRuns: 3000, seed: 13 },
    );
  });

  const FEED = repeatTo(rss(manyItems(1500, 'https://feeds.example.org')), 2 * N);
  it('costs at most 5 times an ordinary feed of the same length on unclosed CDATA sections', () => {
    expect(costRatio(repairXml, repeatTo('<![CDATA[', N), FEED)).toBeLessThan(5);
  });

  it.each([
    ['bare ampersands', '&'],
    ['unknown entities', '&a;'],
    ['HTML entities', '&eacute;'],
    ['control characters', '\u0001'],
  ])('grows linearly where every character is a repair: %s', (_name, unit) => {
    // real work at every character, so the cost is compared with itself at a quarter of the size:
    // linear is about 4 times (the single global replace took about 10 on a flood of "&")
    expect(growth(repairXml, repeatTo(unit, N / 4), repeatTo(unit, N))).toBeLessThan(8);
  });
});

describe('parseOpml', () => {
  it('reads outlines in any case, self-closing or not, with folder kinds', () => {
    const doc = `<opml><body><OUTLINE text="union"><outline type="rss" text="Guild" xmlUrl="https://g.example.org/f"/>
      <outline text="x" xmlUrl='https://h.example.org/f' pulseKind="news"></outline ></OUTLINE><outlines xmlUrl="https://no.example.org"/>
      <outline text="Late" xmlUrl="https://late.example.org/f"/></body></opml>`;
    expect(parseOpml(doc)).toEqual([
      { url: 'https://g.example.org/f', name: 'Guild', kind: 'union', organisation: undefined },
      { url: 'https://h.example.org/f', name: 'x', kind: 'news', organisation: undefined },
      { url: 'https://late.example.org/f', name: 'Late', kind: undefined, organisation: undefined },
    ]);
  });

  const OPML = repeatTo(
    '<opml version="2.0"><body>' +
      Array.from(
        { length: 3000 },
        (_, i) => `<outline type="rss" text="Feed ${i}" xmlUrl="https://feeds.example.org/${i}.xml" category="news"/>`,
      ).join('\n'),
    N,
  );
  it.each([
    ['outline starts that never close', '<opml>' + repeatTo('<outline', N - 6)],
    ['end tags that never close', '<opml>' + repeatTo('</outline ', N - 6)],
    ['one outline with endless attributes', '<opml><outline' + repeatTo(' xmlUrl="', N - 15) + '>'],
  ])('costs at most 5 times an ordinary OPML document of the same length: %s', (_name, hostile) => {
    expect(costRatio(parseOpml, hostile, OPML)).toBeLessThan(5);
  });
});
