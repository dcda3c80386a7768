import { describe, expect, it } from 'vitest';
import type { CorpusExample } from '../src/classify/corpus.ts';
import { leaveOneWriterOut } from '../src/classify/evaluate.ts';
import { StanceModel } from '../src/classify/model.ts';

/** A small corpus by three writers: each writes worried, excited and off-topic items. */
function corpus(): CorpusExample[] {
  const out: CorpusExample[] = [];
  const writers = ['w-one', 'w-two', 'w-three'];
  writers.forEach((writer, k) => {
    for (let i = 0; i < 8; i++) {
      const n = `${writer} ${i}`;
      out.push(
        {
          text: `Guild warns generative AI will replace dubbing actors (${n})`,
          stance: 'worry',
          relevant: true,
          concerns: ['job_displacement'],
          writer,
          split: 'train',
        },
        {
          text: `Studio hails generative AI previs that cuts costs (${n})`,
          stance: 'excitement',
          relevant: true,
          concerns: [],
          writer,
          split: 'train',
        },
        {
          text: `Streamer renews its legal drama for season ${i + k} (${n})`,
          stance: 'neutral',
          relevant: false,
          concerns: [],
          writer,
          split: 'train',
        },
      );
    }
  });
  return out;
}

describe('leave one writer out', () => {
  it('holds out only the writers asked for, training on everyone else', () => {
    const c = corpus();
    const seen: string[] = [];
    const reports = leaveOneWriterOut(
      c,
      (a) => new StanceModel(a),
      undefined,
      (w) => seen.push(w),
      ['w-two'],
    );
    expect(seen).toEqual(['w-two']);
    expect(reports.map((r) => [r.name, r.n, r.trainedOn])).toEqual([['w-two', 24, 48]]);
  });

  it('holds out every writer in turn when none is named', () => {
    const reports = leaveOneWriterOut(corpus(), (a) => new StanceModel(a));
    expect(reports.map((r) => r.name)).toEqual(['w-one', 'w-three', 'w-two']);
  });

  it('names an unknown writer and lists the known ones', () => {
    expect(() => leaveOneWriterOut(corpus(), (a) => new StanceModel(a), undefined, undefined, ['w-four'])).toThrow(
      'no such writer: w-four (writers: w-one, w-three, w-two)',
    );
  });
});
