import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_SETTINGS, detectSpikes } from '../src/analytics/alerts.ts';
import { buildReaction, cellsOf, momentOf, REACTION_MIN_N, type ReactionItem } from '../src/analytics/reaction.ts';
import { poissonTest, twoProportionTest } from '../src/analytics/stats.ts';
import { bucketFigures, buildSeries, csvCell, TREND_MIN_N, trendsCsv, type DayCount } from '../src/analytics/trends.ts';
import type { SourceKind, Stance } from '../src/labels.ts';

const s = DEFAULT_ALERT_SETTINGS;

describe('detectSpikes: volume', () => {
  it('flags nothing below the minimum volume, however quiet the baseline', () => {
    expect(detectSpikes({ total: s.minVolume - 1, worry: 0 }, { total: 0, worry: 0 }, s)).toEqual([]);
  });

  it('tests a day with exactly the minimum volume', () => {
    const spikes = detectSpikes({ total: s.minVolume, worry: 0 }, { total: 0, worry: 0 }, s);
    // never seen before: any volume at all is surprising; the score's denominator is floored at 1
    expect(spikes).toEqual([{ metric: 'volume', value: 5, baseline: 0, score: 5, pValue: 0, count: 5, baselineCount: 0 }]);
  });

  it('scores a spike in standard deviations of the baseline mean', () => {
    // baseline 112 items in 28 days: mean 4, sd 2; today 20 → (20 − 4) / 2 = 8
    const [spike] = detectSpikes({ total: 20, worry: 0 }, { total: 112, worry: 0 }, s);
    expect(spike).toMatchObject({ metric: 'volume', value: 20, baseline: 4, score: 8, count: 20, baselineCount: 112 });
    expect(spike!.pValue).toBe(poissonTest(20, 4).pUpper);
  });

  it('floors the score’s denominator at 1 for a mean below one a day', () => {
    // baseline 14 in 28 days: mean 0.5; today 10 → (10 − 0.5) / √1
    const [spike] = detectSpikes({ total: 10, worry: 0 }, { total: 14, worry: 0 }, s);
    expect(spike!.baseline).toBe(0.5);
    expect(spike!.score).toBe(9.5);
  });

  it('rounds the baseline mean to four places', () => {
    // 10 over 28 days = 0.357142…
    const [spike] = detectSpikes({ total: 10, worry: 0 }, { total: 10, worry: 0 }, s);
    expect(spike!.baseline).toBe(0.3571);
    expect(spike!.score).toBe(9.6429);
  });

  it('uses the settings’ baseline length', () => {
    const [spike] = detectSpikes({ total: 20, worry: 0 }, { total: 56, worry: 0 }, { ...s, baselineDays: 14 });
    expect(spike!.baseline).toBe(4);
  });

  it('does not flag a day whose upper-tail p equals the limit (the limit is strict)', () => {
    const p = poissonTest(12, 4).pUpper;
    expect(detectSpikes({ total: 12, worry: 0 }, { total: 112, worry: 0 }, { ...s, maxP: p })).toEqual([]);
    expect(detectSpikes({ total: 12, worry: 0 }, { total: 112, worry: 0 }, { ...s, maxP: p * 1.000001 }).map((x) => x.metric)).toEqual([
      'volume',
    ]);
  });

  it('does not flag a day exactly at the baseline mean, however lax the p limit', () => {
    // mean 10 a day, today 10: P(X ≥ 10) ≈ 0.54, under a limit of 0.6, but no rise at all
    expect(poissonTest(10, 10).pUpper).toBeLessThan(0.6);
    expect(detectSpikes({ total: 10, worry: 0 }, { total: 280, worry: 0 }, { ...s, maxP: 0.6 })).toEqual([]);
  });

  it('does not flag an ordinary day', () => {
    expect(detectSpikes({ total: 30, worry: 8 }, { total: 28 * 30, worry: 28 * 8 }, s)).toEqual([]);
  });

  it('does not flag a fall in volume', () => {
    expect(detectSpikes({ total: 5, worry: 0 }, { total: 28 * 40, worry: 0 }, s).filter((x) => x.metric === 'volume')).toEqual([]);
  });
});

describe('detectSpikes: worry share', () => {
  const today = { total: 30, worry: 25 };
  const baseline = { total: 28 * 30, worry: 28 * 9 };

  it('flags a rise in worry share with its size, both shares and a one-sided p', () => {
    const spikes = detectSpikes(today, baseline, s);
    const z = twoProportionTest(baseline.worry, baseline.total, today.worry, today.total)!;
    expect(spikes).toEqual([
      {
        metric: 'worry_share',
        value: 0.8333,
        baseline: 0.3,
        score: Math.round(z.z * 10_000) / 10_000,
        pValue: z.p / 2,
        count: 30,
        baselineCount: 840,
      },
    ]);
  });

  it('raises nothing for a fall from 50% to 0% worry', () => {
    expect(detectSpikes({ total: 30, worry: 0 }, { total: 28 * 30, worry: 28 * 15 }, s)).toEqual([]);
  });

  it('flags a rise whose z equals the threshold (the threshold is inclusive)', () => {
    const z = twoProportionTest(baseline.worry, baseline.total, today.worry, today.total)!.z;
    expect(detectSpikes(today, baseline, { ...s, minZ: z }).map((x) => x.metric)).toEqual(['worry_share']);
    expect(detectSpikes(today, baseline, { ...s, minZ: z + 1e-9 })).toEqual([]);
  });

  it('says nothing about worry share for an entity never seen before', () => {
    expect(detectSpikes({ total: 6, worry: 6 }, { total: 0, worry: 0 }, s).map((x) => x.metric)).toEqual(['volume']);
  });

  it('reports both spikes, volume first, when a day is busy and worried', () => {
    expect(detectSpikes({ total: 60, worry: 50 }, { total: 28 * 10, worry: 28 * 2 }, s).map((x) => x.metric)).toEqual([
      'volume',
      'worry_share',
    ]);
  });
});

describe('bucketFigures', () => {
  it('gives counts, total, rounded shares with Wilson bounds and the net score', () => {
    const b = bucketFigures('2025-07-14', { excitement: 1, worry: 2, neutral: 0 });
    expect(b.start).toBe('2025-07-14');
    expect(b.total).toBe(3);
    expect(b.counts).toEqual({ excitement: 1, worry: 2, neutral: 0 });
    expect(b.shares.worry!.value).toBe(0.6667);
    expect(b.shares.excitement!.value).toBe(0.3333);
    expect(b.shares.neutral).toEqual({ value: 0, low: 0, high: 0.5615 });
    expect(b.shares.worry!.low).toBe(0.2077);
    expect(b.shares.worry!.high).toBe(0.9385);
    expect(b.net).toBe(-0.3333);
    expect(b.lowN).toBe(true);
  });

  it('copies the counts instead of sharing the caller’s object', () => {
    const counts = { excitement: 1, worry: 0, neutral: 0 };
    const b = bucketFigures('2025-07-14', counts);
    counts.worry = 9;
    expect(b.counts.worry).toBe(0);
  });

  it('gives an empty bucket zero counts, no shares, a null net and the low-n flag', () => {
    const b = bucketFigures('2025-07-14', { excitement: 0, worry: 0, neutral: 0 });
    expect(b).toMatchObject({ total: 0, net: null, lowN: true });
    expect(b.shares).toEqual({ excitement: null, worry: null, neutral: null });
  });

  it('flags lowN below the minimum and not at it', () => {
    expect(bucketFigures('d', { excitement: 0, worry: 0, neutral: TREND_MIN_N - 1 }).lowN).toBe(true);
    expect(bucketFigures('d', { excitement: 0, worry: 0, neutral: TREND_MIN_N }).lowN).toBe(false);
    expect(bucketFigures('d', { excitement: 0, worry: 0, neutral: 5 }, 5).lowN).toBe(false);
  });

  it('counts neutral items in the total and the net denominator', () => {
    expect(bucketFigures('d', { excitement: 3, worry: 1, neutral: 4 })).toMatchObject({ total: 8, net: 0.25 });
  });
});

describe('buildSeries', () => {
  const row = (day: string, stance: Stance, n: number, group: string | null = null): DayCount => ({ day, group, stance, n });

  it('keeps every bucket in [from, to), empty ones as zeros', () => {
    const [series] = buildSeries([row('2025-07-15', 'worry', 2)], {
      from: '2025-07-14',
      to: '2025-07-17',
      granularity: 'day',
      grouped: false,
    });
    expect(series!.group).toBeNull();
    expect(series!.buckets.map((b) => [b.start, b.total])).toEqual([
      ['2025-07-14', 0],
      ['2025-07-15', 2],
      ['2025-07-16', 0],
    ]);
  });

  it('gives one empty series, not none, for no rows at all', () => {
    const out = buildSeries([], { from: '2025-07-14', to: '2025-07-16', granularity: 'day', grouped: false });
    expect(out).toHaveLength(1);
    expect(out[0]!.buckets.map((b) => b.total)).toEqual([0, 0]);
  });

  it('counts the first day and leaves out the day `to` names', () => {
    const rows = [
      row('2025-07-13', 'worry', 100),
      row('2025-07-14', 'worry', 1),
      row('2025-07-16', 'worry', 2),
      row('2025-07-17', 'worry', 100),
    ];
    const [series] = buildSeries(rows, { from: '2025-07-14', to: '2025-07-17', granularity: 'week', grouped: false });
    expect(series!.buckets).toHaveLength(1);
    expect(series!.buckets[0]).toMatchObject({ start: '2025-07-14', total: 3 });
  });

  it('adds the days of a week into its Monday, per stance', () => {
    const rows = [
      row('2025-07-14', 'worry', 1),
      row('2025-07-20', 'worry', 2),
      row('2025-07-15', 'excitement', 4),
      row('2025-07-21', 'neutral', 8),
    ];
    const [series] = buildSeries(rows, { from: '2025-07-14', to: '2025-07-28', granularity: 'week', grouped: false });
    expect(series!.buckets.map((b) => [b.start, b.counts])).toEqual([
      ['2025-07-14', { excitement: 4, worry: 3, neutral: 0 }],
      ['2025-07-21', { excitement: 0, worry: 0, neutral: 8 }],
    ]);
  });

  it('ignores groups when not grouped', () => {
    const rows = [row('2025-07-14', 'worry', 1, 'Netflix'), row('2025-07-14', 'worry', 2, 'Disney')];
    const out = buildSeries(rows, { from: '2025-07-14', to: '2025-07-15', granularity: 'day', grouped: false });
    expect(out.map((x) => x.group)).toEqual([null]);
    expect(out[0]!.buckets[0]!.total).toBe(3);
  });

  it('gives one series per group, largest first, ties by name, and skips rows without a group', () => {
    const rows = [
      row('2025-07-14', 'worry', 1, 'Netflix'),
      row('2025-07-14', 'worry', 5, 'Sony'),
      row('2025-07-15', 'excitement', 1, 'Apple'),
      row('2025-07-14', 'neutral', 9, null),
    ];
    const out = buildSeries(rows, { from: '2025-07-14', to: '2025-07-16', granularity: 'day', grouped: true });
    expect(out.map((x) => x.group)).toEqual(['Sony', 'Apple', 'Netflix']);
    expect(out[0]!.buckets.map((b) => b.total)).toEqual([5, 0]);
  });

  it('orders groups by what falls inside the range only, neutral items included', () => {
    const rows = [
      row('2025-07-13', 'worry', 100, 'Before'),
      row('2025-07-16', 'worry', 100, 'After'),
      row('2025-07-14', 'neutral', 5, 'Calm'),
      row('2025-07-14', 'worry', 3, 'Worried'),
    ];
    const out = buildSeries(rows, { from: '2025-07-14', to: '2025-07-16', granularity: 'day', grouped: true });
    expect(out.map((x) => x.group)).toEqual(['Calm', 'Worried']);
  });

  it('gives no series when grouped and nothing matched', () => {
    expect(buildSeries([], { from: '2025-07-14', to: '2025-07-16', granularity: 'day', grouped: true })).toEqual([]);
  });

  it('passes the low-n minimum to every bucket', () => {
    const [series] = buildSeries([row('2025-07-14', 'worry', 3)], {
      from: '2025-07-14',
      to: '2025-07-15',
      granularity: 'day',
      grouped: false,
      minN: 3,
    });
    expect(series!.buckets[0]!.lowN).toBe(false);
  });
});

describe('trendsCsv and csvCell', () => {
  it('writes a header and one row per group and bucket', () => {
    const series = buildSeries([{ day: '2025-07-14', group: 'Warner, Inc', stance: 'worry', n: 1 }], {
      from: '2025-07-14',
      to: '2025-07-15',
      granularity: 'day',
      grouped: true,
    });
    expect(trendsCsv(series)).toBe(
      'group,bucket_start,bucket_end,total,excitement_count,worry_count,neutral_count,excitement_share,excitement_low,excitement_high,worry_share,worry_low,worry_high,neutral_share,neutral_low,neutral_high,net,low_n,partial\n' +
        '"Warner, Inc",2025-07-14,2025-07-15,1,0,1,0,0,0,0.7935,1,0.2065,1,0,0,0.7935,-1,true,false\n',
    );
  });
  it('writes an empty group cell for an ungrouped series', () => {
    const series = buildSeries([], { from: '2025-07-14', to: '2025-07-15', granularity: 'day', grouped: false });
    // and empty share and net cells for a bucket with no items
    expect(trendsCsv(series).split('\n')[1]).toBe(',2025-07-14,2025-07-15,0,0,0,0,,,,,,,,,,,true,false');
  });
  it('quotes commas, quotes and line breaks, doubling inner quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
    expect(csvCell('plain')).toBe('plain');
  });
  it('neutralises a leading formula character, and only a leading one', () => {
    for (const lead of ['=', '+', '-', '@', '\t']) expect(csvCell(`${lead}1+1`)).toBe(`'${lead}1+1`);
    expect(csvCell('\r1')).toBe(`"'\r1"`);
    expect(csvCell('1+1=2')).toBe('1+1=2');
  });
  it('writes nothing for null and undefined, and numbers and booleans as text', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(false)).toBe('false');
  });
});

describe('buildReaction', () => {
  const MOMENT = new Date('2025-07-17T00:00:00Z'); // midnight UTC on purpose
  const DAY = 86_400_000;
  let nextId = 1;
  const item = (at: number | string, stance: Stance, over: Partial<ReactionItem> = {}): ReactionItem => ({
    id: nextId++,
    title: `t${nextId}`,
    url: `https://x.org/${nextId}`,
    publishedAt: typeof at === 'string' ? new Date(at) : new Date(MOMENT.getTime() + at),
    stance,
    confidence: 0.5,
    kind: 'news',
    sourceName: 'X',
    quote: null,
    ...over,
  });
  const reaction = (items: ReactionItem[], windowDays = 2, now = new Date('2025-08-01T00:00:00Z')) =>
    buildReaction({ moment: MOMENT, windowDays, now, cells: cellsOf(items, MOMENT), candidates: items });

  it('counts an item published at the announcement’s exact instant as after', () => {
    const r = reaction([item(0, 'worry'), item(-1, 'excitement')]);
    expect(r.before.total).toBe(1);
    expect(r.after.total).toBe(1);
    expect(r.after.counts.worry).toBe(1);
    expect(r.before.counts.excitement).toBe(1);
  });

  it('lists every UTC day of both windows, empty ones included, with the announcement’s day after', () => {
    const r = reaction([item(-DAY, 'worry'), item(DAY + 3_600_000, 'excitement')]);
    expect(r.daily).toEqual([
      { day: '2025-07-15', side: 'before', counts: { excitement: 0, worry: 0, neutral: 0 }, total: 0 },
      { day: '2025-07-16', side: 'before', counts: { excitement: 0, worry: 1, neutral: 0 }, total: 1 },
      { day: '2025-07-17', side: 'after', counts: { excitement: 0, worry: 0, neutral: 0 }, total: 0 },
      { day: '2025-07-18', side: 'after', counts: { excitement: 1, worry: 0, neutral: 0 }, total: 1 },
    ]);
  });

  it('adds up a day’s items per stance, neutral included', () => {
    const r = reaction([item(1, 'neutral'), item(2, 'neutral'), item(3, 'worry')]);
    expect(r.daily.find((d) => d.day === '2025-07-17')).toMatchObject({ counts: { excitement: 0, worry: 1, neutral: 2 }, total: 3 });
  });

  it('touches one more day when the moment is not at midnight', () => {
    const r = buildReaction({ moment: new Date('2025-07-17T12:00:00Z'), windowDays: 1, now: MOMENT, cells: [], candidates: [] });
    // the moment's own day is split at the moment: a row for each side
    expect(r.daily.map((d) => [d.day, d.side])).toEqual([
      ['2025-07-16', 'before'],
      ['2025-07-17', 'before'],
      ['2025-07-17', 'after'],
      ['2025-07-18', 'after'],
    ]);
  });

  it('gives the two windows and says whether the after window is over, complete exactly at its end', () => {
    const r = reaction([], 2, new Date('2025-07-19T00:00:00Z'));
    expect(r.moment).toBe('2025-07-17T00:00:00.000Z');
    expect(r.windowDays).toBe(2);
    expect(r.windows).toEqual({
      before: { from: '2025-07-15T00:00:00.000Z', to: '2025-07-17T00:00:00.000Z' },
      after: { from: '2025-07-17T00:00:00.000Z', to: '2025-07-19T00:00:00.000Z', complete: true },
    });
    expect(reaction([], 2, new Date('2025-07-18T23:59:59.999Z')).windows.after.complete).toBe(false);
  });

  it('compares each side: counts, shares, net score and items per day', () => {
    const r = reaction([item(-5, 'worry'), item(-4, 'excitement'), item(-3, 'excitement'), item(-2, 'neutral'), item(5, 'worry')], 2);
    expect(r.before.total).toBe(4);
    expect(r.before.counts).toEqual({ excitement: 2, worry: 1, neutral: 1 });
    expect(r.before.net).toBe(0.25);
    expect(r.before.rate).toBe(2);
    expect(r.before.shares.excitement.value).toBe(0.5);
    expect(r.before.shares.worry).toEqual({ value: 0.25, low: 0.0456, high: 0.6994 });
    expect(r.after.net).toBe(-1);
    expect(r.after.rate).toBe(0.5);
  });

  it('gives net 0 and rate 0 for an empty side', () => {
    const r = reaction([item(1, 'worry')], 3);
    expect(r.before).toMatchObject({ total: 0, net: 0, rate: 0 });
    expect(r.after.rate).toBe(0.3333);
  });

  it('tests worry share, net score and volume, rounded, with the volume ratio after/before', () => {
    const items = [
      ...Array.from({ length: 4 }, (_, i) => item(-(i + 1), 'neutral')),
      ...Array.from({ length: 6 }, (_, i) => item(i + 1, 'worry')),
    ];
    const r = reaction(items);
    const wz = twoProportionTest(0, 4, 6, 6)!;
    expect(r.worryShare).toEqual({ diff: 1, z: Math.round(wz.z * 10_000) / 10_000, p: Math.round(wz.p * 10_000) / 10_000 });
    expect(r.net).toEqual({ diff: -1, z: 0, p: 0 });
    expect(r.volume).toEqual({ before: 4, after: 6, ratio: 1.5, p: Math.round(poissonTest(6, 4).pTwoSided * 10_000) / 10_000 });
  });

  it('gives null tests and a null ratio when a side is empty', () => {
    const r = reaction([item(1, 'worry')]);
    expect(r.worryShare).toBeNull();
    expect(r.net).toBeNull();
    expect(r.volume.ratio).toBeNull();
  });

  it('says it cannot conclude below the minimum on either side, and concludes at exactly the minimum', () => {
    const side = (n: number, sign: 1 | -1) => Array.from({ length: n }, (_, i) => item(sign * (i + 1), 'neutral'));
    const few = reaction([...side(REACTION_MIN_N, -1), ...side(REACTION_MIN_N - 1, 1)]);
    expect(few.enoughData).toBe(false);
    expect(few.note).toBe(
      'Too few items to conclude: 30 before and 29 after; at least 30 on each side are needed before the tests mean much.',
    );
    expect(reaction([...side(REACTION_MIN_N - 1, -1), ...side(REACTION_MIN_N, 1)]).enoughData).toBe(false);
    const enough = reaction([...side(REACTION_MIN_N, -1), ...side(REACTION_MIN_N, 1)]);
    expect(enough.enoughData).toBe(true);
    expect(enough.note).toBeNull();
  });

  it('compares by source kind only for kinds that have items', () => {
    const r = reaction([
      item(-1, 'worry', { kind: 'union' }),
      item(1, 'worry', { kind: 'union' }),
      item(2, 'excitement', { kind: 'studio' }),
    ]);
    expect(Object.keys(r.byKind)).toEqual(['union', 'studio']);
    expect(r.byKind.union!.before.total).toBe(1);
    expect(r.byKind.studio!.after.total).toBe(1);
    expect(r.byKind.studio!.before.total).toBe(0);
  });

  it('breaks a confidence tie by the lower id, whatever order the items come in', () => {
    const late = item(2, 'worry', { id: 902, confidence: 0.7 });
    const early = item(1, 'worry', { id: 901, confidence: 0.7 });
    expect(reaction([late, early]).topItems.after.map((t) => t.id)).toEqual([901, 902]);
    expect(reaction([early, late]).topItems.after.map((t) => t.id)).toEqual([901, 902]);
  });

  it('lists the five most confident worried and excited items on each side, ties by id, neutral left out', () => {
    const kinds: SourceKind[] = ['news', 'opinion'];
    const after = [
      ...[0.9, 0.1, 0.8, 0.7, 0.6, 0.5].map((c, i) => item(i + 1, 'worry', { confidence: c, kind: kinds[i % 2]! })),
      item(10, 'excitement', { confidence: 0.123456, quote: 'wow' }),
      item(11, 'excitement', { confidence: 0.123456 }),
      item(12, 'neutral', { confidence: 1 }),
    ];
    const r = reaction(after);
    const top = r.topItems.after;
    expect(top.map((t) => [t.stance, t.confidence])).toEqual([
      ['worry', 0.9],
      ['worry', 0.8],
      ['worry', 0.7],
      ['worry', 0.6],
      ['worry', 0.5],
      ['excitement', 0.1235],
      ['excitement', 0.1235],
    ]);
    expect(top[5]!.id).toBeLessThan(top[6]!.id);
    const first = after[0]!;
    expect(top[0]).toEqual({
      id: first.id,
      title: first.title,
      url: first.url,
      source: 'X',
      kind: 'news',
      publishedAt: first.publishedAt.toISOString(),
      stance: 'worry',
      confidence: 0.9,
      quote: null,
    });
    expect(top[5]!.quote).toBe('wow');
    expect(r.topItems.before).toEqual([]);
  });
});

describe('momentOf', () => {
  it('uses the local time in the announcement’s zone', () => {
    expect(momentOf({ date: '2025-07-17', time: '15:45', timeZone: 'America/Los_Angeles' }).toISOString()).toBe('2025-07-17T22:45:00.000Z');
  });
  it('falls back to midnight UTC without a time or without a zone', () => {
    expect(momentOf({ date: '2025-07-17', time: null, timeZone: 'America/Los_Angeles' }).toISOString()).toBe('2025-07-17T00:00:00.000Z');
    expect(momentOf({ date: '2025-07-17', time: '15:45', timeZone: null }).toISOString()).toBe('2025-07-17T00:00:00.000Z');
  });
});
