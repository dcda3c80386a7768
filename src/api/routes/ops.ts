import { z } from '@hono/zod-openapi';
import { listRuns } from '../../services/jobs.ts';
import { JOB_NAMES, JOB_STATUSES } from '../../labels.ts';
import { errorResponses, router, type AppDeps, route } from '../env.ts';

const Run = z
  .object({
    id: z.number().int(),
    job: z.string(),
    instance: z.string(),
    status: z.enum(JOB_STATUSES),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    counts: z.record(z.string(), z.number()),
    error: z.string().nullable(),
  })
  .openapi('JobRun');

/** Recent job runs across every process sharing the database. */
export function jobRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    route({
      method: 'get',
      path: '/',
      tags: ['ops'],
      summary: 'Recent job runs, newest first',
      request: { query: z.object({ job: z.enum(JOB_NAMES).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }) },
      responses: {
        200: { description: 'runs', content: { 'application/json': { schema: z.object({ runs: z.array(Run) }) } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json({ runs: await listRuns(deps, q) }, 200);
    },
  );
  return app;
}

/** Prometheus text format. */
export function metricsRoute(deps: AppDeps) {
  const app = router();
  app.openapi(
    route({
      method: 'get',
      path: '/metrics',
      tags: ['ops'],
      summary: 'Metrics in Prometheus text format',
      responses: { 200: { description: 'metrics', content: { 'text/plain': { schema: z.string() } } } },
    }),
    async (c) => {
      const registry = deps.metrics?.registry;
      const text = registry ? await registry.metrics() : '';
      return c.text(text, 200, { 'Content-Type': registry?.contentType ?? 'text/plain; version=0.0.4' });
    },
  );
  return app;
}
