import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppDeps } from './env.ts';

/**
 * One log line per request (at info) and the request-duration histogram. Labelled children of
 * the histogram are kept per (method, route, status): looking labels up by object on every
 * request is most of what observing costs.
 */
export function requestLog(deps: Pick<AppDeps, 'logger' | 'metrics'>): MiddlewareHandler {
  const histograms = new Map<string, { observe(seconds: number): void }>();
  return async (c, next) => {
    const started = performance.now();
    await next();
    const ms = performance.now() - started;
    const status = c.res.status;
    if (deps.metrics) {
      // the route pattern, not the path, so ids do not explode the label set ("*" when nothing matched)
      const route = routePath(c, -1);
      const key = `${c.req.method} ${route} ${status}`;
      let h = histograms.get(key);
      if (!h) histograms.set(key, (h = deps.metrics.httpDuration.labels(c.req.method, route, String(status))));
      h.observe(ms / 1000);
    }
    if (deps.logger.isLevelEnabled('info')) {
      deps.logger.info({ method: c.req.method, path: c.req.path, status, durationMs: Math.round(ms * 10) / 10, requestId: c.get('requestId') }, 'request');
    }
  };
}
