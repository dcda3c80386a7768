import { existsSync } from 'node:fs';
import { afinnBaseline, vaderBaseline } from '../classify/baselines.ts';
import { readCorpus, readExamples, readSplit, type CorpusExample } from '../classify/corpus.ts';
import { evaluate, formatReport, leaveOneWriterOut } from '../classify/evaluate.ts';
import { StanceModel, defaultModel } from '../classify/model.ts';
import { CommandError, parse, UsageError, type Io } from './common.ts';

/** `pulse eval`: stance, worry recall, hard cases, concerns, relevance, calibration, quotes; baselines beside. */
export async function evalCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      json: { type: 'boolean', default: false },
      lowo: { type: 'boolean', default: false },
      writer: { type: 'string', multiple: true },
    },
    true,
  );
  if (positionals.length > 1) throw new UsageError('pulse eval takes at most one file');
  let dev: CorpusExample[];
  let corpus: CorpusExample[] = [];
  try {
    if (positionals.length) {
      const file = positionals[0]!;
      if (!existsSync(file)) throw new CommandError(`no such file: ${file}`);
      dev = readExamples(file).map((e) => ({ ...e, writer: 'file', split: 'dev' as const }));
    } else {
      corpus = readCorpus();
      dev = readSplit('dev', corpus);
    }
  } catch (err) {
    throw err instanceof CommandError ? err : new CommandError((err as Error).message);
  }
  if (!dev.length) throw new CommandError('no labeled examples to evaluate');
  if (values.writer?.length && !values.lowo) throw new UsageError('--writer goes with --lowo');
  const report = evaluate(defaultModel(), [vaderBaseline(), afinnBaseline()], dev, { title: positionals[0] ?? 'all dev' });
  if (values.lowo) {
    if (!corpus.length) corpus = readCorpus();
    try {
      report.leaveOneWriterOut = leaveOneWriterOut(
        corpus,
        (a) => new StanceModel(a),
        undefined,
        (w) => io.err(`leave-one-writer-out: ${w}`),
        values.writer,
      );
    } catch (err) {
      throw new CommandError((err as Error).message);
    }
  }
  if (values.json) io.out(JSON.stringify(report, null, 2));
  else for (const l of formatReport(report)) io.out(l);
  return 0;
}
