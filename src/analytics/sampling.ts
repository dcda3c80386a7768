import { drawWithoutReplacement, seededRandom } from './random.ts';

/** An item that may be drawn, with the stratum it belongs to ('all' when not stratified). */
export interface Candidate {
  id: number;
  stratum: string;
}

export interface Stratum {
  stratum: string;
  /** items in the population of this stratum */
  population: number;
  /** items drawn from it */
  sampled: number;
  /** population / sampled: how many population items each drawn item stands for */
  weight: number;
}

export interface DrawnSample {
  items: { id: number; stratum: string; weight: number }[];
  strata: Stratum[];
}

/**
 * Draws a reproducible random sample of `n` items. Unstratified: a simple random sample.
 * Stratified: equal allocation over the strata (rare classes get as many items as common
 * ones, so their precision and recall can be measured), a stratum smaller than its share
 * giving its spare places to the others; every item carries the weight N_h / n_h that makes
 * weighted estimates stand for the population. Candidates are sorted by id first, so the
 * same seed and population give the same sample whatever order the database returned.
 */
export function drawSample(candidates: Candidate[], n: number, seed: number): DrawnSample {
  const random = seededRandom(seed);
  const byStratum = new Map<string, number[]>();
  for (const c of [...candidates].sort((a, b) => a.id - b.id)) {
    let list = byStratum.get(c.stratum);
    if (!list) byStratum.set(c.stratum, (list = []));
    list.push(c.id);
  }
  const names = [...byStratum.keys()].sort();
  // equal allocation, capped by each stratum's size, remainder spread over the rest
  const alloc = new Map(names.map((s) => [s, 0]));
  let left = Math.min(n, candidates.length);
  while (left > 0) {
    const open = names.filter((s) => alloc.get(s)! < byStratum.get(s)!.length);
    if (!open.length) break;
    const each = Math.max(1, Math.floor(left / open.length));
    for (const s of open) {
      if (left <= 0) break;
      const take = Math.min(each, byStratum.get(s)!.length - alloc.get(s)!, left);
      alloc.set(s, alloc.get(s)! + take);
      left -= take;
    }
  }
  const items: DrawnSample['items'] = [];
  const strata: Stratum[] = [];
  for (const s of names) {
    const pool = byStratum.get(s)!;
    const k = alloc.get(s)!;
    const weight = k ? pool.length / k : 0;
    strata.push({ stratum: s, population: pool.length, sampled: k, weight });
    for (const id of drawWithoutReplacement(pool, k, random)) items.push({ id, stratum: s, weight });
  }
  // coders see the items in random order, not stratum by stratum
  return { items: drawWithoutReplacement(items, items.length, random), strata };
}
