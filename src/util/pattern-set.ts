/**
 * Many regular expressions run over one text in a single scan.
 *
 * Running 16 cue groups and 40 entity patterns one after another reads every text 56 times. A
 * union of all of them (one capture group per pattern) finds in one pass each position where at
 * least one pattern matches, and which pattern matches first there; unions of the later patterns,
 * anchored at that position, find the others that match there too. The result is exactly what
 * each pattern would give alone with a global scan: its leftmost matches, none overlapping
 * another of its own.
 */
export class PatternSet {
  readonly size: number;
  private readonly sources: readonly string[];
  private readonly flags: string;
  private readonly lead: string;
  private readonly any: RegExp;
  /** from[k]: the union of patterns k.. anchored at lastIndex, built when first needed */
  private readonly from: (RegExp | undefined)[];

  /**
   * `sources` are regular-expression sources without capture groups; `flags` may add `i` (not
   * `u`: the scan steps one code unit at a time, which could land inside a surrogate pair).
   * `lead`, an assertion every pattern starts with (a word boundary, say), is written once in
   * front of the union instead of in every alternative: the regex engine then tests it once per
   * position rather than once per pattern, which is most of the cost.
   */
  constructor(sources: readonly string[], flags = '', lead = '') {
    if (/[^i]/.test(flags)) throw new Error(`PatternSet flags may only be i (got ${flags})`);
    for (const s of sources) {
      if (new RegExp(`${lead}${s}|`, flags).exec('')!.length !== 1) throw new Error(`PatternSet sources must not capture: ${s}`);
    }
    this.size = sources.length;
    this.sources = sources;
    this.flags = flags;
    this.lead = lead;
    this.any = this.union(0, 'g');
    this.from = new Array(sources.length);
  }

  private union(k: number, mode: 'g' | 'y'): RegExp {
    return new RegExp(
      `${this.lead}(?:${this.sources
        .slice(k)
        .map((s) => `(${s})`)
        .join('|')})`,
      mode + this.flags,
    );
  }

  /** Calls `hit(pattern, start)` for every match each pattern would find alone. */
  scan(text: string, hit: (pattern: number, start: number) => void): void {
    const any = this.any;
    const next = new Int32Array(this.size); // where each pattern may match again
    any.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = any.exec(text)) !== null) {
      const at = m.index;
      // Alternatives are tried in order: those before the first that matched did not match here.
      let base = 0;
      for (;;) {
        let i = 1;
        while (m[i] === undefined) i++;
        const p = base + i - 1;
        if (at >= next[p]!) {
          next[p] = at + Math.max(m[0].length, 1);
          hit(p, at);
        }
        base = p + 1;
        if (base >= this.size) break;
        const rest = (this.from[base] ??= this.union(base, 'y'));
        rest.lastIndex = at;
        m = rest.exec(text);
        if (m === null) break;
      }
      any.lastIndex = at + 1;
    }
  }

  /** How many times each pattern matches in `text`. */
  count(text: string): Int32Array {
    const counts = new Int32Array(this.size);
    this.scan(text, (i) => counts[i]!++);
    return counts;
  }
}
