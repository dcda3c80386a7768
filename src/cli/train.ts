import { statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readCorpus, readSplit } from '../classify/corpus.ts';
import { defaultModel, MODEL_PATH, StanceModel } from '../classify/model.ts';
import { trainModel } from '../classify/train.ts';
import { codedExamples, scoreOnCoded } from '../services/validation.ts';
import { CommandError, context, parse, UsageError, withServices, type Io } from './common.ts';

const pct = (i: { value: number } | null) => (i ? `${(i.value * 100).toFixed(1)}%` : 'n/a');

/** The committed model's training data: the train split of the whole corpus (or of the corpus in `dir`). */
export function trainingExamples(dir?: string) {
  const train = readSplit('train', readCorpus({ dir }));
  return { examples: train, writers: [...new Set(train.map((e) => e.writer))].sort() };
}

/** `pulse train`: deterministic, so rebuilding from the same corpus (and the same coded items) gives the same file. */
export async function trainCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    out: { type: 'string' },
    'with-annotations': { type: 'boolean', default: false },
    holdout: { type: 'string' },
    corpus: { type: 'string' },
  });
  const corpusDir = values.corpus === undefined ? undefined : resolve(values.corpus);
  if (corpusDir !== undefined && !statSync(corpusDir, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`--corpus: no directory "${values.corpus}"`);
  const holdout = values.holdout === undefined ? 0.3 : Number(values.holdout);
  if (!(holdout > 0 && holdout < 1)) throw new UsageError(`--holdout must be a share between 0 and 1, got "${values.holdout}"`);
  if (values.holdout !== undefined && !values['with-annotations']) throw new UsageError('--holdout needs --with-annotations');
  let coded: Awaited<ReturnType<typeof codedExamples>> | undefined;
  if (values['with-annotations']) {
    coded = await withServices(context({ quiet: true }), (d) => codedExamples(d, { holdout }));
    if (!coded.train.length || !coded.heldOut.length)
      throw new CommandError(
        `too few coded items with a consensus (${coded.train.length + coded.heldOut.length}) to train on some and score on the rest`,
      );
  }
  const started = performance.now();
  let artifact: ReturnType<typeof trainModel>;
  try {
    const { examples, writers } = trainingExamples(corpusDir);
    if (!examples.length) throw new Error(`no training examples (${corpusDir ?? 'src/classify/corpus/'})`);
    // hand-coded items join the corpus's train split; the held-out ones never do
    const extra = coded?.train.map(({ itemId: _id, ...e }) => e) ?? [];
    artifact = trainModel([...examples, ...extra], undefined, undefined, extra.length ? [...writers, 'annotations'] : writers);
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
  if (coded) {
    const before = scoreOnCoded((t, k) => defaultModel().classify(t, k), coded.heldOut);
    const fresh = new StanceModel(artifact);
    const after = scoreOnCoded((t, k) => fresh.classify(t, k), coded.heldOut);
    io.out(`with ${coded.train.length} coded items added; scored on ${coded.heldOut.length} held-out coded items:`);
    io.out(
      `  before (${defaultModel().version}): stance accuracy ${pct(before.accuracy)}, macro-F1 ${pct(before.macroF1)}, relevance agreement ${pct(before.relevanceAgreement === null ? null : { value: before.relevanceAgreement })}`,
    );
    io.out(
      `  after  (${artifact.version}): stance accuracy ${pct(after.accuracy)}, macro-F1 ${pct(after.macroF1)}, relevance agreement ${pct(after.relevanceAgreement === null ? null : { value: after.relevanceAgreement })}`,
    );
  }
  return 0;
}
