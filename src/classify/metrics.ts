/** Per-class precision, recall and F1, macro-F1, accuracy and the confusion matrix. */
export interface MultiClassReport<L extends string> {
  n: number;
  accuracy: number;
  macroF1: number;
  perClass: Record<L, { precision: number; recall: number; f1: number; support: number }>;
  /** confusion[gold][predicted] */
  confusion: Record<L, Record<L, number>>;
}

const safe = (a: number, b: number) => (b === 0 ? 0 : a / b);
const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
const r4 = (v: number) => Math.round(v * 10_000) / 10_000;

export function multiClassReport<L extends string>(labels: readonly L[], gold: L[], predicted: L[]): MultiClassReport<L> {
  const confusion = Object.fromEntries(labels.map((g) => [g, Object.fromEntries(labels.map((p) => [p, 0]))])) as Record<
    L,
    Record<L, number>
  >;
  gold.forEach((g, i) => {
    confusion[g][predicted[i]!]++;
  });
  const perClass = {} as MultiClassReport<L>['perClass'];
  for (const l of labels) {
    const tp = confusion[l][l];
    const predictedL = labels.reduce((s, g) => s + confusion[g][l], 0);
    const goldL = labels.reduce((s, p) => s + confusion[l][p], 0);
    const precision = safe(tp, predictedL);
    const recall = safe(tp, goldL);
    perClass[l] = { precision: r4(precision), recall: r4(recall), f1: r4(f1(precision, recall)), support: goldL };
  }
  const correct = gold.filter((g, i) => g === predicted[i]).length;
  return {
    n: gold.length,
    accuracy: r4(safe(correct, gold.length)),
    macroF1: r4(labels.reduce((s, l) => s + perClass[l].f1, 0) / labels.length),
    perClass,
    confusion,
  };
}

/** Precision, recall and F1 of the positive class. */
export function binaryReport(gold: boolean[], predicted: boolean[]) {
  let tp = 0,
    fp = 0,
    fn = 0;
  gold.forEach((g, i) => {
    if (g && predicted[i]) tp++;
    else if (!g && predicted[i]) fp++;
    else if (g && !predicted[i]) fn++;
  });
  const precision = safe(tp, tp + fp);
  const recall = safe(tp, tp + fn);
  return { precision: r4(precision), recall: r4(recall), f1: r4(f1(precision, recall)), support: tp + fn };
}
