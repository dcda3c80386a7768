import { describe, expect, it } from 'vitest';
import { buildReaction, cellsOf, type ReactionItem } from '../src/analytics/reaction.ts';
import type { Stance } from '../src/labels.ts';

const item = (id: number, at: string, stance: Stance): ReactionItem => ({
  id,
  title: `item ${id}`,
  url: `https://example.org/${id}`,
  publishedAt: new Date(at),
  stance,
  confidence: 0.8,
  kind: 'news',
  sourceName: 'Trade',
  quote: null,
});

describe('the event study daily series', () => {
  const moment = new Date('2025-07-17T20:45:00Z');
  const items = [
    item(1, '2025-07-16T09:00:00Z', 'excitement'),
    // the moment's own day, on both sides of the moment
    item(2, '2025-07-17T08:00:00Z', 'neutral'),
    item(3, '2025-07-17T20:44:59Z', 'excitement'),
    item(4, '2025-07-17T20:45:00Z', 'worry'), // at the moment exactly: after
    item(5, '2025-07-17T23:30:00Z', 'worry'),
    item(6, '2025-07-18T10:00:00Z', 'worry'),
  ];
  const r = buildReaction({
    moment,
    windowDays: 3,
    now: new Date('2025-08-01T00:00:00Z'),
    cells: cellsOf(items, moment),
    candidates: items,
  });

  it("splits the moment's day at the moment, so each side of the series sums to its total", () => {
    expect(r.before.total).toBe(3);
    expect(r.after.total).toBe(3);
    const sum = (side: string) => r.daily.filter((d) => d.side === side).reduce((s, d) => s + d.total, 0);
    expect(sum('before')).toBe(r.before.total);
    expect(sum('after')).toBe(r.after.total);
    expect(r.daily.filter((d) => d.day === '2025-07-17')).toEqual([
      { day: '2025-07-17', side: 'before', counts: { excitement: 1, worry: 0, neutral: 1 }, total: 2 },
      { day: '2025-07-17', side: 'after', counts: { excitement: 0, worry: 2, neutral: 0 }, total: 2 },
    ]);
  });

  it('lists every day the windows touch, in order, empty ones included', () => {
    // 14 July 20:45 to 20 July 20:45: 14..20 July, the 17th twice
    expect(r.daily.map((d) => `${d.day}/${d.side}`)).toEqual([
      '2025-07-14/before',
      '2025-07-15/before',
      '2025-07-16/before',
      '2025-07-17/before',
      '2025-07-17/after',
      '2025-07-18/after',
      '2025-07-19/after',
      '2025-07-20/after',
    ]);
  });

  it('states its window', () => {
    expect(r.windowDays).toBe(3);
    expect(r.windows.before).toEqual({ from: '2025-07-14T20:45:00.000Z', to: '2025-07-17T20:45:00.000Z' });
    expect(r.windows.after).toEqual({ from: '2025-07-17T20:45:00.000Z', to: '2025-07-20T20:45:00.000Z', complete: true });
  });
});
