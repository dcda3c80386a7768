import { z } from '@hono/zod-openapi';
import { compressLarge } from '../compression.ts';
import { SOURCE_KINDS } from '../../labels.ts';
import {
  createAnnouncement,
  deleteAnnouncement,
  getAnnouncement,
  listAnnouncements,
  presentAnnouncement as present,
  updateAnnouncement,
} from '../../services/announcements.ts';
import { announcementReaction, MAX_WINDOW_DAYS, type ReactionAnswer } from '../../services/reactions.ts';
import { requireScope } from '../auth.ts';
import { bearerSecurity, cachedRead, errorResponses, IdParam, json, router, type AppDeps, route } from '../env.ts';
import { dayParam, tzParam } from '../params.ts';
import { Adjustment } from './trends.ts';

export { MAX_WINDOW_DAYS } from '../../services/reactions.ts';

const Announcement = z
  .object({
    id: z.number().int(),
    title: z.string(),
    studio: z.string().nullable(),
    date: z.string(),
    time: z.string().nullable(),
    timeZone: z.string().nullable(),
    url: z.string().nullable(),
    description: z.string(),
    keywords: z.array(z.string()),
    moment: z.string().openapi({ description: 'the instant the reaction windows split at' }),
  })
  .openapi('Announcement');

const Stances = <T extends z.ZodType>(t: T) => z.object({ excitement: t, worry: t, neutral: t });
const Interval = z.object({ value: z.number(), low: z.number(), high: z.number() });
const Side = z.object({
  total: z.number().int(),
  counts: Stances(z.number().int()),
  shares: Stances(Interval),
  net: z.number(),
  rate: z.number().openapi({ description: 'items per day' }),
});
const Test = z.object({ diff: z.number(), z: z.number(), p: z.number() }).nullable();
const Comparison = z.object({
  before: Side,
  after: Side,
  worryShare: Test.openapi({ description: 'pooled two-proportion z-test of the worry share' }),
  net: Test.openapi({ description: 'z-test of the net score' }),
  volume: z.object({ before: z.number().int(), after: z.number().int(), ratio: z.number().nullable(), p: z.number() }),
  enoughData: z.boolean(),
  note: z.string().nullable(),
});
const TopItem = z.object({
  id: z.number().int(),
  title: z.string(),
  url: z.string(),
  source: z.string(),
  kind: z.enum(SOURCE_KINDS),
  publishedAt: z.string(),
  stance: z.enum(['excitement', 'worry', 'neutral']),
  confidence: z.number(),
  quote: z.string().nullable(),
});
const AdjustedSide = z.object({
  shares: Stances(Interval.nullable()),
  relevant: Interval.nullable(),
  observed: z.object({ offTopic: z.number().int(), relevant: z.number().int() }),
});
const Reaction = Comparison.extend({
  announcement: z.lazy(() => Announcement),
  kind: z.enum(SOURCE_KINDS).nullable(),
  method: z.string(),
  moment: z.string(),
  windowDays: z.number().int(),
  windows: z.object({
    before: z.object({ from: z.string(), to: z.string() }),
    after: z.object({ from: z.string(), to: z.string(), complete: z.boolean() }),
  }),
  byKind: z.object({
    news: Comparison.optional(),
    union: Comparison.optional(),
    studio: Comparison.optional(),
    opinion: Comparison.optional(),
  }),
  daily: z.array(
    z.object({ day: z.string(), side: z.enum(['before', 'after']), counts: Stances(z.number().int()), total: z.number().int() }),
  ),
  topItems: z.object({ before: z.array(TopItem), after: z.array(TopItem) }),
  adjusted: z
    .object({ before: AdjustedSide.nullable(), after: AdjustedSide.nullable(), worryShareDiff: Interval.nullable() })
    .optional()
    .openapi({
      description:
        "with adjust=true: each side's shares corrected for the model's measured errors, and the change in worry share with a bootstrap interval",
    }),
  adjustment: Adjustment.optional(),
}).openapi('Reaction');

const text = (max: number) => z.string().trim().min(1).max(max);
const Fields = z.object({
  title: text(300),
  studio: text(200).nullable().optional(),
  date: dayParam,
  time: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, { message: 'expected HH:MM' })
    .nullable()
    .optional(),
  timeZone: tzParam.nullable().optional(),
  url: z.url({ message: 'expected an absolute URL' }).max(2000).nullable().optional(),
  description: z.string().max(5000).optional(),
  keywords: z.array(text(100)).max(20).optional(),
});
const Create = Fields.refine((a) => !a.time || a.timeZone, { message: 'a time needs a timeZone', path: ['timeZone'] });
const Patch = Fields.partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'nothing to change' });

const security = bearerSecurity;
const write = requireScope('write');

/** Dated studio AI announcements and the measured reaction around each. */
export function announcementRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    route({
      method: 'get',
      path: '/',
      tags: ['announcements'],
      summary: 'All announcements, oldest first',
      responses: { 200: { description: 'announcements', ...json(z.object({ announcements: z.array(Announcement) })) } },
    }),
    async (c) => c.json({ announcements: (await listAnnouncements(deps)).map(present) }, 200),
  );
  app.openapi(
    route({
      method: 'post',
      path: '/',
      tags: ['announcements'],
      summary: 'Add an announcement',
      security,
      middleware: [write] as const,
      request: { body: { ...json(Create), required: true } },
      responses: { 201: { description: 'created', ...json(Announcement) }, ...errorResponses },
    }),
    async (c) => {
      return c.json(present(await createAnnouncement(deps, c.req.valid('json'))), 201);
    },
  );
  app.openapi(
    route({
      method: 'get',
      path: '/{id}',
      tags: ['announcements'],
      summary: 'One announcement',
      request: { params: IdParam },
      responses: { 200: { description: 'announcement', ...json(Announcement) }, ...errorResponses },
    }),
    async (c) => {
      return c.json(present(await getAnnouncement(deps, c.req.valid('param'))), 200);
    },
  );
  app.openapi(
    route({
      method: 'patch',
      path: '/{id}',
      tags: ['announcements'],
      summary: 'Change an announcement',
      security,
      middleware: [write] as const,
      request: { params: IdParam, body: { ...json(Patch), required: true } },
      responses: { 200: { description: 'changed', ...json(Announcement) }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      return c.json(present(await updateAnnouncement(deps, { id, patch: c.req.valid('json') })), 200);
    },
  );
  app.openapi(
    route({
      method: 'delete',
      path: '/{id}',
      tags: ['announcements'],
      summary: 'Delete an announcement',
      security,
      middleware: [write] as const,
      request: { params: IdParam },
      responses: { 204: { description: 'deleted' }, ...errorResponses },
    }),
    async (c) => {
      await deleteAnnouncement(deps, c.req.valid('param'));
      return c.body(null, 204);
    },
  );
  app.openapi(
    route({
      method: 'get',
      path: '/{id}/reaction',
      tags: ['announcements'],
      summary: 'Before/after event study: volume, stance shares with intervals, tests, by source kind, daily series, top items',
      middleware: [compressLarge()] as const,
      request: {
        params: IdParam,
        query: z.object({
          window: z
            .string()
            .regex(/^\d{1,3}d$/, { message: 'expected a number of days such as 14d' })
            .refine((w) => Number(w.slice(0, -1)) >= 1 && Number(w.slice(0, -1)) <= MAX_WINDOW_DAYS, {
              message: `expected 1d to ${MAX_WINDOW_DAYS}d`,
            })
            .default('14d'),
          kind: z.enum(SOURCE_KINDS).optional(),
          adjust: z
            .enum(['true', 'false'])
            .default('false')
            .transform((v) => v === 'true')
            .openapi({ description: "true: also each side corrected for the model's measured errors (a validation sample)" }),
          sample: z.coerce
            .number()
            .int()
            .positive()
            .max(2_147_483_647)
            .optional()
            .openapi({ description: 'the validation sample to adjust with' }),
        }),
      },
      responses: { 200: { description: 'the reaction', ...json(Reaction) }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { window, kind, adjust, sample } = c.req.valid('query');
      const windowDays = Number(window.slice(0, -1));
      // a missing announcement is a 404 before anything is cached
      await getAnnouncement(deps, { id });
      return cachedRead<ReactionAnswer>(
        c,
        deps.cache!,
        async () => {
          const answer = await announcementReaction(deps, { id, windowDays, kind, adjust, sample });
          return { body: JSON.stringify(answer), contentType: 'application/json' };
        },
        { path: `/api/v1/announcements/${id}/reaction`, query: { window, kind, adjust, sample } },
      );
    },
  );
  return app;
}
