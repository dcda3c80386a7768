import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { describe } from '../../../db/client.ts';
import { router, type AppDeps } from '../env.ts';
import { errorJson } from '../errors.ts';

const READY_TIMEOUT_MS = 2000;

const Health = z.object({ status: z.literal('ok') });
const Ready = z.object({ status: z.literal('ready'), database: z.string() });

/** Liveness (`/health`: the process answers) and readiness (`/ready`: the database answers too). */
export function healthRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      tags: ['ops'],
      summary: 'Liveness: 200 while the process runs',
      responses: { 200: { description: 'alive', content: { 'application/json': { schema: Health } } } },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/ready',
      tags: ['ops'],
      summary: 'Readiness: 200 when the database answers, 503 otherwise',
      responses: {
        200: { description: 'ready', content: { 'application/json': { schema: Ready } } },
        503: { description: 'database unavailable' },
      },
    }),
    async (c) => {
      try {
        await withTimeout(deps.db.execute(sql`select 1`), READY_TIMEOUT_MS);
        return c.json({ status: 'ready' as const, database: deps.database?.driver ?? 'up' }, 200);
      } catch (err) {
        deps.logger.warn({ err: describe(err) }, 'readiness check failed');
        return errorJson(c, 503, 'unavailable', `database unavailable: ${describe(err)}`) as never;
      }
    },
  );
  return app;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}
