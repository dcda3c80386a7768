import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Stage one of relevance: an item is about Pulse's topic only if it names AI in the
 * machine-learning or generative sense (English, Spanish and the other languages Pulse detects).
 * The terms live in a JSON file a deployment can extend; the learned relevance model only ever
 * sees items that pass this gate, so a renewal or a box-office report can never be marked relevant.
 */

export const TOPIC_PATH = fileURLToPath(new URL('./topic.json', import.meta.url));

export interface TopicFile {
  about?: string;
  /** per language, patterns matched whole-word and case-insensitively */
  words: Record<string, string[]>;
  /** per language, words used for AI without naming it ("a synthetic voice", "the tool") */
  related?: Record<string, string[]>;
  /** patterns matched whole-word and case-sensitively (acronyms) */
  acronyms: string[];
}

export interface TopicMatch {
  /** a topic or related term was found: the item goes on to the relevance model */
  matched: boolean;
  /** AI is named outright (a topic word or acronym), not only a related word */
  named: boolean;
  /** the terms found, as written (lower-cased unless an acronym), first occurrence order, at most 8 */
  terms: string[];
  /** where AI is named in the text (offsets of the first 16 named terms, in text order, overlaps counted once) */
  at: number[];
}

const LEFT = '(?<![\\p{L}\\p{N}])';
const RIGHT = '(?![\\p{L}\\p{N}])';

/** A compiled topic file. */
export class Topic {
  private readonly words: RegExp;
  private readonly acronyms: RegExp;
  private readonly related: RegExp | undefined;

  constructor(readonly file: TopicFile) {
    const all = [...new Set(Object.values(file.words).flat())];
    this.words = new RegExp(`${LEFT}(?:${all.join('|')})${RIGHT}`, 'giu');
    this.acronyms = new RegExp(`${LEFT}(?:${file.acronyms.join('|')})${RIGHT}`, 'gu');
    const related = [...new Set(Object.values(file.related ?? {}).flat())];
    this.related = related.length ? new RegExp(`${LEFT}(?:${related.join('|')})${RIGHT}`, 'iu') : undefined;
  }

  static load(path = TOPIC_PATH): Topic {
    return new Topic(JSON.parse(readFileSync(path, 'utf8')) as TopicFile);
  }

  /** Whether `text` names the topic, and the terms that say so. */
  match(text: string): TopicMatch {
    const hits: [number, number, string][] = [];
    for (const [re, lower] of [
      [this.words, true],
      [this.acronyms, false],
    ] as const) {
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      let n = 0;
      while ((m = re.exec(text)) !== null && n++ < 16) hits.push([m.index, m.index + m[0].length, lower ? m[0].toLowerCase() : m[0]]);
    }
    // in text order; a mention both lists match ("AI-generated", "AI voices") counts once
    hits.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    const found: [number, string][] = [];
    let end = -1;
    for (const [at, to, term] of hits) {
      if (at < end) continue;
      found.push([at, term]);
      end = to;
      if (found.length === 16) break;
    }
    const terms = [...new Set(found.map(([, t]) => t))].slice(0, 8);
    if (terms.length) return { matched: true, named: true, terms, at: found.map(([at]) => at) };
    const related = this.related?.exec(text);
    return related
      ? { matched: true, named: false, terms: [related[0].toLowerCase()], at: [] }
      : { matched: false, named: false, terms: [], at: [] };
  }
}

let cached: Topic | undefined;
/** The committed topic file, compiled once per process. */
export function defaultTopic(): Topic {
  return (cached ??= Topic.load());
}
