import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CONCERNS, SOURCE_KINDS, STANCES } from '../labels.ts';

export const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));
export const WRITERS_DIR = `${CORPUS_DIR}writers/`;

export const REGISTERS = ['headline', 'summary', 'feed_html', 'article', 'release', 'opinion', 'social', 'podcast'] as const;
export type Register = (typeof REGISTERS)[number];
export const SPEAKER_KINDS = ['studio', 'union', 'worker', 'analyst', 'other'] as const;
export type SpeakerKind = (typeof SPEAKER_KINDS)[number];

export const GoldQuote = z.object({
  text: z.string(),
  speaker: z.string().nullish(),
  speakerKind: z.enum(SPEAKER_KINDS).nullish(),
  stance: z.enum(STANCES).nullish(),
});

export const Example = z
  .object({
    text: z.string().min(1),
    stance: z.enum(STANCES),
    relevant: z.boolean(),
    concerns: z.array(z.enum(CONCERNS)),
    source_kind: z.enum(SOURCE_KINDS).nullish(),
    lang: z.string().optional(),
    register: z.enum(REGISTERS).optional(),
    hard: z.boolean().optional(),
    quotes: z.array(GoldQuote).optional(),
  })
  .refine((e) => e.relevant || e.stance === 'neutral', { message: 'an irrelevant example must be neutral' });
export type Example = z.infer<typeof Example>;

/** An example with where it came from: its writer (file) and split. */
export type CorpusExample = Example & { writer: string; split: 'train' | 'dev' };

/** Reads labeled JSON Lines; a bad line is an error naming the file and line. */
export function readExamples(path: string): Example[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: Example[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new Error(`${path}:${i + 1}: not valid JSON`);
    }
    const parsed = Example.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`${path}:${i + 1}: ${issue.path.join('.') || 'line'}: ${issue.message}`);
    }
    out.push(parsed.data);
  });
  return out;
}

/** The original corpus files of one split ("train" or "dev"), in a fixed order. */
export function splitFiles(split: 'train' | 'dev', dir = CORPUS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${split}-`) && f.endsWith('.jsonl'))
    .sort()
    .map((f) => join(dir, f));
}

/** The writers' files (one per writer), in a fixed order. */
export function writerFiles(dir = WRITERS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => join(dir, f));
}

/** Share of each writer's items held out for dev, in percent. */
export const DEV_PERCENT = 25;

/**
 * 0-99 from the text alone: which split an item falls in never depends on the other items, so a
 * writer's file can grow without moving anything already split.
 */
export function textBucket(text: string): number {
  return createHash('sha256').update(text.trim().toLowerCase()).digest().readUInt32BE(0) % 100;
}

/** The split a writer's item falls in. */
export const splitOf = (text: string): 'train' | 'dev' => (textBucket(text) < DEV_PERCENT ? 'dev' : 'train');

/**
 * The whole corpus: the original slices (writer "orig-<slice>", split by file name) and every
 * writer's file, split by a hash of the text. Duplicated texts (case-insensitive) are kept once.
 * `dir` reads another corpus laid out the same way (train-*.jsonl, dev-*.jsonl, writers/*.jsonl).
 */
export function readCorpus(opts: { writersDir?: string; dir?: string } = {}): CorpusExample[] {
  const dir = opts.dir ?? CORPUS_DIR;
  const out: CorpusExample[] = [];
  const seen = new Set<string>();
  const push = (e: Example, writer: string, split: 'train' | 'dev') => {
    const key = e.text.trim().toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ ...e, writer, split });
  };
  for (const split of ['train', 'dev'] as const) {
    for (const f of splitFiles(split, dir))
      for (const e of readExamples(f)) push(e, `orig-${basename(f, '.jsonl').slice(split.length + 1)}`, split);
  }
  for (const f of writerFiles(opts.writersDir ?? (opts.dir ? join(opts.dir, 'writers') : undefined)))
    for (const e of readExamples(f)) push(e, basename(f, '.jsonl'), splitOf(e.text));
  return out;
}

/** The examples of one split. */
export function readSplit(split: 'train' | 'dev', corpus: CorpusExample[] = readCorpus()): CorpusExample[] {
  return corpus.filter((e) => e.split === split);
}

/**
 * A stream-like slice: every off-topic dev item, and relevant ones (lowest text hash first)
 * only up to `share` of the slice, so precision is measured at a realistic base rate.
 */
export function streamSlice(dev: CorpusExample[], share = 0.08): CorpusExample[] {
  const negatives = dev.filter((e) => !e.relevant);
  const want = Math.floor((negatives.length * share) / (1 - share));
  const positives = dev
    .filter((e) => e.relevant)
    .map((e) => [createHash('sha256').update(`stream:${e.text}`).digest().readUInt32BE(0), e] as const)
    .sort((a, b) => a[0] - b[0])
    .slice(0, want)
    .map(([, e]) => e);
  return [...negatives, ...positives];
}

/** A content hash of examples, for the artifact's provenance. */
export function corpusHash(examples: Example[]): string {
  const h = createHash('sha256');
  for (const e of examples)
    h.update(JSON.stringify([e.text, e.stance, e.relevant, e.concerns, e.source_kind ?? null, e.lang ?? null])).update('\n');
  return h.digest('hex');
}
