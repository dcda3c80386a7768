/** A sparse feature vector: parallel arrays of feature indexes and values. */
export interface SparseVec {
  idx: number[];
  val: number[];
}

/** A multinomial logistic regression: one weight row and one bias per class. */
export interface Softmax {
  bias: number[];
  weights: number[][];
}

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  /** L2 penalty per example */
  l2: number;
  /** weight of each class in the loss (to balance rare classes) */
  classWeights?: number[];
  /** weight of each example in the loss (default 1) */
  sampleWeights?: number[];
}

/** Class scores (logits) for one example. */
export function logits(m: Softmax, x: SparseVec): number[] {
  return m.bias.map((b, k) => {
    const w = m.weights[k]!;
    let s = b;
    for (let i = 0; i < x.idx.length; i++) s += (w[x.idx[i]!] ?? 0) * x.val[i]!;
    return s;
  });
}

export function softmax(z: number[]): number[] {
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

export function predictProba(m: Softmax, x: SparseVec): number[] {
  return softmax(logits(m, x));
}

/**
 * Trains by full-batch gradient descent with AdaGrad step sizes. There is no randomness
 * anywhere (zero start, fixed order), so the same data always gives the same weights.
 */
export function trainSoftmax(X: SparseVec[], y: number[], classes: number, features: number, o: TrainOptions): Softmax {
  const W = Array.from({ length: classes }, () => new Float64Array(features));
  const b = new Float64Array(classes);
  const gW = Array.from({ length: classes }, () => new Float64Array(features));
  const gB = new Float64Array(classes);
  const hW = Array.from({ length: classes }, () => new Float64Array(features).fill(1e-8));
  const hB = new Float64Array(classes).fill(1e-8);
  const cw = o.classWeights ?? new Array(classes).fill(1);
  const n = X.length;
  const model = { bias: b as unknown as number[], weights: W as unknown as number[][] };
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let k = 0; k < classes; k++) gW[k]!.fill(0);
    gB.fill(0);
    for (let i = 0; i < n; i++) {
      const x = X[i]!;
      const p = predictProba(model, x);
      const weight = cw[y[i]!]! * (o.sampleWeights?.[i] ?? 1);
      for (let k = 0; k < classes; k++) {
        const err = (p[k]! - (y[i] === k ? 1 : 0)) * weight;
        gB[k]! += err;
        const g = gW[k]!;
        for (let j = 0; j < x.idx.length; j++) g[x.idx[j]!]! += err * x.val[j]!;
      }
    }
    for (let k = 0; k < classes; k++) {
      const w = W[k]!;
      const g = gW[k]!;
      const h = hW[k]!;
      for (let f = 0; f < features; f++) {
        const grad = g[f]! / n + o.l2 * w[f]!;
        if (grad === 0) continue;
        h[f]! += grad * grad;
        w[f]! -= (o.learningRate * grad) / Math.sqrt(h[f]!);
      }
      const gb = gB[k]! / n;
      hB[k]! += gb * gb;
      b[k]! -= (o.learningRate * gb) / Math.sqrt(hB[k]!);
    }
  }
  return { bias: Array.from(b), weights: W.map((w) => Array.from(w)) };
}
