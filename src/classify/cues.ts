import { PatternSet } from '../util/pattern-set.ts';
import { CUE_WORDS_ES } from './lexicon-es.ts';

/**
 * Domain cue lexicons: phrases that signal a stance or a concern in how unions, studios and the
 * trade press write about AI. Each group becomes one feature, so the model learns how much a
 * group is worth from the corpus instead of us guessing weights; several groups cover what plain
 * word counts miss (demands in polite words, reassurances phrased as negations, violent words
 * used for praise).
 */
export interface CueGroup {
  name: string;
  /** alternatives, each matched as whole words */
  words: string[];
}

const g = (name: string, words: string[]): CueGroup => ({ name, words });

export const CUE_GROUPS: CueGroup[] = [
  // worry
  g('demand', ['must', 'demand(?:s|ed|ing)?', 'calls? (?:on|for)', 'call(?:ed|ing) (?:on|for)', 'urg(?:e|es|ed|ing)', 'insist(?:s|ed)?', 'require(?:s|d)? (?:consent|protections?)', 'press(?:es|ed|ing)? for', 'we expect', 'should be required']),
  g('protection', ['protections?', 'safeguards?', 'guardrails?', 'guarantees?', 'consent', 'compensat\\w*', 'fair pay', 'residuals?', 'informed consent']),
  g('threat', ['replac\\w*', 'displac\\w*', 'layoffs?', 'laid off', 'job losses', 'lose (?:their|our|my) jobs?', 'eliminat\\w*', 'cuts?', 'slash(?:ed|ing)? (?:jobs|crews|staff)', 'redundan\\w*', 'obsolete', 'wip(?:e|ed|es) out', 'gutt\\w*', 'erod\\w*', 'erasing', 'sidelin\\w*', 'exploit\\w*', 'steal\\w*', 'stolen', 'scrap\\w*', 'scrape[sd]?', 'without (?:consent|permission|pay|payment|credit|notice|asking)', 'never asked', 'not asked']),
  g('fear', ['fears?', 'feared', 'fearful', 'worr\\w*', 'alarm\\w*', 'anxi\\w*', 'uneas\\w*', 'concern(?:s|ed)?', 'threaten\\w*', 'dread\\w*', 'nervous', 'terrif\\w*', 'precarious', 'uncertain\\w*', 'backlash', 'outcry', 'pushback', 'protest\\w*', 'strike', 'walkout', 'boycott\\w*', 'grievance\\w*', 'lawsuit\\w*', 'sue[sd]?', 'condemn\\w*', 'oppos\\w*', 'object(?:s|ed|ion)']),
  g('likeness', ['likeness\\w*', 'digital replicas?', 'digital doubles?', 'body scans?', 'voice clon\\w*', 'cloned voices?', 'synthetic performers?', 'deepfakes?', 'their voices?', 'his voice', 'her voice']),
  g('training', ['train(?:ed|ing)? on', 'training data', 'datasets?', 'scrap(?:ed|ing)', 'without (?:a )?licen[cs]\\w*', 'copyright\\w*', 'ingest\\w*']),
  g('credit', ['credits?', 'credited', 'authorship', 'attribution', 'byline']),
  g('pay', ['pay', 'paid', 'wages?', 'residuals?', 'royalt\\w*', 'fees?', 'rates?', 'compensation', 'income', 'livelihoods?']),
  g('control', ['creative control', 'artistic', 'soulless', 'homogen\\w*', 'slop', 'final cut', 'vision', 'authentic\\w*', 'human touch', 'craft']),
  g('sarcasm', ['what could possibly go wrong', 'great,? (?:another|just what)', 'fantastic\\.', 'how (?:nice|lovely|convenient)', 'oh good', 'sure,', 'brilliant idea', 'thanks a lot', 'because that worked']),
  // excitement
  g('gain', ['faster', 'cheaper', 'sav(?:e|es|ed|ing)', 'cut(?:s|ting)? (?:costs|render|time|hours)', 'slash(?:es|ed|ing)? (?:costs|render|time)', 'efficien\\w*', 'boost\\w*', 'speed\\w* up', 'streamlin\\w*', 'accelerat\\w*', 'productiv\\w*', 'scal(?:e|es|ing)', 'in (?:hours|minutes|days) instead', 'affordable']),
  g('enthusiasm', ['excit\\w*', 'thrill\\w*', 'delight\\w*', 'love[sd]?', 'amaz\\w*', 'incredib\\w*', 'stunning', 'breakthrough', 'game[- ]?changer', 'revolution\\w*', 'transform\\w*', 'unlock\\w*', 'empower\\w*', 'democrati[sz]\\w*', 'godsend', 'eager', 'optimis\\w*', 'promising', 'embrac\\w*', 'welcom\\w*', 'celebrat\\w*', 'thriv\\w*', 'magic', 'superpower', 'futur\\w*', 'opportunit\\w*', 'possibilit\\w*', 'innovat\\w*', 'launch\\w*']),
  g('tool', ['(?:a|another|new) tool', 'assist\\w*', 'co-?pilot', 'collaborat\\w*', 'augment\\w*', 'frees? (?:up )?(?:artists|animators|crews|us|them)', 'grunt work', 'tedious', 'tedium', 'drudgery', 'busywork', 'not replace', 'won\'t replace', 'will not replace', 'no jobs?', 'nobody (?:will|is)', 'no one (?:will|is)', 'more creative', 'not fewer', 'rather than replace']),
  g('violent_praise', ['killer (?:app|feature|tool)', 'crush(?:es|ed|ing)? (?:it|deadlines|the competition|render)', 'kill(?:s|ed|ing)? (?:the|off the) (?:tedium|wait|queue|drudgery)', 'murder(?:s|ed|ing)? (?:the|our) (?:render|schedule|queue|wait)', 'annihilat\\w* (?:the|a) backlog', 'blow(?:s|n)? (?:away|the doors off)', 'insane(?:ly)? (?:fast|good)', 'beast', 'slays?']),
  g('reassure', ['reassur\\w*', 'no (?:one|jobs) will', 'not (?:worried|afraid|concerned)', 'nothing to fear', 'no need to (?:worry|fear)', 'jobs are safe', 'keep(?:s|ing)? (?:artists|humans) (?:in|at)', 'human[s]? in the loop', 'artist-led', 'consent-first', 'opt-in']),
  // off-topic traps: AI as a story's subject, AI outside screen work, work done without machine learning
  g('ai_subject', ['(?:a|the|new|upcoming) (?:film|movie|thriller|drama|series|show|comedy|documentary|novel|play|musical|horror film|sci-fi \\w+) (?:about|in which|where|starring|follows?|centred on|centered on)', 'about (?:a|an) (?:rogue|sentient|evil|killer|lovesick|rebel) (?:ai|robot|android|computer|machine)', 'sentient', 'androids?', 'rogue ai', 'robot (?:painter|artist|uprising|romance)', 'plays? (?:a|an) (?:robot|android|ai|computer)', 're-?release', 'box office', 'opening weekend', 'premieres?', 'title role', 'sci-fi', 'science fiction', 'dystopi\\w*', 'killer robots?', 'auction\\w*', 'cast as', 'stars as', 'invest(?:s|ed|ing|ment|or|ors)? in (?:a|an) \\w+ (?:startup|chatbot|app)']),
  g('other_industry', ['bank\\w*', 'banking', 'hospitals?', 'medic\\w*', 'health(?:care)? (?:chatbot|app|startup)', 'patients?', 'diagnos\\w*', 'insurance', 'retail\\w*', 'farm\\w*', 'agricultur\\w*', 'logistics', 'chips?', 'semiconductor\\w*', 'data cent(?:er|re)s?', 'stock market', 'shares (?:rose|fell|jumped)', 'chess', 'cars?', 'self-driving', 'customer service', 'call cent(?:er|re)s?', 'fintech', 'crypto\\w*', 'schools?', 'students? (?:use|using)', 'homework', 'elections?', 'military', 'weather']),
  g('by_hand', ['by hand', 'hand-?(?:drawn|painted|made|crafted|built|animated|sculpted)', 'the old-fashioned way', 'frame by frame', 'practical effects?', 'in-camera', 'no ai', 'without (?:any )?(?:ai|machine learning|generative)', 'artist-hours', 'traditional(?:ly)? (?:animation|animated|techniques?|methods?)', 'stop-motion', 'miniatures?', 'prosthetics?', 'makeup']),
  g('non_ml', ['playout', 'motion[- ]control', 'performance capture', 'motion capture', 'mocap', 'led (?:stage|volume|wall)s?', 'virtual production', 'recommendation (?:engine|algorithm|ranking|system)s?', 'rankings?', 'scheduling (?:software|system|algorithm)', 'automated (?:playout|broadcast|scheduling|ticketing|captions?)', 'robotic camera', 'camera robots?', 'dolby', 'imax', '4k', 'hdr', 'streaming (?:price|prices|tier|tiers|subscribers?)', 'price (?:rise|hike|increase)s?', 'subscribers?', 'ad tier']),
  // neutral reporting
  g('report', ['said', 'says', 'according to', 'announced', 'reported', 'report', 'survey\\w*', 'panel', 'will discuss', 'explainer', 'what we know', 'how\\b', 'meets?', 'scheduled', 'filed', 'data show']),
];

/** The languages with a model, and so with cue lexicons. */
export const MODEL_LANGS = ['en', 'es'] as const;
export type ModelLang = (typeof MODEL_LANGS)[number];

/** Each group's alternatives per language (Spanish ones match text with accents removed). */
export const CUE_WORDS: Record<ModelLang, string[][]> = {
  en: CUE_GROUPS.map((group) => group.words),
  es: CUE_GROUPS.map((group) => {
    const words = CUE_WORDS_ES[group.name];
    if (!words) throw new Error(`no Spanish cue words for group ${group.name}`);
    return words;
  }),
};

/**
 * All groups of one language in one scan. Patterns run on lower-cased text, so they need no
 * case-insensitive flag (which is slower); each starts and ends on a word boundary.
 */
export const CUE_SETS: Record<ModelLang, PatternSet> = {
  en: new PatternSet(CUE_WORDS.en.map((words) => `(?:${words.join('|')})\\b`), '', '\\b'),
  es: new PatternSet(CUE_WORDS.es.map((words) => `(?:${words.join('|')})\\b`), '', '\\b'),
};

const sticky = new Map<string, RegExp>();
/** The words cue group g matched at `at` in `lower` (for explanations). */
export function cueMatchAt(lang: ModelLang, g: number, lower: string, at: number): string {
  const key = `${lang}:${g}`;
  let re = sticky.get(key);
  if (!re) sticky.set(key, (re = new RegExp(`\\b(?:${CUE_WORDS[lang][g]!.join('|')})\\b`, 'y')));
  re.lastIndex = at;
  return re.exec(lower)?.[0] ?? '';
}
