import { tagEntities } from '../ingest/entities.ts';
import type { Stance } from '../labels.ts';
import type { SpeakerKind } from './corpus.ts';

/**
 * Direct quotations and who said them: "…," said X; X said: "…"; according to X; «…», dijo X;
 * afirmó, señaló, … A pronoun ("she said") takes the last named speaker. The speaker's kind
 * comes from the entity lists (a union or studio named in the speaker's description) and role
 * words ("president of", "voice actor", "analyst").
 */
export interface Quote {
  text: string;
  speaker: string | null;
  speakerKind: SpeakerKind;
  stance?: Stance;
}

const SAY =
  "said|says|say|added|adds|told(?: [\\p{Lu}][\\p{L}]+| reporters| us| the \\w+)?|explained|wrote|writes|posted|tweeted|warned|warns|argued|argues|noted|notes|insisted|insists|stated|continued|asked|recalled|admitted|acknowledged|dijo|dice|afirmó|afirma|señaló|señala|agregó|añadió|explicó|sostuvo|advirtió|aseguró|declaró|indicó|expresó|comentó|remarcó|subrayó|apuntó|reconoció|planteó|escribió|publicó|lamentó|destacó|insistió|precisó|manifestó";
const CAP = "[\\p{Lu}][\\p{L}'’.-]*";
const PARTICLE = '(?:de|del|la|las|los|van|von|da|di|y|bin|al|el)';
const NAME = `${CAP}(?:\\s+(?:${PARTICLE}\\s+)?${CAP}){0,4}`;
const ROLE_NOUN =
  'spokesperson|spokesman|spokeswoman|representative|statement|union|guild|studio|company|analyst|actor|actress|animator|writer|director|executive|producer|artist|member|negotiator|president|chief|founder|portavoz|vocero|vocera|sindicato|comunicado|estudio|empresa|analista|actriz|doblador|dobladora|guionista|director|directora|productor|productora|presidente|presidenta|secretario|secretaria|fundador|fundadora|integrante';
const NOUN_PHRASE = `(?:the|a|an|one|el|la|los|las|un|una|uno)\\s+(?:[\\p{L}-]+\\s+){0,3}?(?:${ROLE_NOUN})(?:\\s+(?:for|of|at|with|de|del|en)\\s+(?:the\\s+|la\\s+|el\\s+)?${NAME})?`;
const PRONOUN = '(?:he|she|they|él|ella|ellos|ellas)';
const WHO = `(${NAME}|${NOUN_PHRASE}|${PRONOUN})`;
/** what may follow a name before the verb: ", president of SAG-AFTRA," */
const APPOSITIVE = '(?:,\\s*([^,“”«»"]{2,90}?),)?';

// after the quote: ', said X' / ', X said' / '—dijo X' / ', según X'
const AFTER_VERB_FIRST = new RegExp(`^[,.!?]?\\s*[—–-]?\\s*(?:${SAY})\\s+${WHO}(?:,\\s*([^,.;“”«»"]{2,90}))?`, 'u');
const AFTER_WHO_FIRST = new RegExp(`^[,.!?]?\\s*[—–-]?\\s*${WHO}${APPOSITIVE}\\s+(?:${SAY})\\b(?:,\\s*([^,.;“”«»"]{2,90}))?`, 'u');
const AFTER_ACCORDING = new RegExp(`^[,.!?]?\\s*(?:according to|según)\\s+${WHO}(?:,\\s*([^,.;“”«»"]{2,90}))?`, 'u');
// before the quote: 'X said: ' / 'X, president of Y, said ' / 'According to X, '
const BEFORE_SAID = new RegExp(`${WHO}${APPOSITIVE}\\s+(?:${SAY})(?:\\s+(?:that|in a statement|on \\w+|que|en un comunicado))?\\s*[:,]?\\s*$`, 'u');
const BEFORE_ACCORDING = new RegExp(`(?:according to|según)\\s+${WHO}${APPOSITIVE}[:,]?\\s*$`, 'u');

const QUOTE = /“([^”]{3,600})”|«([^»]{3,600})»|"([^"]{3,600})"/g;
const MIN_WORDS = 4;

const UNION_WORDS = /\b(?:union|guild|local \d+|sindicato|gremio|asociaci[oó]n (?:nacional |argentina )?de actores|actors' association)\b/i;
const OFFICIAL = /\b(?:president|presidente|presidenta|chief|negotiator|director|directora|spokes\w+|portavoz|vocer[oa]|secretar\w+|chair\w*|head|leader|board|executive|official|representative|representante|l[ií]der|titular)\b/i;
const STUDIO_WORDS = /\b(?:ceo|cto|coo|cfo|chief|executive|exec|studio|studios|producer|producers|production company|vendor|company|startup|platform|streamer|network|head of|vice president|vp|estudio|productora|empresa|plataforma|gerente|director ejecutivo|directora ejecutiva|jefe|jefa)\b/i;
const ANALYST_WORDS = /\b(?:analyst|analysts|professor|researcher|consultant|economist|scholar|expert|academic|lawyer|attorney|law professor|analista|investigador\w*|profesor\w*|consultor\w*|experto|experta|académic\w*|abogad\w*|economista)\b/i;
const WORKER_WORDS = /\b(?:actor|actress|actors|voice actor|voice artist|performer|animator|writer|screenwriter|artist|editor|compositor|storyboard|dubbing|dubber|crew|member|colorist|designer|illustrator|stunt\w*|background|musician|composer|translator|subtitler|actriz|actores|doblador\w*|animador\w*|guionista|artista|trabajador\w*|locutor\w*|intérprete|ilustrador\w*|dise[ñn]ador\w*|traductor\w*|integrante|miembro)\b/i;

/** The kind of speaker a name and its description say. */
export function speakerKind(speaker: string, description = ''): SpeakerKind {
  const all = `${speaker} ${description}`;
  const tags = tagEntities(all);
  const union = tags.unions.length > 0 || UNION_WORDS.test(all);
  const studio = tags.studios.length > 0 || STUDIO_WORDS.test(all);
  if (union && OFFICIAL.test(all) && !WORKER_WORDS.test(speaker)) return 'union';
  if (ANALYST_WORDS.test(all)) return 'analyst';
  if (studio && !union && (OFFICIAL.test(all) || STUDIO_WORDS.test(all) || tags.studios.length)) return 'studio';
  if (WORKER_WORDS.test(all)) return 'worker';
  if (union) return 'union';
  if (studio) return 'studio';
  return 'other';
}

function attribution(before: string, after: string): { who: string; description: string } | undefined {
  for (const re of [AFTER_VERB_FIRST, AFTER_ACCORDING]) {
    const m = re.exec(after);
    if (m) return { who: m[1]!, description: m[2] ?? '' };
  }
  const m = AFTER_WHO_FIRST.exec(after);
  if (m) return { who: m[1]!, description: m[2] ?? m[3] ?? '' };
  for (const re of [BEFORE_SAID, BEFORE_ACCORDING]) {
    const b = re.exec(before.slice(-200));
    if (b) return { who: b[1]!, description: b[2] ?? '' };
  }
  return undefined;
}

const isPronoun = (w: string) => new RegExp(`^${PRONOUN}$`, 'iu').test(w);

/**
 * The direct quotations in a text's sentences (at least four words each), in order, with the
 * speaker each is attributed to (null when no pattern names one) and the speaker's kind.
 */
export function extractQuotes(sentences: string[]): Omit<Quote, 'stance'>[] {
  const out: Omit<Quote, 'stance'>[] = [];
  let last: { speaker: string; kind: SpeakerKind } | undefined;
  sentences.forEach((sentence, s) => {
    if (!/[“«"]/.test(sentence)) return;
    QUOTE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = QUOTE.exec(sentence)) !== null) {
      const text = (m[1] ?? m[2] ?? m[3]!).trim();
      if (text.split(/\s+/).length < MIN_WORDS) continue;
      const before = sentence.slice(0, m.index);
      const after = sentence.slice(m.index + m[0].length);
      // a quote alone in its sentence may be attributed at the end of the previous one ("… she said:")
      const found = attribution(before || (sentences[s - 1] ?? ''), after);
      let speaker: string | null = null;
      let kind: SpeakerKind = 'other';
      if (found) {
        if (isPronoun(found.who)) {
          speaker = last?.speaker ?? null;
          kind = last?.kind ?? 'other';
        } else {
          speaker = found.who.replace(/[.,]$/, '');
          kind = speakerKind(speaker, found.description);
          last = { speaker, kind };
        }
      }
      out.push({ text: text.replace(/[,]$/, ''), speaker, speakerKind: kind });
      if (out.length >= 20) return;
    }
  });
  return out;
}
