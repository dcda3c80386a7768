import { z } from '@hono/zod-openapi';
import { CONCERNS, SOURCE_KINDS, STANCES } from '../../labels.ts';
import {
  ADJUST_CLASSES,
  annotate,
  createSample,
  exportAnnotations,
  getValidation,
  listSamples,
  MAX_SAMPLE,
  sampleForCoding,
  STRATIFY,
} from '../../services/validation.ts';
import { requireScope } from '../auth.ts';
import { bearerSecurity, errorResponses, IdParam, json, router, type AppDeps, route } from '../env.ts';
import { dayParam } from '../params.ts';

const write = requireScope('write');
const Interval = z.object({ value: z.number(), low: z.number(), high: z.number() }).nullable();
const byKeys = <K extends readonly string[], T extends z.ZodType>(keys: K, t: T) =>
  z.object(Object.fromEntries(keys.map((k) => [k, t])) as Record<K[number], T>);

const Sample = z
  .object({
    id: z.number().int(),
    name: z.string(),
    size: z.number().int(),
    requested: z.number().int(),
    seed: z.number().int(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    stratify: z.string().nullable(),
    model: z.string().openapi({ description: 'the model version whose labels defined the strata' }),
    population: z.number().int(),
    strata: z.array(z.object({ stratum: z.string(), population: z.number().int(), sampled: z.number().int(), weight: z.number() })),
    createdAt: z.string(),
  })
  .openapi('Sample');

const CreateSample = z.object({
  n: z.number().int().min(1).max(MAX_SAMPLE),
  from: dayParam.optional(),
  to: dayParam.optional(),
  stratify: z
    .enum(STRATIFY)
    .optional()
    .openapi({ description: "stance: equal allocation over the model's stance (off-topic a stratum of its own); weights recorded" }),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2_147_483_647)
    .optional()
    .openapi({ description: 'the same seed over the same items gives the same sample' }),
  name: z.string().trim().min(1).max(200).optional(),
});

const Label = z.object({ stance: z.enum(STANCES), relevant: z.boolean(), concerns: z.array(z.enum(CONCERNS)) });
const SampleItems = z
  .object({
    sample: Sample,
    items: z.array(
      z.object({
        id: z.number().int(),
        position: z.number().int(),
        title: z.string(),
        text: z.string(),
        url: z.string(),
        publishedAt: z.string(),
        source: z.string(),
        sourceKind: z.enum(SOURCE_KINDS),
        model: z.object({
          version: z.string().nullable(),
          stance: z.enum(STANCES).nullable(),
          relevant: z.boolean().nullable(),
          concerns: z.array(z.enum(CONCERNS)),
        }),
        coded: Label.nullable().openapi({ description: "this coder's answer, when `coder` is given and has coded the item" }),
      }),
    ),
  })
  .openapi('SampleItems');

const CreateAnnotation = z.object({
  itemId: z.number().int().positive(),
  coder: z.string().trim().min(1).max(100),
  stance: z.enum(STANCES),
  relevant: z.boolean(),
  concerns: z.array(z.enum(CONCERNS)).max(CONCERNS.length).default([]),
  sampleId: z.number().int().positive().optional(),
  durationMs: z.number().int().min(0).max(86_400_000).optional().openapi({ description: 'time from the item appearing to the answer' }),
});
const Annotation = z
  .object({
    id: z.number().int(),
    itemId: z.number().int(),
    coder: z.string(),
    stance: z.enum(STANCES),
    relevant: z.boolean(),
    concerns: z.array(z.enum(CONCERNS)),
    sampleId: z.number().int().nullable(),
    durationMs: z.number().int().nullable(),
    codedAt: z.string(),
  })
  .openapi('Annotation');

const Binary = z.object({ n: z.number().int(), precision: Interval, recall: Interval, f1: Interval });
const Accuracy = <K extends readonly [string, ...string[]]>(classes: K) =>
  z.object({
    n: z.number().int(),
    accuracy: Interval,
    macroF1: Interval,
    perClass: byKeys(classes, z.object({ precision: Interval, recall: Interval, f1: Interval, support: z.number().int() })),
    confusion: byKeys(classes, byKeys(classes, z.number())).openapi({
      description: "rows: the coders' consensus, columns: the model (weighted counts)",
    }),
  });
const Validation = z
  .object({
    sample: Sample,
    model: z.string(),
    weighted: z.boolean(),
    coders: z.array(z.object({ coder: z.string(), items: z.number().int() })),
    items: z.object({
      inSample: z.number().int(),
      coded: z.number().int(),
      withConsensus: z.number().int(),
      byTwoOrMore: z.number().int(),
    }),
    agreement: z.object({
      stanceAlpha: Interval.openapi({ description: "Krippendorff's alpha (nominal) over items coded by two or more coders" }),
      relevanceAlpha: Interval,
      kappa: z
        .array(z.object({ a: z.string(), b: z.string(), items: z.number().int(), kappa: Interval }))
        .openapi({ description: "Cohen's kappa on stance for each pair of coders" }),
    }),
    stance: Accuracy(STANCES),
    overall: Accuracy(ADJUST_CLASSES),
    relevance: Binary,
    concerns: z.object({ micro: Binary, perConcern: byKeys(CONCERNS, Binary) }),
    note: z.string(),
  })
  .openapi('Validation');

/** Validation samples, hand-coding and measured accuracy. */
export function validationRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    route({
      method: 'post',
      path: '/samples',
      tags: ['validation'],
      summary: 'Draw and store a reproducible random sample of labelled items for hand-coding',
      security: bearerSecurity,
      middleware: [write] as const,
      request: { body: { ...json(CreateSample), required: true } },
      responses: { 201: { description: 'the sample', ...json(Sample) }, ...errorResponses },
    }),
    async (c) => c.json(await createSample(deps, c.req.valid('json')), 201),
  );
  app.openapi(
    route({
      method: 'get',
      path: '/samples',
      tags: ['validation'],
      summary: 'Stored samples',
      responses: { 200: { description: 'samples', ...json(z.object({ samples: z.array(Sample) })) }, ...errorResponses },
    }),
    async (c) => c.json({ samples: await listSamples(deps) }, 200),
  );
  app.openapi(
    route({
      method: 'get',
      path: '/samples/{id}',
      tags: ['validation'],
      summary: "A sample's items in order, with the model's label and what `coder` already answered",
      request: { params: IdParam, query: z.object({ coder: z.string().trim().min(1).max(100).optional() }) },
      responses: { 200: { description: 'the items', ...json(SampleItems) }, ...errorResponses },
    }),
    async (c) => c.json(await sampleForCoding(deps, { id: c.req.valid('param').id, coder: c.req.valid('query').coder }), 200),
  );
  app.openapi(
    route({
      method: 'post',
      path: '/annotations',
      tags: ['validation'],
      summary: "A coder's label for an item (coding it again replaces it); updates the item's consensus",
      security: bearerSecurity,
      middleware: [write] as const,
      request: { body: { ...json(CreateAnnotation), required: true } },
      responses: { 201: { description: 'stored', ...json(Annotation) }, ...errorResponses },
    }),
    async (c) => c.json(await annotate(deps, c.req.valid('json')), 201),
  );
  app.openapi(
    route({
      method: 'get',
      path: '/annotations',
      tags: ['validation'],
      summary: "Every annotation (or one sample's) as CSV",
      request: { query: z.object({ sample: z.coerce.number().int().positive().max(2_147_483_647).optional() }) },
      responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses },
    }),
    async (c) =>
      c.body(await exportAnnotations(deps, { sampleId: c.req.valid('query').sample }), 200, { 'Content-Type': 'text/csv; charset=utf-8' }),
  );
  app.openapi(
    route({
      method: 'get',
      path: '/validation',
      tags: ['validation'],
      summary: "Measured accuracy on a sample: coder agreement, and the model against the coders' consensus",
      request: {
        query: z.object({
          sample: z.coerce.number().int().positive().max(2_147_483_647),
          model: z.string().trim().min(1).max(200).optional(),
        }),
      },
      responses: { 200: { description: 'the report', ...json(Validation) }, ...errorResponses },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(await getValidation(deps, { sampleId: q.sample, model: q.model }), 200);
    },
  );
  return app;
}
