import { describe, expect, it } from 'vitest';
import { decodeEntities, namedEntity } from '../src/ingest/entities-html.ts';
import { repairXml } from '../src/ingest/repair.ts';

describe('namedEntity', () => {
  it('knows the XML five and the typographic ones newsrooms use', () => {
    expect(['amp', 'lt', 'gt', 'quot', 'apos', 'nbsp', 'mdash', 'rsquo', 'hellip', 'euro', 'trade'].map(namedEntity)).toEqual([
      38, 60, 62, 34, 39, 160, 8212, 8217, 8230, 8364, 8482,
    ]);
  });
  it.each([
    ['aacute', 225, 'Aacute', 193],
    ['eacute', 233, 'Eacute', 201],
    ['yacute', 253, 'Yacute', 221],
    ['egrave', 232, 'Egrave', 200],
    ['ugrave', 249, 'Ugrave', 217],
    ['icirc', 238, 'Icirc', 206],
    ['ocirc', 244, 'Ocirc', 212],
    ['auml', 228, 'Auml', 196],
    ['uuml', 252, 'Uuml', 220],
    ['atilde', 227, 'Atilde', 195],
    ['otilde', 245, 'Otilde', 213],
  ])('gives accented letters and their capitals: %s', (lower, lowerCode, upper, upperCode) => {
    expect(namedEntity(lower)).toBe(lowerCode);
    expect(namedEntity(upper)).toBe(upperCode);
  });
  it('keeps case-distinct names apart and falls back to lower case for the rest', () => {
    expect(namedEntity('eth')).toBe(240);
    expect(namedEntity('ETH')).toBe(208);
    expect(namedEntity('Dagger')).toBe(8225);
    expect(namedEntity('dagger')).toBe(8224);
    expect(namedEntity('NBSP')).toBe(160);
    expect(namedEntity('Mdash')).toBe(8212);
  });
  it('gives undefined for an unknown name', () => {
    expect(namedEntity('bogus')).toBeUndefined();
    expect(namedEntity('ycirc')).toBeUndefined(); // only the letters each accent list names
  });
});

describe('decodeEntities', () => {
  it('decodes named, decimal and hex references', () => {
    expect(decodeEntities('Caf&eacute; &amp; &#8217;s &#x2014; &#X41;')).toBe('Café & ’s — A');
  });
  it('leaves unknown names and text without references as written', () => {
    expect(decodeEntities('AT&T &bogus; &; & x')).toBe('AT&T &bogus; &; & x');
  });
  it('refuses code points that are not characters: NUL, surrogates, past U+10FFFF', () => {
    expect(decodeEntities('&#0;&#x0;&#xD800;&#xDFFF;&#x110000;&#1114112;')).toBe('&#0;&#x0;&#xD800;&#xDFFF;&#x110000;&#1114112;');
  });
  it('accepts the code points next to the refused ones', () => {
    expect(decodeEntities('&#1;&#xD7FF;&#xE000;&#x10FFFF;')).toBe('\u0001\uD7FF\uE000\u{10FFFF}');
  });
  it('needs the semicolon and a name of at least two characters', () => {
    expect(decodeEntities('&amp &a; &#65')).toBe('&amp &a; &#65');
  });
  it('decodes every reference in the text, not just the first', () => {
    expect(decodeEntities('&lt;p&gt;')).toBe('<p>');
  });
});

describe('repairXml', () => {
  it('keeps the XML five and numeric references as written', () => {
    expect(repairXml('&amp;&lt;&gt;&quot;&apos;&#233;&#xE9;')).toBe('&amp;&lt;&gt;&quot;&apos;&#233;&#xE9;');
  });
  it('turns known HTML names into numeric references and escapes unknown ones', () => {
    expect(repairXml('&eacute;&Eacute;&bogus;')).toBe('&#233;&#201;&amp;bogus;');
  });
  it('escapes a bare ampersand, also at the very end', () => {
    expect(repairXml('R&D &')).toBe('R&amp;D &amp;');
  });
  it('removes control characters XML forbids and keeps tab, newline and carriage return', () => {
    expect(repairXml('a\u0000b\u0008c\u000bd\u000ce\u001ff\ufffeg\uffffh\t\n\r')).toBe('abcdefgh\t\n\r');
  });
  it('repairs the text between several CDATA sections and leaves each section alone', () => {
    expect(repairXml('&eacute;<![CDATA[&eacute; \u0001]]>&<![CDATA[&]]>&nbsp;')).toBe(
      '&#233;<![CDATA[&eacute; \u0001]]>&amp;<![CDATA[&]]>&#160;',
    );
  });
});
