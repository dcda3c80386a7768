import { describe, expect, it } from 'vitest';
import { looksRelevant, resolveEntity, tagEntities, type EntityTags } from '../src/ingest/entities.ts';

/** How people write each tag: one example per alias (a regression list, written out by hand). */
const EXAMPLES: Record<'studios' | 'unions' | 'areas', Record<string, string[]>> = {
  studios: {
    Netflix: ['netflix'],
    Disney: ['disney', 'pixar', 'lucasfilm', 'marvel studios', 'industrial light & magic', 'industrial light and magic', 'ILM'],
    'Warner Bros. Discovery': ['warner bros. discovery', 'warner bros.', 'warner bros', 'warner brothers', 'hbo max', 'hbo', 'WBD'],
    Paramount: ['paramount', 'skydance'],
    Sony: ['sony pictures', 'sony'],
    'Universal/Comcast': [
      'universal pictures',
      'nbcuniversal',
      'nbc universal',
      'comcast',
      'dreamworks animation',
      'illumination entertainment',
      'peacock',
    ],
    'Amazon MGM': ['amazon mgm', 'amazon studios', 'prime video', 'mgm'],
    Apple: ['apple tv+', 'apple tv', 'apple original films', 'apple'],
    Lionsgate: ['lionsgate', 'lions gate'],
    A24: ['a24'],
    Ubisoft: ['ubisoft'],
    'Electronic Arts': ['electronic arts', 'EA'],
    'Activision Blizzard': ['activision', 'blizzard entertainment', 'blizzard'],
    'Microsoft Gaming': ['xbox game studios', 'xbox'],
    'Take-Two': ['take-two', 'take two interactive', 'rockstar games'],
    Runway: ['runway ml', 'runwayml'],
  },
  unions: {
    'SAG-AFTRA': ['sag-aftra', 'sag aftra', 'sagaftra', 'screen actors guild'],
    WGA: ['writers guild of america', 'wga west', 'wga east', 'wgaw', 'wgae', 'WGA'],
    IATSE: ['iatse', 'international alliance of theatrical stage employees'],
    'The Animation Guild': ['animation guild', 'tag local 839', 'local 839'],
    DGA: ['directors guild of america', 'directors guild', 'DGA'],
    'Equity UK': ['british equity', 'equity uk', 'uk equity', 'equity union'],
    BECTU: ['bectu'],
    ACTRA: ['actra'],
    FIA: ['international federation of actors', 'fia-actors', 'FIA'],
    'Writers Guild of Great Britain': ["writers' guild of great britain", 'writers guild of great britain', 'WGGB'],
    'Writers Guild of Canada': ['writers guild of canada', 'WGC'],
    MEAA: ['meaa', 'media, entertainment & arts alliance', 'media, entertainment and arts alliance'],
    Teamsters: ['teamsters'],
    'Motion Picture Editors Guild': ['editors guild', 'local 700'],
    VES: ['visual effects society'],
  },
  areas: {
    vfx: [
      'vfx',
      'visual effect',
      'visual effects',
      'compositing',
      'compositor',
      'compositors',
      'rotoscoping',
      'de-aging',
      'deaging',
      'digital double',
      'digital doubles',
      'cgi',
      'render',
      'rendering',
      'renders',
      'rendered',
    ],
    writing: [
      'screenwriters',
      'script',
      'scripts',
      'writer',
      'writers',
      "writers' room",
      "writers' rooms",
      'screenplay',
      'screenplays',
      'teleplay',
      'teleplays',
    ],
    acting_likeness: [
      'actor',
      'actors',
      'actress',
      'actresses',
      'performer',
      'performers',
      'likeness',
      'likenesses',
      'digital replica',
      'digital replicas',
      'body scan',
      'body scans',
      'background actors',
      'background performers',
      'extras',
      'deepfake',
      'deepfakes',
      'synthetic performer',
      'synthetic performers',
    ],
    voice_dubbing: [
      'voice actor',
      'voice actors',
      'voice-over',
      'voice over',
      'voice cloning',
      'cloned voice',
      'cloned voices',
      'synthetic voice',
      'synthetic voices',
      'dubbing',
      'dubbed',
      'dubber',
      'dubbers',
      'voice work',
      'localisation',
      'localization',
    ],
    animation: ['animation', 'animator', 'animators', 'animated', 'anime'],
    previs_storyboards: [
      'previs',
      'previsualisation',
      'pre-vis',
      'pre-visualization',
      'storyboard',
      'storyboarding',
      'concept art',
      'concept artist',
      'concept artists',
      'animatic',
      'animatics',
    ],
    marketing: ['trailer', 'trailers', 'poster', 'posters', 'marketing', 'key art', 'promo', 'promos'],
    recommendation: [
      'recommendation engine',
      'recommendation algorithms',
      'recommendation systems',
      'recommendation',
      'recommendations',
      'personalised artwork',
      'personalized artwork',
      'algorithmic',
    ],
    games: ['video game', 'video games', 'videogames', 'game studio', 'game developers', 'game publisher', 'gaming'],
    editing_post: [
      'editor',
      'editors',
      'editing',
      'post-production',
      'color grading',
      'colour grading',
      'sound design',
      'subtitles',
      'subtitling',
    ],
  },
};

const tags = (over: Partial<EntityTags>): EntityTags => ({ studios: [], unions: [], areas: [], mentionsAi: false, ...over });

describe('looksRelevant', () => {
  it('needs AI and at least one studio, union or area', () => {
    expect(looksRelevant(tags({ mentionsAi: true, studios: ['Netflix'] }))).toBe(true);
    expect(looksRelevant(tags({ mentionsAi: true, unions: ['WGA'] }))).toBe(true);
    expect(looksRelevant(tags({ mentionsAi: true, areas: ['vfx'] }))).toBe(true);
    expect(looksRelevant(tags({ mentionsAi: true }))).toBe(false);
    expect(looksRelevant(tags({ mentionsAi: false, studios: ['Netflix'], unions: ['WGA'], areas: ['vfx'] }))).toBe(false);
  });
});

describe('tagEntities', () => {
  it('lists tags in declaration order, each once, whatever the text order', () => {
    const t = tagEntities('Sony, then Netflix, then netflix again; IATSE and SAG-AFTRA; writers and vfx');
    expect(t.studios).toEqual(['Netflix', 'Sony']);
    expect(t.unions).toEqual(['SAG-AFTRA', 'IATSE']);
    expect(t.areas).toEqual(['vfx', 'writing']);
  });
  it('matches whole words only, not inside longer or hyphenated words', () => {
    expect(tagEntities('Appleby and pineapple').studios).toEqual([]);
    expect(tagEntities('non-netflix and netflix-like').studios).toEqual([]);
    expect(tagEntities('Netflix.').studios).toEqual(['Netflix']);
  });
  it('matches acronyms only in capitals', () => {
    expect(tagEntities('the WGA and DGA').unions).toEqual(['WGA', 'DGA']);
    expect(tagEntities('the wga and dga').unions).toEqual([]);
  });
  it('sees AI in its many spellings, in any case where it is a word', () => {
    for (const text of [
      'A.I. tools',
      'A.I tools',
      'an ai tool',
      'genai',
      'automation',
      'the algorithm',
      'algorithmic feeds',
      'a deepfake',
      'a digital replica',
      'voice cloning',
      'a large language model',
      'an llm',
      'gen-AI',
      'generative models',
      'machine learning',
      'automated dubbing',
      'LLMs',
      'Sora',
      'AI',
      'ML models',
      'GenAI',
    ])
      expect(tagEntities(text).mentionsAi, text).toBe(true);
    for (const text of ['said the aide', 'a main role', 'html', 'Mail']) expect(tagEntities(text).mentionsAi, text).toBe(false);
  });
  it('gives an empty text no tags', () => {
    expect(tagEntities('')).toEqual({ studios: [], unions: [], areas: [], mentionsAi: false });
  });
});

describe('tagEntities: every alias', () => {
  for (const kind of ['studios', 'unions', 'areas'] as const) {
    for (const [name, examples] of Object.entries(EXAMPLES[kind])) {
      it(`tags ${name} for ${examples.map((e) => `"${e}"`).join(', ')}`, () => {
        for (const example of examples)
          expect({ example, tags: tagEntities(`Yesterday ${example} said so.`)[kind] }).toEqual({
            example,
            tags: expect.arrayContaining([name]),
          });
      });
    }
  }
  it('tags nothing in a text that names no studio, union or area, punctuation and all', () => {
    expect(tagEntities('Box office: down, again — cinemas, too; 3 of 4 (sic). “Quiet” - at last!')).toEqual({
      studios: [],
      unions: [],
      areas: [],
      mentionsAi: false,
    });
  });
});

describe('resolveEntity', () => {
  it('finds a tag by its canonical name in any case and spacing', () => {
    expect(resolveEntity('studio', 'netflix').name).toBe('Netflix');
    expect(resolveEntity('studio', '  warner   bros.  discovery ').name).toBe('Warner Bros. Discovery');
    expect(resolveEntity('union', 'sag-aftra').name).toBe('SAG-AFTRA');
    expect(resolveEntity('area', 'VFX').name).toBe('vfx');
  });
  it('finds a tag by any alias or acronym, in any case', () => {
    expect(resolveEntity('studio', 'wbd').name).toBe('Warner Bros. Discovery');
    expect(resolveEntity('studio', 'HBO').name).toBe('Warner Bros. Discovery');
    expect(resolveEntity('studio', 'pixar').name).toBe('Disney');
    expect(resolveEntity('union', 'screen actors guild').name).toBe('SAG-AFTRA');
    expect(resolveEntity('area', 'dubbing').name).toBe('voice_dubbing');
  });
  it('matches the whole value only', () => {
    expect(resolveEntity('studio', 'netflix inc').name).toBeUndefined();
    expect(resolveEntity('studio', 'the hbo').name).toBeUndefined();
  });
  it('looks only among the kind asked for', () => {
    expect(resolveEntity('union', 'netflix').name).toBeUndefined();
    expect(resolveEntity('studio', 'WGA').name).toBeUndefined();
  });
  it('lists the known names of the kind for an error message', () => {
    const { name, known } = resolveEntity('union', 'nobody');
    expect(name).toBeUndefined();
    expect(known[0]).toBe('SAG-AFTRA');
    expect(known).toContain('VES');
    expect(known).not.toContain('Netflix');
  });
  it('finds a tag by a name that none of its aliases matches', () => {
    expect(resolveEntity('area', 'acting_likeness').name).toBe('acting_likeness');
    expect(resolveEntity('area', 'Writing').name).toBe('writing');
    expect(resolveEntity('studio', 'universal/comcast').name).toBe('Universal/Comcast');
  });
});
