import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env.ts';
import { AppError } from './errors.ts';

/**
 * Bounds the expensive reads running at once: `perClient` for one client (an API key, or an
 * address; IPv6 by /64) and `total` for the process. A request over its client's share is a 429,
 * one over the process's a 503, both with Retry-After: the server stays responsive for cheap and
 * cached reads whatever one client asks for.
 */
export class CostGate {
  private readonly running = new Map<string, number>();
  private all = 0;

  constructor(
    readonly perClient: number,
    readonly total: number,
  ) {}

  /** Takes a slot for `client`; returns the function that frees it (once), or throws 429/503. */
  enter(client: string): () => void {
    const mine = this.running.get(client) ?? 0;
    if (mine >= this.perClient) {
      throw Object.assign(
        new AppError(
          429,
          'too_many_concurrent',
          `at most ${this.perClient} expensive requests (exports, uncached trends, reactions, search, the dashboard) at once per client; retry when one finishes`,
        ),
        { retryAfter: 1 },
      );
    }
    if (this.all >= this.total)
      throw Object.assign(new AppError(503, 'busy', 'the server is running as many expensive requests as it allows; retry shortly'), {
        retryAfter: 2,
      });
    this.running.set(client, mine + 1);
    this.all++;
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      this.all--;
      const n = (this.running.get(client) ?? 1) - 1;
      if (n <= 0) this.running.delete(client);
      else this.running.set(client, n);
    };
  }

  /** Slots taken now (for tests and metrics). */
  get inUse(): number {
    return this.all;
  }
}

/**
 * Holds a slot of `gate` while the route runs. A streaming route takes the slot's release from
 * the context (`releaseSlot`, set to undefined) and frees it when its stream ends.
 */
export function expensive(gate: CostGate) {
  return createMiddleware<AppEnv>(async (c, next) => {
    let release: () => void;
    try {
      release = gate.enter(c.get('client') ?? 'unknown');
    } catch (err) {
      const wait = (err as { retryAfter?: number }).retryAfter;
      if (wait) c.header('Retry-After', String(wait));
      throw err;
    }
    c.set('releaseSlot', release);
    try {
      await next();
    } finally {
      c.get('releaseSlot')?.();
    }
  });
}
