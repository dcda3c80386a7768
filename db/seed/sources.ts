import type { NewSource } from '../queries/sources.ts';

/**
 * The default sources: trade press and unions/guilds covering screen-industry labour and AI.
 * `confirmed: false` marks a URL whose form we could not check from here (no network in our
 * workplace): the trade-press ones follow the publishers' long-standing WordPress `/feed/` form;
 * union sites change CMS often, so check them with `pulse ingest --source ID` after first start
 * and fix with PATCH /api/v1/sources/:id. A wrong URL only ever shows up as that source's health.
 */
export interface DefaultSource extends NewSource {
  confirmed: boolean;
}

export const DEFAULT_SOURCES: DefaultSource[] = [
  // Trade press
  {
    name: 'Variety',
    url: 'https://variety.com/feed/',
    kind: 'news',
    organisation: 'Variety',
    country: 'US',
    language: 'en',
    confirmed: true,
  },
  {
    name: 'Deadline',
    url: 'https://deadline.com/feed/',
    kind: 'news',
    organisation: 'Deadline',
    country: 'US',
    language: 'en',
    confirmed: true,
  },
  {
    name: 'The Hollywood Reporter',
    url: 'https://www.hollywoodreporter.com/feed/',
    kind: 'news',
    organisation: 'The Hollywood Reporter',
    country: 'US',
    language: 'en',
    confirmed: true,
  },
  {
    name: 'IndieWire',
    url: 'https://www.indiewire.com/feed/',
    kind: 'news',
    organisation: 'IndieWire',
    country: 'US',
    language: 'en',
    confirmed: true,
  },
  {
    name: 'TheWrap',
    url: 'https://www.thewrap.com/feed/',
    kind: 'news',
    organisation: 'TheWrap',
    country: 'US',
    language: 'en',
    confirmed: true,
  },
  {
    name: 'Screen Daily',
    url: 'https://www.screendaily.com/full-rss',
    kind: 'news',
    organisation: 'Screen International',
    country: 'GB',
    language: 'en',
    confirmed: false,
  },
  {
    name: 'Cartoon Brew',
    url: 'https://www.cartoonbrew.com/feed',
    kind: 'news',
    organisation: 'Cartoon Brew',
    country: 'US',
    language: 'en',
    confirmed: true,
  },
  {
    name: 'Animation Magazine',
    url: 'https://www.animationmagazine.net/feed/',
    kind: 'news',
    organisation: 'Animation Magazine',
    country: 'US',
    language: 'en',
    confirmed: true,
  },
  {
    name: 'befores & afters',
    url: 'https://beforesandafters.com/feed/',
    kind: 'news',
    organisation: 'befores & afters',
    country: 'AU',
    language: 'en',
    confirmed: true,
  },
  {
    name: 'Animation World Network',
    url: 'https://www.awn.com/rss.xml',
    kind: 'news',
    organisation: 'AWN',
    country: 'US',
    language: 'en',
    confirmed: false,
  },
  {
    name: 'GamesIndustry.biz',
    url: 'https://www.gamesindustry.biz/feed',
    kind: 'news',
    organisation: 'GamesIndustry.biz',
    country: 'GB',
    language: 'en',
    confirmed: false,
  },
  // Unions and guilds
  {
    name: 'SAG-AFTRA news',
    url: 'https://www.sagaftra.org/rss.xml',
    kind: 'union',
    organisation: 'SAG-AFTRA',
    country: 'US',
    language: 'en',
    confirmed: false,
  },
  {
    name: 'WGA West news',
    url: 'https://www.wga.org/news-events/news/rss',
    kind: 'union',
    organisation: 'WGA',
    country: 'US',
    language: 'en',
    confirmed: false,
  },
  {
    name: 'IATSE news',
    url: 'https://iatse.net/feed/',
    kind: 'union',
    organisation: 'IATSE',
    country: 'US',
    language: 'en',
    confirmed: false,
  },
  {
    name: 'The Animation Guild',
    url: 'https://animationguild.org/feed/',
    kind: 'union',
    organisation: 'The Animation Guild',
    country: 'US',
    language: 'en',
    confirmed: false,
  },
  {
    name: 'DGA news',
    url: 'https://www.dga.org/News/PressReleases.aspx?rss=1',
    kind: 'union',
    organisation: 'DGA',
    country: 'US',
    language: 'en',
    confirmed: false,
  },
  {
    name: 'Equity UK news',
    url: 'https://www.equity.org.uk/news/rss',
    kind: 'union',
    organisation: 'Equity UK',
    country: 'GB',
    language: 'en',
    confirmed: false,
  },
  {
    name: 'BECTU news',
    url: 'https://bectu.org.uk/news/feed/',
    kind: 'union',
    organisation: 'BECTU',
    country: 'GB',
    language: 'en',
    confirmed: false,
  },
  {
    name: 'ACTRA news',
    url: 'https://www.actra.ca/feed/',
    kind: 'union',
    organisation: 'ACTRA',
    country: 'CA',
    language: 'en',
    confirmed: false,
  },
  {
    name: 'FIA (International Federation of Actors)',
    url: 'https://fia-actors.com/feed/',
    kind: 'union',
    organisation: 'FIA',
    country: 'INT',
    language: 'en',
    confirmed: false,
  },
];

/** The rows to insert (the confirmed flag is documentation, not data). */
export function defaultSourceRows(): NewSource[] {
  return DEFAULT_SOURCES.map(({ confirmed: _c, ...s }) => s);
}
