import { nextFetchAt } from './schedule.ts';

/** What one fetch did to its source's health. */
export interface SourceHealth {
  at: Date;
  ok: boolean;
  status: number | null;
  error: string | null;
  consecutiveFailures: number;
  nextFetchAt: Date;
  /** only set when the server sent new validators */
  etag?: string | null;
  lastModified?: string | null;
}

/** A source as its health depends on it. */
export interface HealthSource {
  fetchIntervalMinutes: number;
  consecutiveFailures: number;
  etag: string | null;
  lastModified: string | null;
}

export type FetchOutcome =
  | { ok: true; status: number; etag?: string | null | undefined; lastModified?: string | null | undefined }
  | { ok: false; status: number | null; error: string; retryAfterMs?: number | undefined };

/**
 * A source's health after a fetch: a success clears the failure count and keeps the newest
 * validators; a failure adds one to the count, and the next fetch backs off (Retry-After wins
 * when longer). `random` in [0, 1) sets the jitter.
 */
export function healthAfterFetch(source: HealthSource, outcome: FetchOutcome, now: Date, random: number): SourceHealth {
  const failures = outcome.ok ? 0 : source.consecutiveFailures + 1;
  const next = nextFetchAt({
    now,
    intervalMinutes: source.fetchIntervalMinutes,
    consecutiveFailures: failures,
    retryAfterMs: outcome.ok ? undefined : outcome.retryAfterMs,
    random,
  });
  if (!outcome.ok)
    return { at: now, ok: false, status: outcome.status, error: outcome.error, consecutiveFailures: failures, nextFetchAt: next };
  return {
    at: now,
    ok: true,
    status: outcome.status,
    error: null,
    consecutiveFailures: 0,
    nextFetchAt: next,
    etag: outcome.etag ?? source.etag,
    lastModified: outcome.lastModified ?? source.lastModified,
  };
}
