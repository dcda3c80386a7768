import { z } from '@hono/zod-openapi';
import { checkDatabase } from '../../services/health.ts';
import { ErrorSchema, router, type AppDeps, route } from '../env.ts';
import { errorJson } from '../errors.ts';

const Health = z.object({ status: z.literal('ok') });
const Ready = z.object({ status: z.literal('ready'), database: z.string() });

/** Liveness (`/health`: the process answers) and readiness (`/ready`: the database answers too). */
export function healthRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    route({
      method: 'get',
      path: '/health',
      tags: ['ops'],
      summary: 'Liveness: 200 while the process runs',
      responses: { 200: { description: 'alive', content: { 'application/json': { schema: Health } } } },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );
  app.openapi(
    route({
      method: 'get',
      path: '/ready',
      tags: ['ops'],
      summary: 'Readiness: 200 when the database answers, 503 otherwise',
      responses: {
        200: { description: 'ready', content: { 'application/json': { schema: Ready } } },
        503: { description: 'database unavailable', content: { 'application/json': { schema: ErrorSchema } } },
      },
    }),
    async (c) => {
      try {
        await checkDatabase(deps);
        return c.json({ status: 'ready' as const, database: deps.database?.driver ?? 'up' }, 200);
      } catch (err) {
        deps.logger.warn({ err: (err as Error).message }, 'readiness check failed');
        return errorJson(c, 503, 'unavailable', (err as Error).message);
      }
    },
  );
  return app;
}
