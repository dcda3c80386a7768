/** The longest Pulse ever waits before trying a source again. */
export const MAX_BACKOFF_MS = 24 * 60 * 60_000;

export interface ScheduleInput {
  now: Date;
  intervalMinutes: number;
  /** failures in a row including this fetch's outcome (0 after a success) */
  consecutiveFailures: number;
  /** from a 429 or 503 answer */
  retryAfterMs?: number | undefined;
  /** a number in [0, 1); injected so tests are exact */
  random: number;
}

/**
 * When to fetch a source next. Success: its interval. Failure: the interval doubled for each
 * failure in a row, capped at 24 h. A Retry-After longer than that wins (also capped). Up to
 * 10% random jitter keeps sources from firing in step; at the 24 h cap it is taken off
 * instead of added, so no wait is ever longer than 24 h.
 */
export function nextFetchAt(input: ScheduleInput): Date {
  const interval = Math.max(1, input.intervalMinutes) * 60_000;
  const backoff = input.consecutiveFailures > 0 ? interval * 2 ** Math.min(input.consecutiveFailures, 20) : interval;
  const base = Math.min(MAX_BACKOFF_MS, Math.max(backoff, input.retryAfterMs ?? 0));
  const jitter = base * 0.1 * input.random;
  const wait = base + jitter <= MAX_BACKOFF_MS ? base + jitter : MAX_BACKOFF_MS - jitter;
  return new Date(input.now.getTime() + wait);
}
