import { describe, expect, it } from 'vitest';
import { healthAfterFetch, type HealthSource } from '../src/ingest/health.ts';

const NOW = new Date('2025-07-20T12:00:00Z');
const MINUTE = 60_000;
const source = (over: Partial<HealthSource> = {}): HealthSource => ({
  fetchIntervalMinutes: 30,
  consecutiveFailures: 0,
  etag: '"old"',
  lastModified: 'Sat, 19 Jul 2025 00:00:00 GMT',
  ...over,
});
const waitOf = (h: { nextFetchAt: Date }) => h.nextFetchAt.getTime() - NOW.getTime();

describe('healthAfterFetch', () => {
  it('after a success: clears the failures, records the status and waits one interval', () => {
    const h = healthAfterFetch(source({ consecutiveFailures: 4 }), { ok: true, status: 200 }, NOW, 0);
    expect(h).toEqual({
      at: NOW,
      ok: true,
      status: 200,
      error: null,
      consecutiveFailures: 0,
      nextFetchAt: new Date(NOW.getTime() + 30 * MINUTE),
      etag: '"old"',
      lastModified: 'Sat, 19 Jul 2025 00:00:00 GMT',
    });
  });

  it('after a success with new validators: keeps the new ones', () => {
    const h = healthAfterFetch(source(), { ok: true, status: 200, etag: '"new"', lastModified: 'Sun, 20 Jul 2025 11:00:00 GMT' }, NOW, 0);
    expect(h.etag).toBe('"new"');
    expect(h.lastModified).toBe('Sun, 20 Jul 2025 11:00:00 GMT');
  });

  it('after a 304 without validators: keeps the stored ones', () => {
    const h = healthAfterFetch(source(), { ok: true, status: 304, etag: null, lastModified: undefined }, NOW, 0);
    expect(h.status).toBe(304);
    expect(h.etag).toBe('"old"');
    expect(h.lastModified).toBe('Sat, 19 Jul 2025 00:00:00 GMT');
  });

  it('after a first failure: counts one, keeps the error and status, and doubles the wait', () => {
    const h = healthAfterFetch(source(), { ok: false, status: 500, error: 'HTTP 500' }, NOW, 0);
    expect(h).toEqual({
      at: NOW,
      ok: false,
      status: 500,
      error: 'HTTP 500',
      consecutiveFailures: 1,
      nextFetchAt: new Date(NOW.getTime() + 60 * MINUTE),
    });
    expect('etag' in h).toBe(false); // a failure never touches the validators
  });

  it('after a third failure in a row: counts three and waits 2³ intervals', () => {
    const h = healthAfterFetch(source({ consecutiveFailures: 2 }), { ok: false, status: null, error: 'ECONNRESET' }, NOW, 0);
    expect(h.consecutiveFailures).toBe(3);
    expect(h.status).toBeNull();
    expect(waitOf(h)).toBe(8 * 30 * MINUTE);
  });

  it('a failure with a longer Retry-After waits that long', () => {
    const h = healthAfterFetch(source(), { ok: false, status: 429, error: 'HTTP 429', retryAfterMs: 5 * 60 * MINUTE }, NOW, 0);
    expect(waitOf(h)).toBe(5 * 60 * MINUTE);
  });

  it('passes the jitter through', () => {
    const h = healthAfterFetch(source(), { ok: true, status: 200 }, NOW, 0.5);
    expect(waitOf(h)).toBe(30 * MINUTE * 1.05);
  });
});
