import { existsSync } from 'node:fs';
import { afinnBaseline, vaderBaseline } from '../classify/baselines.ts';
import { readExamples, splitFiles } from '../classify/corpus.ts';
import { evaluate, formatReport } from '../classify/evaluate.ts';
import { defaultModel } from '../classify/model.ts';
import { CommandError, parse, UsageError, type Io } from './common.ts';

export const evalUsage = `pulse eval [FILE] [--json]                               score the classifier (default: the dev split) beside VADER and AFINN`;

/** `pulse eval`: accuracy, per-class P/R/F1, macro-F1, confusion, relevance F1, with baselines. */
export async function evalCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean', default: false } }, true);
  if (positionals.length > 1) throw new UsageError('pulse eval takes at most one file');
  const files = positionals.length ? positionals : splitFiles('dev');
  for (const f of files) if (!existsSync(f)) throw new CommandError(`no such file: ${f}`);
  let sets;
  try {
    sets = files.map((file) => ({ file, examples: readExamples(file) }));
  } catch (err) {
    throw new CommandError((err as Error).message);
  }
  if (!sets.some((s) => s.examples.length)) throw new CommandError('no labeled examples to evaluate');
  const report = evaluate(defaultModel(), [vaderBaseline(), afinnBaseline()], sets);
  if (values.json) io.out(JSON.stringify(report, null, 2));
  else formatReport(report).forEach((l) => io.out(l));
  return 0;
}
