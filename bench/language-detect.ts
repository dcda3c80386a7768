/**
 * Language detectors on short texts (headlines) and on the writers' corpus: accuracy per
 * language and cold-load cost. The candidates are not dependencies of Pulse; install them
 * anywhere and point LANG_EVAL_MODULES at that node_modules:
 *
 *   (cd /tmp/langeval && npm i franc-min@6.2.0 tinyld@1.3.4 eld@2.1.0)
 *   LANG_EVAL_MODULES=/tmp/langeval/node_modules node --import tsx bench/language-detect.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { detectLanguage } from '../src/classify/language.ts';
import { report } from './lib.ts';

const MODULES = process.env.LANG_EVAL_MODULES ?? '/tmp/langeval/node_modules';
const ISO3: Record<string, string> = { eng: 'en', spa: 'es', por: 'pt', fra: 'fr', ita: 'it', deu: 'de' };
const ONLY = ['eng', 'spa', 'por', 'fra', 'ita', 'deu'];

type Detector = { name: string; load: string; detect: (t: string) => string };
const detectors: Detector[] = [
  {
    name: 'pulse (function words + spelling)',
    load: `import('${fileURLToPath(new URL('../src/classify/language.ts', import.meta.url))}').then(m => m.detectLanguage('hello there'))`,
    detect: (t) => detectLanguage(t).lang,
  },
];
if (existsSync(`${MODULES}/franc-min`)) {
  const { franc } = await import(`${MODULES}/franc-min/index.js`);
  detectors.push({
    name: 'franc-min (6 languages allowed)',
    load: `import('${MODULES}/franc-min/index.js').then(m => m.franc('hello there'))`,
    detect: (t) => ISO3[franc(t, { only: ONLY, minLength: 1 })] ?? 'und',
  });
}
if (existsSync(`${MODULES}/tinyld`)) {
  const tinyld = await import(`${MODULES}/tinyld/dist/tinyld.normal.node.mjs`);
  detectors.push({
    name: 'tinyld normal (6 languages allowed)',
    load: `import('${MODULES}/tinyld/dist/tinyld.normal.node.mjs').then(m => m.detect('hello there'))`,
    detect: (t) => tinyld.detect(t, { only: ['en', 'es', 'pt', 'fr', 'it', 'de'] }) || 'und',
  });
}
if (existsSync(`${MODULES}/eld`)) {
  for (const size of ['small', 'large']) {
    const { eld } = await import(`${MODULES}/eld/src/entries/static.${size}.js`);
    eld.setLanguageSubset(['en', 'es', 'pt', 'fr', 'it', 'de']);
    detectors.push({
      name: `eld ${size} (6-language subset)`,
      load: `import('${MODULES}/eld/src/entries/static.${size}.js').then(m => m.eld.detect('hello there'))`,
      detect: (t) => eld.detect(t).language || 'und',
    });
  }
}

const prepare = (await import('../src/classify/prepare.ts')).prepareText;
const short = readFileSync(fileURLToPath(new URL('../test/fixtures/lang-short.tsv', import.meta.url)), 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.split('\t') as [string, string]);
const writersDir = fileURLToPath(new URL('../src/classify/corpus/writers/', import.meta.url));
const corpus: { lang: string; text: string; register: string }[] = existsSync(writersDir)
  ? readdirSync(writersDir)
      .filter((f) => f.endsWith('.jsonl'))
      .sort()
      .flatMap((f) =>
        readFileSync(writersDir + f, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l)),
      )
      .map((e) => ({ ...e, text: prepare(e.text) }))
  : [];
const sets = {
  headlines: short.map(([lang, text]) => ({ lang, text })),
  corpusHeadlines: corpus.filter((e) => e.register === 'headline' || e.register === 'social'),
  corpusAll: corpus,
};

const results = detectors.map((d) => {
  const accuracy: Record<string, unknown> = {};
  for (const [name, set] of Object.entries(sets)) {
    const perLang: Record<string, string> = {};
    for (const lang of [...new Set(set.map((e) => e.lang))].sort()) {
      const of = set.filter((e) => e.lang === lang);
      perLang[lang] = `${of.filter((e) => d.detect(e.text) === lang).length}/${of.length}`;
    }
    const right = set.filter((e) => d.detect(e.text) === e.lang).length;
    accuracy[name] = { accuracy: +(right / Math.max(1, set.length)).toFixed(3), perLang };
  }
  const coldMs = [0, 1, 2].map(() => {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '-e', `const t=performance.now(); ${d.load}.then(() => console.log(performance.now()-t))`],
      { encoding: 'utf8' },
    );
    return Math.round(Number(out.trim().split('\n').at(-1)));
  });
  const texts = sets.corpusAll.length ? sets.corpusAll.map((e) => e.text) : sets.headlines.map((e) => e.text);
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < 1000)
    for (const t of texts) {
      d.detect(t);
      n++;
    }
  return {
    name: d.name,
    ...accuracy,
    coldLoadMs: coldMs.sort((a, b) => a - b)[1],
    textsPerSecond: Math.round(n / ((performance.now() - started) / 1000)),
  };
});
report('language-detect', { sets: Object.fromEntries(Object.entries(sets).map(([k, v]) => [k, v.length])), results });
