import { z } from '@hono/zod-openapi';
import { STANCES } from '../../labels.ts';
import { compareModels, listModels } from '../../services/models.ts';
import { errorResponses, json, router, type AppDeps, route } from '../env.ts';
import { dayParam } from '../params.ts';

const Interval = z.object({ value: z.number(), low: z.number(), high: z.number() }).nullable();
const Stances = <T extends z.ZodType>(t: T) =>
  z.object(Object.fromEntries(STANCES.map((s) => [s, t])) as Record<(typeof STANCES)[number], T>);
const Confusion = Stances(Stances(z.number())).openapi({ description: 'rows: the first labeller, columns: the second' });
const version = z.string().trim().min(1).max(200);

const Models = z
  .object({
    current: z.string(),
    models: z.array(
      z.object({
        model: z.string(),
        current: z.boolean(),
        items: z.number().int(),
        relevant: z.number().int(),
        firstLabelledAt: z.string(),
        lastLabelledAt: z.string(),
        quality: z
          .object({ codedItems: z.number().int(), accuracy: Interval, macroF1: Interval, relevanceAgreement: z.number() })
          .nullable()
          .openapi({
            description: "stance against the coders' consensus on the coded items this version labelled; null before any are coded",
          }),
      }),
    ),
  })
  .openapi('Models');

const Compare = z
  .object({
    a: z.string(),
    b: z.string(),
    items: z.number().int().openapi({ description: 'items labelled by both versions' }),
    agreement: z.number().nullable(),
    kappa: z.number().nullable(),
    relevanceAgreement: z.number().nullable(),
    confusion: Confusion,
    from: z.string(),
    to: z.string(),
    weekly: z.array(
      z.object({
        start: z.string(),
        end: z.string(),
        a: z.object({ total: z.number().int(), shares: Stances(Interval) }),
        b: z.object({ total: z.number().int(), shares: Stances(Interval) }),
      }),
    ),
  })
  .openapi('ModelComparison');

/** Model versions: what each labelled, how good it measured, and two compared. */
export function modelRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    route({
      method: 'get',
      path: '/',
      tags: ['validation'],
      summary: 'Model versions with item counts and measured quality',
      responses: { 200: { description: 'versions', ...json(Models) }, ...errorResponses },
    }),
    async (c) => c.json(await listModels(deps), 200),
  );
  app.openapi(
    route({
      method: 'get',
      path: '/compare',
      tags: ['validation'],
      summary: 'Two model versions: agreement, confusion table and weekly shares under each',
      request: { query: z.object({ a: version, b: version, from: dayParam.optional(), to: dayParam.optional() }) },
      responses: { 200: { description: 'the comparison', ...json(Compare) }, ...errorResponses },
    }),
    async (c) => c.json(await compareModels(deps, c.req.valid('query')), 200),
  );
  return app;
}
