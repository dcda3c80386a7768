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

const SAY = new RegExp(
  '(?<![\\p{L}])(?:' +
    'said|says|say|added|adds|told|tells|explained|explains|wrote|writes|posted|tweeted|warned|warns|argued|argues|noted|notes|insisted|insists|stated|states|continued|asked|asks|recalled|recalls|admitted|admits|acknowledged|acknowledges|conceded|concedes|complained|countered|replied|responded|put it|summed it up|' +
    'dijo|dice|afirmó|afirma|señaló|señala|agregó|agrega|añadió|añade|explicó|explica|sostuvo|sostiene|advirtió|advierte|aseguró|asegura|declaró|declara|indicó|indica|expresó|expresa|comentó|comenta|remarcó|remarca|subrayó|subraya|apuntó|apunta|reconoció|reconoce|planteó|plantea|escribió|escribe|publicó|lamentó|lamenta|destacó|destaca|insistió|insiste|precisó|precisa|manifestó|manifiesta|resume|resumió|recuerda|recordó|defiende|defendió|denuncia|denunció|critica|criticó|celebra|celebró|concluye|concluyó|cuenta|contó|relata|relató|detalla|detalló|opina|opinó|admite|admitió|matiza|matizó|responde|respondió|pide|pidió|reclama|reclamó|exige|exigió|sentencia|sentenció|ironiza|ironizó|confiesa|confesó|cuestiona|cuestionó|anticipa|anticipó|celebran|advierten|dicen|dijeron|aseguran|afirman|señalan|explican|sostienen' +
    ')(?![\\p{L}])',
  'u',
);
const CAP = "[\\p{Lu}][\\p{L}'’.-]*";
const PARTICLE = '(?:de|del|la|las|los|van|von|da|di|y|bin|al|el|du|le)';
/** a proper name: capitalised words, with the particles names carry */
const NAME = new RegExp(`${CAP}(?:\\s+(?:${PARTICLE}\\s+)?${CAP}){0,4}`, 'u');
const NOT_NAMES =
  /^(?:The|A|An|In|On|At|But|And|Its|It|This|That|Their|His|Her|Our|We|They|He|She|I|El|La|Los|Las|Un|Una|En|Pero|Y|Su|Sus|Según|According|Mr|Mrs|Ms|Dr|Sr|Sra)$/;
const PRONOUN = /^(?:he|she|they|él|ella|ellos|ellas)$/i;
const ACCORDING = /(?:according to|según)\s+([^,.;“”«»"]{2,100})/iu;
/** a clause that opens with a role ("a spokesperson for…", "the federation's president", "una portavoz de…") */
const ROLE_FIRST = /^(?:a|an|the|one|another|un|una|el|la|los|las|otro|otra)\s+[\p{Ll}]/u;
/** a name followed by a verb of speaking or thinking, or a possessive: who "he" or "she" is next */
const MENTION = new RegExp(
  `(${CAP}(?:\\s+(?:${PARTICLE}\\s+)?${CAP}){0,3})(?=(?:['’]s\\b)|,?\\s+(?:said|says|added|told|believes|thinks|agreed|was|is|has|had|recalled|admits|admitted|argues|argued|explained|wrote|noted|insisted|dijo|dice|cree|afirmó|explicó|señaló|asegura|aseguró|contó|cuenta|recuerda))`,
  'gu',
);

/** NAME, global, for scanning a span (reset before each scan) */
const NAMES = new RegExp(NAME.source, 'gu');
/** a span that is one name and nothing else */
const WHOLE_NAME = new RegExp(`^${NAME.source}$`, 'u');
/** a name that ends a span */
const FINAL_NAME = new RegExp(`(${NAME.source})[.,]?\\s*$`, 'u');

/** The words of a matched name without the sentence words it may open with ("The", "El"). */
function nameWords(match: string): string[] {
  const words = match.split(/\s+/);
  while (words.length && NOT_NAMES.test(words[0]!)) words.shift();
  return words;
}

/** The words around a name's first mention in the text, quotations left out: who the person is. */
function aroundFirstMention(full: string, name: string): string {
  const at = full.indexOf(name);
  return at >= 0 ? full.slice(Math.max(0, at - 60), at + name.length + 100).replace(QUOTE_ANYWHERE, ' ') : '';
}

/** The first proper name in a span, skipping sentence words ("The", "El", "Según"). */
function firstName(span: string): string | undefined {
  const re = NAMES;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(span)) !== null) {
    const words = m[0].split(/\s+/);
    while (words.length && NOT_NAMES.test(words[0]!.replace(/[.,]$/, ''))) words.shift();
    const name = words.join(' ').replace(/[.,:;]+$/, '');
    if (name.length > 1) return name;
  }
  return undefined;
}

/** A name of two words or more that ends the span ("la actriz de doblaje Marisa Lozano"). */
function finalName(span: string): string | undefined {
  const m = FINAL_NAME.exec(span.trim());
  if (!m) return undefined;
  const words = nameWords(m[1]!);
  return words.length >= 2 && m.index > 0 ? words.join(' ') : undefined;
}

/** The speaker in a clause around a verb of saying: a name if there is one, else the noun phrase. */
function speakerIn(span: string): { who: string; description: string } | undefined {
  const clause = span
    .replace(/^[\s,.;:!?—–-]+/, '')
    .split(/[.;:!?](?:\s|$)|[“«"]/)[0]!
    .trim();
  if (!clause) return undefined;
  const first = clause.split(/\s+/)[0]!.replace(/[,.]$/, '');
  if (PRONOUN.test(first)) return { who: first, description: '' };
  // "a regional acquisitions manager for a Singapore-based platform": the role, not the first
  // capitalised word; "the union's president, Jane Doe": the name set beside it
  if (ROLE_FIRST.test(clause)) {
    const [role, apposition] = clause.split(',').map((p) => p.trim());
    const name = apposition && WHOLE_NAME.test(apposition) ? firstName(apposition) : finalName(role!);
    if (name) return { who: name, description: role!.replace(name, ' ').trim() };
    if (role!.split(/\s+/).length <= 10) return { who: role!, description: '' };
  }
  // "Beijing-based analyst Zhang Wei", "Auckland producer Aroha Ngata": the person at the end
  const opening = firstName(clause);
  const last = finalName(clause.split(',')[0]!);
  const name = last && !(opening ?? '').includes(' ') ? last : opening;
  if (name) return { who: name, description: clause.replace(name, ' ').trim() };
  const phrase = clause.split(',')[0]!.trim();
  return phrase.split(/\s+/).length <= 10 ? { who: phrase, description: '' } : undefined;
}

const QUOTE = /“([^”]{3,600})”|«([^»]{3,600})»|"([^"]{3,600})"/g;
/** the same quotations, for removing them from a text (a separate object: replace() resets lastIndex) */
const QUOTE_ANYWHERE = new RegExp(QUOTE.source, 'g');
const MIN_WORDS = 4;

const UNION_WORDS = /\b(?:union|guild|local \d+|sindicato|gremio|asociaci[oó]n (?:nacional |argentina )?de actores|actors' association)\b/i;
const OFFICIAL =
  /\b(?:president|presidente|presidenta|chief|negotiator|director|directora|spokes\w+|portavoz|vocer[oa]|secretar\w+|chair\w*|head|leader|board|executive|official|representative|representante|l[ií]der|titular)\b/i;
/** an organisation on the studio side */
const STUDIO_ORG =
  /\b(?:studio|studios|production company|vendor|company|startup|platform|streamer|network|broadcaster|publisher|developer|facility|house|estudio|productora|empresa|plataforma|compa[ñn][ií]a|cadena|distribuidora|televisi[oó]n)\b/i;
/** roles that speak for a company even when the company is not named beside them */
const EXEC_ALONE =
  /\b(?:ceo|cto|coo|cfo|chief \w+ officer|executive|founder|co-?founder|managing director|general manager|vice president|consejer[oa] delegad[oa]|director[a]? general|gerente|fundador\w*|cofundador\w*|directiv[oa]s?)\b/i;
/** a role that speaks for a company */
const EXEC =
  /(?:ceo|cto|coo|cfo|chief|executive|exec|head of|vice president|vp|president|founder|co-?founder|managing director|general manager|spokes\w+|producer|owner|partner|consejer[oa] delegad[oa]|director[a]? (?:general|ejecutiv[oa]|creativ[oa])|gerente|jef[ea]|fundador\w*|cofundador\w*|portavoz|vocer[oa]|productor\w*|directiv[oa]s?|responsable de|due[ñn][oa])\b/i;
const ANALYST_WORDS =
  /\b(?:analyst|analysts|professor|researcher|consultant|economist|scholar|expert|academic|lawyer|attorney|law professor|analista|investigador\w*|profesor\w*|consultor\w*|experto|experta|académic\w*|abogad\w*|economista)\b/i;
const WORKER_WORDS =
  /\b(?:actor|actress|actors|voice actor|voice artist|performer|animator|writer|screenwriter|artist|editor|compositor|storyboard|dubbing|dubber|crew|member|colorist|designer|illustrator|stunt\w*|background|musician|composer|translator|subtitler|actriz|actores|doblador\w*|animador\w*|guionista|artista|trabajador\w*|locutor\w*|intérprete|ilustrador\w*|dise[ñn]ador\w*|traductor\w*|integrante|miembro)\b/i;

/** The kind of speaker a name and its description say. */
export function speakerKind(speaker: string, description = ''): SpeakerKind {
  const all = `${speaker} ${description}`;
  const tags = tagEntities(all);
  const union = tags.unions.length > 0 || UNION_WORDS.test(all);
  const studioOrg = tags.studios.length > 0 || STUDIO_ORG.test(all);
  if (union && OFFICIAL.test(all) && !WORKER_WORDS.test(speaker)) return 'union';
  if (ANALYST_WORDS.test(all)) return 'analyst';
  if (studioOrg && EXEC.test(all) && !union) return 'studio';
  if (WORKER_WORDS.test(all)) return 'worker';
  if (union) return 'union';
  if (studioOrg || EXEC_ALONE.test(all)) return 'studio';
  return 'other';
}

/** Who a quote is attributed to, from the words after it or, failing that, before it. */
function attribution(before: string, after: string): { who: string; description: string } | undefined {
  const tail = after.slice(0, 220);
  const verb = SAY.exec(tail);
  // "…," said X / "…," X said / "…», afirma su consejera delegada, Carla Menéndez."
  if (verb && verb.index <= 70 && !/[.!?]\s/.test(tail.slice(0, verb.index).replace(/^[.!?,\s]+/, ''))) {
    const pre = tail.slice(0, verb.index);
    const between = speakerIn(pre);
    if (between && /\p{L}/u.test(between.who)) return between;
    return speakerIn(tail.slice(verb.index + verb[0].length));
  }
  const according = ACCORDING.exec(tail);
  if (according && according.index <= 10) return speakerIn(according[1]!);
  // X said: "…" / According to X, "…"
  const head = before.slice(-220);
  const accBefore = ACCORDING.exec(head);
  if (accBefore && /^[^“«"]*$/.test(head.slice(accBefore.index))) {
    // "According to Maya Lin, an analyst at Ampere, “…”"
    const rest = head.slice(accBefore.index + accBefore[0].length);
    const who = speakerIn(accBefore[1]!);
    if (who && /^(?:,\s*[^,“”«»"]{2,90})?[,:]?\s*$/.test(rest)) return { who: who.who, description: `${who.description} ${rest}`.trim() };
  }
  let last: RegExpExecArray | null = null;
  const all = new RegExp(SAY.source, 'gu');
  for (let m = all.exec(head); m; m = all.exec(head)) last = m;
  if (last && /^[\s,:]*(?:that|in a statement|on \w+|que|en un comunicado)?[\s,:]*$/u.test(head.slice(last.index + last[0].length))) {
    const pre =
      head
        .slice(0, last.index)
        .split(/[.;!?](?:\s|$)|[”»"]/)
        .at(-1) ?? '';
    const name = firstName(pre);
    if (name) return { who: name, description: pre.replace(name, ' ').trim() };
    const words = pre.trim().split(/\s+/);
    if (words.length && PRONOUN.test(words.at(-1)!)) return { who: words.at(-1)!, description: '' };
    if (pre.trim()) return { who: pre.trim().split(',')[0]!.trim(), description: '' };
  }
  return undefined;
}

const isPronoun = (w: string) => PRONOUN.test(w);

/**
 * The person a pronoun most likely points to: the last name in `context` that a speaker already
 * named carries (full name or surname), or that is followed by a verb of speaking or thinking or
 * a possessive ("Walker believes", "Tam's film"), resolved to the full name used earlier in the text.
 */
function lastMention(
  context: string,
  named: { speaker: string; kind: SpeakerKind }[],
  full: string,
): { speaker: string; kind: SpeakerKind } | undefined {
  const text = context.replace(QUOTE_ANYWHERE, ' ');
  let best: { at: number; speaker: string; kind?: SpeakerKind } | undefined;
  for (const n of named) {
    const surname = n.speaker.split(/\s+/).at(-1)!;
    for (const form of new Set([n.speaker, surname])) {
      if (form.length < 2 || !/^\p{Lu}/u.test(form)) continue;
      const at = text.lastIndexOf(form);
      if (at >= 0 && (!best || at > best.at)) best = { at, speaker: n.speaker, kind: n.kind };
    }
  }
  const re = MENTION;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const words = nameWords(m[1]!);
    if (!words.length || m.index < (best?.at ?? -1)) continue;
    const name = words.join(' ');
    const known = named.find((n) => n.speaker === name || n.speaker.endsWith(` ${name}`));
    if (known) best = { at: m.index, speaker: known.speaker, kind: known.kind };
    else {
      // a surname alone: the full name it was first given in the text
      const fullName = name.includes(' ') ? name : new RegExp(`(${CAP}\\s+)+${name}(?![\\p{L}])`, 'u').exec(full)?.[0];
      best = { at: m.index, speaker: fullName ?? name };
    }
  }
  if (!best) return undefined;
  return { speaker: best.speaker, kind: best.kind ?? speakerKind(best.speaker, aroundFirstMention(full, best.speaker)) };
}

/**
 * The direct quotations in a text's sentences (at least four words each), in order, with the
 * speaker each is attributed to (null when no pattern names one) and the speaker's kind.
 */
export function extractQuotes(sentences: string[]): Omit<Quote, 'stance'>[] {
  const out: Omit<Quote, 'stance'>[] = [];
  const full = sentences.join(' ');
  const named: { speaker: string; kind: SpeakerKind }[] = [];
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
      if (found && !isPronoun(found.who)) {
        speaker = found.who.replace(/[.,]$/, '');
        // a surname alone ("Lozano") is the person named in full before
        const earlier = !speaker.includes(' ')
          ? named.find((n) => n.speaker.endsWith(` ${speaker}`))
          : named.find((n) => n.speaker === speaker);
        if (earlier) ({ speaker, kind } = earlier);
        else {
          // the words around the speaker's first mention say who they are ("Marisa Lozano, actriz de doblaje")
          const around = aroundFirstMention(full, speaker);
          kind = speakerKind(speaker, found.description);
          if (kind === 'other') kind = speakerKind(speaker, `${found.description} ${around}`);
          // "its spokesperson", "su portavoz": the organisation is named elsewhere in the sentence
          if (kind === 'other' && /\b(?:its|their|his|her|su|sus)\b/i.test(`${found.description} ${speaker}`))
            kind = speakerKind('', sentence.replace(m[0], ' '));
          named.push({ speaker, kind });
        }
        last = { speaker, kind };
      } else if (found || !before.trim() || /^[\s“«"]*$/.test(before)) {
        // a pronoun, or a quote that opens its sentence with no attribution: the person named
        // last before it ("Seo said she was surprised. “…,” she said"), else the last speaker
        const mentioned = lastMention(`${sentences[s - 1] ?? ''} ${before}`, named, full);
        if (mentioned) {
          ({ speaker, kind } = mentioned);
          if (!named.some((n) => n.speaker === speaker)) named.push(mentioned);
        } else if (last) ({ speaker, kind } = last);
        if (speaker) last = { speaker, kind };
      }
      out.push({ text: text.replace(/[,]$/, ''), speaker, speakerKind: kind });
      if (out.length >= 20) return;
    }
  });
  return out;
}
