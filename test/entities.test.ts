import { describe, expect, it } from 'vitest';
import { looksRelevant, resolveEntity, tagEntities, type EntityTags } from '../src/ingest/entities.ts';

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
      expect(tagEntities(text).mentionsAi).toBe(true);
    for (const text of ['said the aide', 'a main role', 'html', 'Mail']) expect(tagEntities(text).mentionsAi).toBe(false);
  });
  it('gives an empty text no tags', () => {
    expect(tagEntities('')).toEqual({ studios: [], unions: [], areas: [], mentionsAi: false });
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
