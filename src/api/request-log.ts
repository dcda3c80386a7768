import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppDeps } from './env.ts';

/** One log line per request (at info) and the request-duration histogram. */
export function requestLog(deps: Pick<AppDeps, 'logger' | 'metrics'>): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const ms = performance.now() - started;
    const status = c.res.status;
    // the route pattern, not the path, so ids do not explode the label set ("*" when nothing matched)
    deps.metrics?.httpDuration.observe(c.req.method, routePath(c, -1), status, ms / 1000);
    if (deps.logger.isLevelEnabled('info')) {
      deps.logger.info(
        { method: c.req.method, path: c.req.path, status, durationMs: Math.round(ms * 10) / 10, requestId: c.get('requestId') },
        'request',
      );
    }
  };
}
