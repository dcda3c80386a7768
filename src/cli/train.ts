import { writeFileSync } from 'node:fs';
import { readCorpus, readSplit } from '../classify/corpus.ts';
import { MODEL_PATH } from '../classify/model.ts';
import { trainModel } from '../classify/train.ts';
import { CommandError, parse, type Io } from './common.ts';

export const trainUsage = `pulse train [--out FILE]                                 rebuild the classifier from the training corpus`;

/** The committed model's training data: the train split of the whole corpus. */
export function trainingExamples() {
  const train = readSplit('train', readCorpus());
  return { examples: train, writers: [...new Set(train.map((e) => e.writer))].sort() };
}

/** `pulse train`: deterministic, so rebuilding from the same corpus gives the same file. */
export async function trainCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { out: { type: 'string' } });
  const started = performance.now();
  let artifact: ReturnType<typeof trainModel>;
  try {
    const { examples, writers } = trainingExamples();
    if (!examples.length) throw new Error('no training examples (src/classify/corpus/)');
    artifact = trainModel(examples, undefined, undefined, writers);
  } catch (err) {
    throw new CommandError((err as Error).message);
  }
  const out = values.out ?? MODEL_PATH;
  writeFileSync(out, JSON.stringify(artifact) + '\n');
  const sizes = artifact.models
    .map(
      (m) => `${m.langs.join('+')}: ${m.examples} examples, ${m.features.length} features, relevance threshold ${m.thresholds.relevance}`,
    )
    .join('; ');
  io.out(`trained ${artifact.version} (${sizes}) in ${Math.round(performance.now() - started)} ms -> ${out}`);
  return 0;
}
