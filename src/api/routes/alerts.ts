import { randomBytes } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { etag } from 'hono/etag';
import { deleteWebhook, insertWebhook, listAlerts, listDeliveries, listWebhooks, type WebhookRow } from '../../../db/queries/alerts.ts';
import { ALERT_METRICS, alertView } from '../../alerts/view.ts';
import { webhookUrlProblem } from '../../alerts/webhook-url.ts';
import { requireScope } from '../auth.ts';
import { bearerSecurity, errorResponses, IdParam, json, router, type AppDeps } from '../env.ts';
import { badRequest, notFound } from '../errors.ts';
import { dayParam, nameParam } from '../params.ts';

const METRICS = ALERT_METRICS;
const security = bearerSecurity;
const write = requireScope('write');

const Alert = z
  .object({
    id: z.number().int(),
    day: z.string(),
    entityType: z.string(),
    entity: z.string(),
    metric: z.enum(METRICS),
    value: z.number(),
    baseline: z.number(),
    score: z.number(),
    pValue: z.number(),
    count: z.number().int(),
    baselineCount: z.number().int(),
  })
  .openapi('Alert');

const presentAlert = alertView;
const presentWebhook = (w: WebhookRow) => ({ id: w.id, url: w.url, entity: w.entity, metric: w.metric, enabled: w.enabled, createdAt: w.createdAt.toISOString() });

/** Spike alerts per studio and union, and the webhooks that receive them. */
export function alertRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/alerts',
      tags: ['alerts'],
      summary: 'Spikes in volume or worry share per studio and union, newest first',
      middleware: [etag()] as const,
      request: { query: z.object({ from: dayParam.optional(), to: dayParam.optional().openapi({ description: 'last day, inclusive' }), entity: nameParam.optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }) },
      responses: { 200: { description: 'alerts', ...json(z.object({ alerts: z.array(Alert), method: z.string() })) }, ...errorResponses },
    }),
    async (c) => {
      const q = c.req.valid('query');
      if (q.from && q.to && q.from > q.to) throw badRequest('to', 'must not be before from');
      const s = deps.config.alerts;
      const method =
        `Per studio and union, each UTC day against the trailing ${s.baselineDays} days. Volume: today's relevant items against a Poisson baseline ` +
        `(daily mean), flagged when P(X ≥ today) < ${s.maxP}. Worry share: two-proportion z-test of today's share against the baseline's, flagged when z ≥ ${s.minZ}. ` +
        `Days with fewer than ${s.minVolume} items are never flagged.`;
      c.header('Cache-Control', 'public, max-age=30');
      return c.json({ alerts: (await listAlerts(deps.db, q)).map(presentAlert), method }, 200);
    },
  );

  const Webhook = z.object({ id: z.number().int(), url: z.string(), entity: z.string().nullable(), metric: z.string().nullable(), enabled: z.boolean(), createdAt: z.string() }).openapi('Webhook');
  app.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks',
      tags: ['alerts'],
      summary: 'Register a URL to receive alerts as signed JSON (X-Pulse-Signature: sha256=HMAC of the body)',
      security,
      middleware: [write] as const,
      request: { body: { ...json(z.object({ url: z.string().max(2000), entity: nameParam.optional(), metric: z.enum(METRICS).optional() })), required: true } },
      responses: { 201: { description: 'registered; the secret is in this response only', ...json(Webhook.extend({ secret: z.string() })) }, ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const problem = await webhookUrlProblem(body.url, deps.config.allowPrivateFeeds);
      if (problem) throw badRequest('url', problem);
      const secret = randomBytes(32).toString('hex');
      const row = await insertWebhook(deps.db, { url: new URL(body.url).toString(), entity: body.entity ?? null, metric: body.metric ?? null, secret });
      return c.json({ ...presentWebhook(row), secret }, 201);
    },
  );
  app.openapi(
    createRoute({ method: 'get', path: '/webhooks', tags: ['alerts'], summary: 'Registered webhooks (never their secrets)', security, middleware: [write] as const, responses: { 200: { description: 'webhooks', ...json(z.object({ webhooks: z.array(Webhook) })) }, ...errorResponses } }),
    async (c) => c.json({ webhooks: (await listWebhooks(deps.db)).map(presentWebhook) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/webhooks/{id}/deliveries',
      tags: ['alerts'],
      summary: 'Every delivery to a webhook, newest first',
      security,
      middleware: [write] as const,
      request: { params: IdParam },
      responses: { 200: { description: 'deliveries', ...json(z.object({ deliveries: z.array(z.record(z.string(), z.unknown())) })) }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!(await listWebhooks(deps.db)).some((w) => w.id === id)) throw notFound(`webhook ${id}`);
      const rows = await listDeliveries(deps.db, id, 200);
      return c.json(
        {
          deliveries: rows.map((d) => ({
            id: d.id,
            alertId: d.alertId,
            status: d.status,
            attempts: d.attempts,
            lastStatus: d.lastStatus,
            lastError: d.lastError,
            nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
            deliveredAt: d.deliveredAt?.toISOString() ?? null,
          })),
        },
        200,
      );
    },
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/webhooks/{id}', tags: ['alerts'], summary: 'Remove a webhook', security, middleware: [write] as const, request: { params: IdParam }, responses: { 204: { description: 'removed' }, ...errorResponses } }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!(await deleteWebhook(deps.db, id))) throw notFound(`webhook ${id}`);
      return c.body(null, 204);
    },
  );
  return app;
}
