import { describe, expect, it } from 'vitest';

/**
 * htmlToText on the shapes feed HTML takes, each with the exact text it must give. The cost of
 * hostile shapes is checked in hostile-text.test.ts (not in the mutation run: instrumentation
 * distorts its time ratios); these are the outputs.
 *
 * Loaded while the file is collected, with the error caught: if building the tag tables throws,
 * every test below fails with that error. A plain import would make the whole file vanish
 * instead, which StrykerJS counts as no test failing.
 */
const loaded = await import('../src/ingest/text.ts').catch((error: unknown) => error as Error);
const text = () => {
  if (loaded instanceof Error) throw loaded;
  return loaded;
};
const htmlToText = (html: string | undefined | null) => text().htmlToText(html);
const truncate = (s: string, max: number) => text().truncate(s, max);
const MAX = 1_000_000; // MAX_HTML_INPUT, written out so that a changed cap fails here

const BLOCK = [
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'tr',
  'td',
  'th',
  'table',
  'section',
  'article',
  'figure',
  'figcaption',
  'header',
  'footer',
  'hr',
];

describe('htmlToText: tags', () => {
  it.each(BLOCK)('<%s> and its end tag end a line: they become a space', (name) => {
    expect(htmlToText(`one<${name}>two</${name}>three`)).toBe('one two three');
    expect(htmlToText(`one<${name.toUpperCase()} class="x">two</${name.toUpperCase()} >three`)).toBe('one two three');
  });

  it('other tags become nothing, so the words on either side join', () => {
    for (const name of ['span', 'b', 'a', 'em', 'pre', 'thead', 'img', 'main', 'font', 'x-card'])
      expect(htmlToText(`one<${name} x="1">two</${name}>three`), name).toBe('onetwothree');
  });

  it('reads a tag name to its last word character: h1 is a heading, p0, p9, p_x and pre are not p', () => {
    expect(htmlToText('a<h1>b')).toBe('a b');
    expect(htmlToText('a<h6>b')).toBe('a b');
    for (const tag of ['p0', 'p9', 'p_x', 'pre', 'brx', 'divs']) expect(htmlToText(`a<${tag}>b`), tag).toBe('ab');
    // the name ends at a space, a slash or a quote
    expect(htmlToText('a<p class="x">b')).toBe('a b');
    expect(htmlToText('a<br/>b')).toBe('a b');
    expect(htmlToText('a<p"x">b')).toBe('a b');
  });

  it('a tag starts with <, an optional / and an ASCII letter, A to Z in either case; any other < is text', () => {
    for (const c of ['A', 'Z', 'a', 'z']) {
      expect(htmlToText(`1<${c}>2`), c).toBe('12');
      expect(htmlToText(`1</${c}>2`), `/${c}`).toBe('12');
    }
    for (const c of ['@', '[', '`', '{', '0', ' ', '=']) {
      expect(htmlToText(`1<${c}>2`), c).toBe(`1<${c}>2`);
      expect(htmlToText(`1</${c}>2`), `/${c}`).toBe(`1</${c}>2`);
    }
  });

  it('a < that starts nothing is text, and the markup after it is still read', () => {
    expect(htmlToText('if a < b and c > d')).toBe('if a < b and c > d');
    expect(htmlToText('x<3')).toBe('x<3');
    expect(htmlToText('a < b <i>c</i> d')).toBe('a < b c d');
    expect(htmlToText('a < b <p>c')).toBe('a < b c');
    expect(htmlToText('a << b <!-- c --> d')).toBe('a << b d');
    expect(htmlToText('A <--- B ---> C')).toBe('A <--- B ---> C'); // arrows: only <!-- opens a comment
  });

  it('a tag that never closes, and everything after it, is text', () => {
    expect(htmlToText('one <b two')).toBe('one <b two');
    expect(htmlToText('<p>one</p> <b two <i three')).toBe('one <b two <i three');
    expect(htmlToText('<p class="x">an open tag never closed <a href="')).toBe('an open tag never closed <a href="');
  });

  it('after a tag that never closes, a comment or script-like element still drops the rest', () => {
    expect(htmlToText('one <b two <!-- hidden')).toBe('one <b two');
    expect(htmlToText('one <b two <script three')).toBe('one <b two');
    expect(htmlToText('one <b two <SVG three')).toBe('one <b two');
    // the earlier of the two
    expect(htmlToText('one <b two <!-- x <style y')).toBe('one <b two');
    expect(htmlToText('one <b two <style x <!-- y')).toBe('one <b two');
    // but only a whole element name
    expect(htmlToText('one <b two <scripts three')).toBe('one <b two <scripts three');
  });
});

describe('htmlToText: script-like elements', () => {
  it.each(['script', 'style', 'noscript', 'iframe', 'svg'])('<%s> is dropped with its content, leaving a space', (name) => {
    expect(htmlToText(`a<${name}>hidden <p>text</p></${name}>b`)).toBe('a b');
    expect(htmlToText(`a<${name.toUpperCase()} x="1">hidden</${name} >b`)).toBe('a b');
    // one that never ends takes the rest with it
    expect(htmlToText(`a<${name}>hidden <p>more</p>`)).toBe('a');
  });

  it('ends only at its own end tag, however far', () => {
    expect(htmlToText('a<script>if (x</b) y</script>b')).toBe('a b');
    expect(htmlToText('a<script>xy</script>b')).toBe('a b');
    expect(htmlToText('a<script>xyz</script>b')).toBe('a b');
    expect(htmlToText('a<script>x</abcdef>y</script>b')).toBe('a b');
    expect(htmlToText('a<script>x</scripts>y</script>b')).toBe('a b');
    expect(htmlToText('a<script>x</script y>z</script>b')).toBe('a b');
    expect(htmlToText('a<style>p { color: red }</style \n\t>b')).toBe('a b');
    expect(htmlToText('a<style>#style>p { color: red }</style>b')).toBe('a b'); // "style>" without "</"
  });

  it('a script-like name that goes on is an ordinary tag', () => {
    expect(htmlToText('a<scripts>b</scripts>c')).toBe('abc');
    expect(htmlToText('a<svgx>b')).toBe('ab');
  });

  it('an end tag of a script-like element on its own is an ordinary tag', () => {
    expect(htmlToText('a</script>b')).toBe('ab');
  });
});

describe('htmlToText: comments, CDATA and other <!', () => {
  it('a comment is dropped, leaving a space; one that never ends takes the rest', () => {
    expect(htmlToText('a<!-- hidden <p>x</p> -->b')).toBe('a b');
    expect(htmlToText('a<!---->b')).toBe('a b');
    expect(htmlToText('a<!-->hidden-->b')).toBe('a b');
    expect(htmlToText('<p>Guild</p><!-- hidden --><p>statement</p>')).toBe('Guild statement');
    expect(htmlToText('Before<!-- never closed <p>lost</p>')).toBe('Before');
  });

  it('a CDATA section keeps its text and loses its markers; tags inside it are still tags', () => {
    expect(htmlToText('a<![CDATA[Wrapped]]>c')).toBe('aWrappedc');
    expect(htmlToText('a<![CDATA[]]>c')).toBe('ac');
    expect(htmlToText('a<![CDATA[<b>x</b>]]>c')).toBe('axc');
    expect(htmlToText('a<![CDATA[<p>x</p>]]>c')).toBe('a x c');
    expect(htmlToText('<![CDATA[one]]> and <![CDATA[two]]>!')).toBe('one and two!');
  });

  it('a CDATA section that never ends is text, and so is any later one', () => {
    expect(htmlToText('<![CDATA[<p>Wrapped</p>]]> and <![CDATA[never closed')).toBe('Wrapped and <![CDATA[never closed');
    expect(htmlToText('a <![CDATA[b <![CDATA[c')).toBe('a <![CDATA[b <![CDATA[c');
  });

  it('a CDATA opener inside an open section is text; the first ]]> ends the section', () => {
    expect(htmlToText('a<![CDATA[b<![CDATA[c]]>d')).toBe('ab<![CDATA[cd');
    expect(htmlToText('a<![CDATA[b]]>c]]>d')).toBe('abc]]>d');
  });

  it('a ]]> before any section, or inside a comment, ends nothing', () => {
    expect(htmlToText('x]]><![CDATA[y]]>z')).toBe('x]]>yz');
    expect(htmlToText('<![CDATA[x<!-- ]]> -->y')).toBe('x y');
  });

  it('a <! that starts neither a comment nor CDATA is text, even with a ]]> after it', () => {
    expect(htmlToText('a <!b> some text ]]> d')).toBe('a <!b> some text ]]> d');
    expect(htmlToText('a <!x b <!y c')).toBe('a <!x b <!y c');
    expect(htmlToText('a<!DOCTYPE html>b')).toBe('a<!DOCTYPE html>b');
    expect(htmlToText('a<!-x->b')).toBe('a<!-x->b');
  });
});

describe('htmlToText: text', () => {
  it('gives an empty string for nothing', () => {
    expect(htmlToText(undefined)).toBe('');
    expect(htmlToText(null)).toBe('');
    expect(htmlToText('')).toBe('');
    expect(htmlToText('<p></p><br>  ')).toBe('');
  });

  it('decodes entities after the tags are gone, so an escaped tag is text', () => {
    expect(htmlToText('R&amp;D&#8217;s &eacute;t&eacute; &lt;b&gt;not bold&lt;/b&gt;')).toBe('R&D\u2019s été <b>not bold</b>');
  });

  it('collapses white space, no-break and zero-width spaces into one space, and trims', () => {
    expect(htmlToText('  one \n\t two&nbsp;\u00a0three\u200bfour   ')).toBe('one two three four');
    expect(htmlToText('<p> one </p>\n<p> two </p>')).toBe('one two');
  });

  it('drops control characters but keeps tab and newline as white space', () => {
    expect(htmlToText('a\u0000b\u0001c\u0008d\u000be\u000cf\u000eg\u001fh\u007fi')).toBe('abcdefghi');
    expect(htmlToText('a\tb\nc\rd')).toBe('a b c d');
  });
});

describe('htmlToText: the input cap', () => {
  it('reads an input of exactly MAX_HTML_INPUT characters whole', () => {
    const whole = 'a'.repeat(MAX - 1) + '\ud83d'; // even when it ends in half a pair
    expect(htmlToText(whole)).toBe(whole);
  });

  it('reads at most MAX_HTML_INPUT characters of a longer one', () => {
    expect(htmlToText('<p>' + 'a'.repeat(MAX) + ' beyond the cap</p>')).toBe('a'.repeat(MAX - 3));
    expect(htmlToText('a'.repeat(MAX + 5))).toBe('a'.repeat(MAX));
  });

  it('never cuts a surrogate pair in half', () => {
    expect(htmlToText('x'.repeat(MAX - 1) + '\u{1F600}')).toBe('x'.repeat(MAX - 1));
    expect(htmlToText('x'.repeat(MAX - 1) + '\u{1F600}yz')).toBe('x'.repeat(MAX - 1));
  });
});

describe('truncate', () => {
  it('leaves a text of max characters or fewer alone', () => {
    expect(truncate('one two three', 13)).toBe('one two three');
    expect(truncate('one two three', 20)).toBe('one two three');
  });

  it('cuts at the last space before max and adds an ellipsis', () => {
    expect(truncate('the guild said no to studios', 16)).toBe('the guild said…');
    expect(truncate('the guild  said no', 11)).toBe('the guild…');
  });

  it('cuts inside a word when the last space is at 60% of max or before', () => {
    expect(truncate('abcdef ghijkl', 10)).toBe('abcdef ghi…'); // space at exactly 60%
    expect(truncate('abcdef ghijkl', 9)).toBe('abcdef…'); // 6 > 5.4
    expect(truncate('abcdef ghijkl', 11)).toBe('abcdef ghij…');
    expect(truncate('a bcdefghijklmnop', 10)).toBe('a bcdefghi…');
  });
});
