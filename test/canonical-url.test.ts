import { describe, expect, it } from 'vitest';
import { canonicalUrl } from '../src/ingest/canonical-url.ts';

const TRACKING = [
  'fbclid',
  'gclid',
  'gclsrc',
  'dclid',
  'msclkid',
  'yclid',
  'igshid',
  'mc_cid',
  'mc_eid',
  '_ga',
  '_gl',
  'ocid',
  'cmpid',
  'mkt_tok',
  'spm',
  'ref_src',
  'src_trk',
  'trk',
  'sr_share',
  'smid',
  'sh',
  'wt.mc_id',
];

describe('canonicalUrl: tracking parameters', () => {
  it.each(TRACKING)('drops the click-tracking parameter %s', (name) => {
    expect(canonicalUrl(`https://x.org/a?${name}=1&id=7`)).toBe('https://x.org/a?id=7');
  });
  it('drops every utm_ and at_ parameter, in any case', () => {
    expect(canonicalUrl('https://x.org/a?UTM_Source=x&utm_whatever=y&at_medium=z&AT_campaign=w&id=7')).toBe('https://x.org/a?id=7');
    expect(canonicalUrl('https://x.org/a?FBCLID=1&Gclid=2')).toBe('https://x.org/a');
  });
  it('keeps parameters that only resemble tracking ones', () => {
    expect(canonicalUrl('https://x.org/a?utm=1&atlas=2&shop=3&ref=4&xutm_source=5')).toBe(
      'https://x.org/a?atlas=2&ref=4&shop=3&utm=1&xutm_source=5',
    );
  });
  it('leaves no bare ? when every parameter was tracking', () => {
    expect(canonicalUrl('https://x.org/a?utm_source=x')).toBe('https://x.org/a');
  });
});

describe('canonicalUrl: one form per page', () => {
  it('sorts parameters by name, then repeated names by value', () => {
    expect(canonicalUrl('https://x.org/a?b=2&a=9&b=1&c=0')).toBe('https://x.org/a?a=9&b=1&b=2&c=0');
    expect(canonicalUrl('https://x.org/a?b=1&b=2')).toBe(canonicalUrl('https://x.org/a?b=2&b=1'));
    expect(canonicalUrl('https://x.org/a?k=1&k=1&j=0')).toBe('https://x.org/a?j=0&k=1&k=1');
  });
  it('sorts names in code-unit order (upper case first)', () => {
    expect(canonicalUrl('https://x.org/a?b=1&B=2&a=3')).toBe('https://x.org/a?B=2&a=3&b=1');
  });
  it('removes the fragment, user name and password', () => {
    expect(canonicalUrl('https://ana:secret@x.org/a#comments')).toBe('https://x.org/a');
  });
  it('lower-cases the host and drops its trailing dot, but keeps the path’s case', () => {
    expect(canonicalUrl('https://WWW.Example.COM./News/AI')).toBe('https://www.example.com/News/AI');
  });
  it('drops default ports and keeps others', () => {
    expect(canonicalUrl('https://x.org:443/a')).toBe('https://x.org/a');
    expect(canonicalUrl('http://x.org:8080/a')).toBe('http://x.org:8080/a');
  });
  it('trims spaces around the link', () => {
    expect(canonicalUrl('  https://x.org/a \n')).toBe('https://x.org/a');
  });
  it('accepts http and https only', () => {
    expect(canonicalUrl('http://x.org/a')).toBe('http://x.org/a');
    expect(canonicalUrl('ftp://x.org/a')).toBeUndefined();
    expect(canonicalUrl('data:text/html,hi')).toBeUndefined();
  });
  it('refuses a relative link without a base', () => {
    expect(canonicalUrl('/news/1')).toBeUndefined();
  });
});
