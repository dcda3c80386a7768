/**
 * Classifier throughput on one core: 50,000 texts of mixed length built from the corpus,
 * labelled by Pulse, VADER and AFINN in the same run, plus the classifier's cold-load time.
 *
 *   node --import tsx bench/classify.ts
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afinnBaseline, vaderBaseline } from '../src/classify/baselines.ts';
import { readSplit } from '../src/classify/corpus.ts';
import { defaultModel } from '../src/classify/model.ts';
import { report } from './lib.ts';

const N = Number(process.env.BENCH_TEXTS ?? 50_000);
const corpus = [...readSplit('train'), ...readSplit('dev')].map((e) => e.text);

// Mixed lengths: a third single items (headlines, quotes), a third 3-item, a third 8-item texts.
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const texts = Array.from({ length: N }, (_, i) => {
  const parts = i % 3 === 0 ? 1 : i % 3 === 1 ? 3 : 8;
  return Array.from({ length: parts }, () => corpus[Math.floor(rand() * corpus.length)]).join(' ');
});
const meanChars = Math.round(texts.reduce((s, t) => s + t.length, 0) / N);

function time(name: string, fn: (t: string) => unknown) {
  for (let i = 0; i < 500; i++) fn(texts[i]!); // warm-up
  const started = performance.now();
  for (const t of texts) fn(t);
  const seconds = (performance.now() - started) / 1000;
  return { name, seconds: +seconds.toFixed(2), itemsPerSecond: Math.round(N / seconds) };
}

const cold = [0, 1, 2].map(() => {
  const script = fileURLToPath(new URL('./classify-cold.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!).loadedMs as number;
});

const model = defaultModel();
const vader = vaderBaseline();
const afinn = afinnBaseline();
const systems = [time('Pulse', (t) => model.classify(t)), time('VADER', (t) => vader.stance(t)), time('AFINN', (t) => afinn.stance(t))];
report('classify', {
  texts: N,
  meanChars,
  model: model.version,
  coldLoadMs: { runs: cold, median: [...cold].sort((a, b) => a - b)[1] },
  systems,
});
