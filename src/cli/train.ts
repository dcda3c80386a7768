import { writeFileSync } from 'node:fs';
import { splitFiles } from '../classify/corpus.ts';
import { MODEL_PATH } from '../classify/model.ts';
import { trainModel } from '../classify/train.ts';
import { CommandError, parse, type Io } from './common.ts';

export const trainUsage = `pulse train [--out FILE]                                 rebuild the classifier from the training corpus`;

/** `pulse train`: deterministic, so rebuilding from the same corpus gives the same file. */
export async function trainCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { out: { type: 'string' } });
  const files = splitFiles('train');
  if (!files.length) throw new CommandError('no training files (src/classify/corpus/train-*.jsonl)');
  const started = performance.now();
  let artifact;
  try {
    artifact = trainModel(files);
  } catch (err) {
    throw new CommandError((err as Error).message);
  }
  const out = values.out ?? MODEL_PATH;
  writeFileSync(out, JSON.stringify(artifact) + '\n');
  io.out(
    `trained ${artifact.version} on ${artifact.trainedOn.examples} examples (${artifact.features.length} features) in ${Math.round(performance.now() - started)} ms -> ${out}`,
  );
  return 0;
}
