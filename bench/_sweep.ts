import { splitFiles, readSplit } from '../src/classify/corpus.ts';
import { trainModel, HYPER } from '../src/classify/train.ts';
import { StanceModel } from '../src/classify/model.ts';
import { multiClassReport, binaryReport } from '../src/classify/metrics.ts';
import { STANCES } from '../src/labels.ts';
const dev = readSplit('dev');
for (const l2 of [0.0001, 0.0002]) for (const lr of [0.3, 0.6]) {
  const h = { ...HYPER, stance: { ...HYPER.stance, l2, learningRate: lr }, relevance: { ...HYPER.relevance, l2 } };
  const m = new StanceModel(trainModel(splitFiles('train'), h));
  const p = dev.map((e) => m.classify(e.text, e.source_kind));
  const r = multiClassReport(STANCES, dev.map((e) => e.stance), p.map((x) => x.stance));
  console.log(l2, lr, r.macroF1, r.perClass.worry.recall, binaryReport(dev.map((e) => e.relevant), p.map((x) => x.relevant)).f1);
}
