import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CONCERNS, SOURCE_KINDS, STANCES } from '../labels.ts';

export const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));

export const Example = z
  .object({
    text: z.string().min(1),
    stance: z.enum(STANCES),
    relevant: z.boolean(),
    concerns: z.array(z.enum(CONCERNS)),
    source_kind: z.enum(SOURCE_KINDS).nullish(),
    lang: z.string().optional(),
  })
  .refine((e) => e.relevant || e.stance === 'neutral', { message: 'an irrelevant example must be neutral' });
export type Example = z.infer<typeof Example>;

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

/** The corpus files of one split ("train" or "dev"), in a fixed order. */
export function splitFiles(split: 'train' | 'dev'): string[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.startsWith(`${split}-`) && f.endsWith('.jsonl'))
    .sort()
    .map((f) => CORPUS_DIR + f);
}

export function readSplit(split: 'train' | 'dev'): Example[] {
  return splitFiles(split).flatMap(readExamples);
}
