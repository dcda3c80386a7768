import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../src/classify/language.ts';
import { prepareSentences, prepareText, splitHashtag } from '../src/classify/prepare.ts';
import { extractQuotes } from '../src/classify/quotes.ts';
import { splitSentences } from '../src/classify/sentences.ts';

describe('text preparation', () => {
  it('decodes feed HTML and drops the WordPress footer and "Read more"', () => {
    const html =
      '<p>Warner Bros. Discovery will use &ldquo;generative AI&rdquo; tools.</p><p>Read more</p><p>The post <a href="https://x.test/a">WBD and AI</a> appeared first on <a href="https://x.test">Deadline</a>.</p>';
    expect(prepareSentences(html)).toEqual(['Warner Bros. Discovery will use “generative AI” tools.']);
  });
  it('drops podcast timestamps, empty chapters, sponsor and subscribe lines, and URLs', () => {
    const blurb =
      'Voice actors on cloning.\n00:00 Intro\n(03:15) Why dubbing artists fear AI\n45:00 Outro\nThis episode is sponsored by Acme. Use code PULSE for 20% off.\nSubscribe on Apple Podcasts: https://apple.test/x';
    expect(prepareSentences(blurb)).toEqual(['Voice actors on cloning.', 'Why dubbing artists fear AI']);
  });
  it('keeps handles, splits hashtags into words and keeps line structure', () => {
    expect(prepareText('Big win for @SAGAFTRA today #AIProtections #SAGAFTRAstrike\nSecond line')).toBe(
      'Big win for @SAGAFTRA today AI Protections SAGAFTRA strike\nSecond line',
    );
    expect(splitHashtag('#GenerativeAI')).toBe('Generative AI');
    expect(splitHashtag('#voice_actors')).toBe('voice actors');
    expect(splitHashtag('#aiart')).toBe('ai art');
  });
  it('drops Spanish boilerplate', () => {
    expect(prepareSentences('El sindicato exige protecciones.\nLeer más\nSuscríbete a nuestro canal.')).toEqual([
      'El sindicato exige protecciones.',
    ]);
  });
});

describe('sentence splitter', () => {
  it('does not split after abbreviations or inside quotations', () => {
    expect(splitSentences('Warner Bros. Discovery said so. Dr. Smith of Acme Inc. disagreed. The U.S. market is huge.')).toEqual([
      'Warner Bros. Discovery said so.',
      'Dr. Smith of Acme Inc. disagreed.',
      'The U.S. market is huge.',
    ]);
    expect(splitSentences('“We will not be replaced. Not ever,” said Fran Drescher. Next one.')).toEqual([
      '“We will not be replaced. Not ever,” said Fran Drescher.',
      'Next one.',
    ]);
    expect(
      splitSentences('El sindicato de EE.UU. exigió protecciones. «No nos van a reemplazar. Nunca», dijo la Sra. Gómez. ¿Y ahora?'),
    ).toEqual(['El sindicato de EE.UU. exigió protecciones.', '«No nos van a reemplazar. Nunca», dijo la Sra. Gómez.', '¿Y ahora?']);
  });
  it('splits after an abbreviation that ends a sentence when a sentence opener follows', () => {
    expect(splitSentences('Sales rose in the U.S. The guild said no.')).toEqual(['Sales rose in the U.S.', 'The guild said no.']);
    expect(splitSentences('First one. Second one! "Third?" Fourth')).toEqual(['First one.', 'Second one!', '"Third?"', 'Fourth']);
    expect(splitSentences('It cost approx. five dollars... and more. Then it ended.')).toEqual([
      'It cost approx. five dollars... and more.',
      'Then it ended.',
    ]);
  });
});

describe('language detection', () => {
  it('gets every short headline in the six-language fixture right', () => {
    const rows = readFileSync(new URL('./fixtures/lang-short.tsv', import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    const wrong = rows.filter(([lang, text]) => detectLanguage(text!).lang !== lang);
    expect(wrong).toEqual([]);
  });
  it('defaults to English when a text has no telling word', () => {
    expect(detectLanguage('Netflix AI VFX').lang).toBe('en');
    expect(detectLanguage('').lang).toBe('en');
  });
});

describe('quotes and speakers', () => {
  const quotes = (text: string) => extractQuotes(prepareSentences(text)).map((q) => [q.text, q.speaker, q.speakerKind]);
  it('attributes each quotation once, after or before it, and carries a pronoun to the last speaker', () => {
    expect(
      quotes(
        '"This will let our artists localise a season in days," said Dana Whitfield, chief executive of Netflix. "We will not let studios clone our voices," said Fran Drescher, president of SAG-AFTRA. "Nobody asked us about any of it," she added.',
      ),
    ).toEqual([
      ['This will let our artists localise a season in days', 'Dana Whitfield', 'studio'],
      ['We will not let studios clone our voices', 'Fran Drescher', 'union'],
      ['Nobody asked us about any of it', 'Fran Drescher', 'union'],
    ]);
    expect(quotes('According to Maya Lin, an analyst at Ampere, "the savings are real but small."')).toEqual([
      ['the savings are real but small.', 'Maya Lin', 'analyst'],
    ]);
  });
  it('reads Spanish attributions and a surname alone', () => {
    expect(
      quotes(
        '«No vamos a permitir que nos reemplacen», dijo la actriz de doblaje Marisa Lozano. «Primero se van los encargos pequeños de siempre», añadió Lozano.',
      ),
    ).toEqual([
      ['No vamos a permitir que nos reemplacen', 'Marisa Lozano', 'worker'],
      ['Primero se van los encargos pequeños de siempre', 'Marisa Lozano', 'worker'],
    ]);
  });
  it('gives "she said" to the person named last before it, not to the last speaker', () => {
    const text =
      '"The tool cut our schedule by a month," said Ana Ruiz, a producer at the studio. ' +
      'Its storyboard artist, Winnie Cheung, agreed. "I spend less time on rough thumbnails now," she said. ' +
      'Cheung said the work had changed. "It still needs a person with taste," she added.';
    expect(quotes(text).map((q) => q[1])).toEqual(['Ana Ruiz', 'Winnie Cheung', 'Winnie Cheung']);
  });
  it('takes a role that opens the attribution as the speaker, and a name at its end', () => {
    expect(
      quotes('"Dubbed titles double completion rates," said a regional acquisitions manager for a Singapore-based platform.')[0]![1],
    ).toBe('a regional acquisitions manager for a Singapore-based platform');
    expect(quotes('"This is a long-overdue rebalance of the fund," said Auckland producer Aroha Ngata.')[0]![1]).toBe('Aroha Ngata');
    expect(quotes('"We will keep the crews we have, all of them," said the union\'s president, Jane Doe.')[0]!.slice(1)).toEqual([
      'Jane Doe',
      'union',
    ]);
  });
  it('leaves short scare quotes alone', () => {
    expect(quotes('The studio calls it "AI review" and nothing more.')).toEqual([]);
  });
});
