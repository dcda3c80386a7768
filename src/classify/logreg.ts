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
  const p = new Float64Array(classes);
  // A feature no example has keeps a zero gradient and a zero weight for good: only the others
  // are updated (the same weights as updating all of them, sooner).
  const seen = new Uint8Array(features);
  for (const x of X) for (const f of x.idx) seen[f] = 1;
  const active: number[] = [];
  for (let f = 0; f < features; f++) if (seen[f]) active.push(f);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let k = 0; k < classes; k++) gW[k]!.fill(0);
    gB.fill(0);
    for (let i = 0; i < n; i++) {
      const { idx, val } = X[i]!;
      const len = idx.length;
      // predictProba(model, x) without allocating, in the same order of operations, so the
      // weights are bit for bit what it gives
      let max = -Infinity;
      for (let k = 0; k < classes; k++) {
        const w = W[k]!;
        let s = b[k]!;
        for (let j = 0; j < len; j++) s += w[idx[j]!]! * val[j]!;
        p[k] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let k = 0; k < classes; k++) {
        p[k] = Math.exp(p[k]! - max);
        sum += p[k]!;
      }
      const weight = cw[y[i]!]! * (o.sampleWeights?.[i] ?? 1);
      for (let k = 0; k < classes; k++) {
        const err = (p[k]! / sum - (y[i] === k ? 1 : 0)) * weight;
        gB[k]! += err;
        const g = gW[k]!;
        for (let j = 0; j < len; j++) g[idx[j]!]! += err * val[j]!;
      }
    }
    for (let k = 0; k < classes; k++) {
      const w = W[k]!;
      const g = gW[k]!;
      const h = hW[k]!;
      for (let a = 0; a < active.length; a++) {
        const f = active[a]!;
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
