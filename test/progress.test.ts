import { describe, expect, it } from 'vitest';
import type { Io } from '../src/cli/common.ts';
import { progress, progressLine } from '../src/cli/progress.ts';

describe('progress lines', () => {
  it('draws a bar with share, count, rate and time left when the total is known', () => {
    expect(progressLine('re-labelling', 250, 1000, 5000)).toBe('re-labelling [######..................] 25% 250/1000 (50/s, ~15 s left)');
    expect(progressLine('re-labelling', 1000, 1000, 4000)).toBe('re-labelling [########################] 100% 1000/1000 (250/s)');
    expect(progressLine('x', 0, 10, 0)).toBe('x [........................] 0% 0/10 (0/s)');
  });
  it('gives a count and rate without a total, and a note after them', () => {
    expect(progressLine('fetching', 12, undefined, 3000, '2 failed')).toBe('fetching: 12 (4/s, 2 failed)');
  });
  it('never passes 100% when more is done than was counted', () => {
    expect(progressLine('x', 12, 10, 1000)).toContain('100% 12/10');
  });
  it('prints plain lines at most every two seconds when the output is not a terminal', () => {
    const lines: string[] = [];
    const io: Io = { out: (l) => lines.push(l), err: () => {} };
    let t = 0;
    const p = progress(io, 'labelling', 100, () => t);
    p.update(10); // first update prints
    t = 1000;
    p.update(20); // too soon
    t = 2500;
    p.update(30);
    p.end();
    expect(lines).toEqual([
      'labelling [##......................] 10% 10/100 (10000/s, ~1 s left)',
      expect.stringMatching(/^labelling \[#+\.+\] 30% 30\/100/),
    ]);
  });
});
