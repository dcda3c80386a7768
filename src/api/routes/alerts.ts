import { z } from '@hono/zod-openapi';
import { etag } from 'hono/etag';
import { ALERT_METRICS } from '../../alerts/view.ts';
import { listAlerts } from '../../services/alerts.ts';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks } from '../../services/webhooks.ts';
import { requireScope } from '../auth.ts';
import { bearerSecurity, errorResponses, IdParam, json, router, type AppDeps, route } from '../env.ts';
import { dayParam, entityParam } from '../params.ts';

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

const Delivery = z
  .object({
    id: z.number().int(),
    alertId: z.number().int(),
    status: z.string(),
    attempts: z.number().int(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
  })
  .openapi('Delivery');

/** Spike alerts per studio and union, and the webhooks that receive them. */
export function alertRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    route({
      method: 'get',
      path: '/alerts',
      tags: ['alerts'],
      summary: 'Spikes in volume or worry share per studio and union, newest first',
      middleware: [etag()] as const,
      request: {
        query: z.object({
          from: dayParam.optional(),
          to: dayParam.optional().openapi({ description: 'last day, inclusive' }),
          entity: entityParam('studio', 'union').optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
      },
      responses: { 200: { description: 'alerts', ...json(z.object({ alerts: z.array(Alert), method: z.string() })) }, ...errorResponses },
    }),
    async (c) => {
      c.header('Cache-Control', 'public, max-age=30');
      return c.json(await listAlerts(deps, c.req.valid('query')), 200);
    },
  );

  const Webhook = z
    .object({
      id: z.number().int(),
      url: z.string(),
      entity: z.string().nullable(),
      metric: z.string().nullable(),
      enabled: z.boolean(),
      createdAt: z.string(),
    })
    .openapi('Webhook');
  app.openapi(
    route({
      method: 'post',
      path: '/webhooks',
      tags: ['alerts'],
      summary: 'Register a URL to receive alerts as signed JSON (X-Pulse-Signature: sha256=HMAC of the body)',
      security,
      middleware: [write] as const,
      request: {
        body: {
          ...json(
            z.object({ url: z.string().max(2000), entity: entityParam('studio', 'union').optional(), metric: z.enum(METRICS).optional() }),
          ),
          required: true,
        },
      },
      responses: {
        201: { description: 'registered; the secret is in this response only', ...json(Webhook.extend({ secret: z.string() })) },
        ...errorResponses,
      },
    }),
    async (c) => {
      return c.json(await createWebhook(deps, c.req.valid('json')), 201);
    },
  );
  app.openapi(
    route({
      method: 'get',
      path: '/webhooks',
      tags: ['alerts'],
      summary: 'Registered webhooks (never their secrets)',
      security,
      middleware: [write] as const,
      responses: { 200: { description: 'webhooks', ...json(z.object({ webhooks: z.array(Webhook) })) }, ...errorResponses },
    }),
    async (c) => c.json({ webhooks: await listWebhooks(deps) }, 200),
  );
  app.openapi(
    route({
      method: 'get',
      path: '/webhooks/{id}/deliveries',
      tags: ['alerts'],
      summary: 'Every delivery to a webhook, newest first',
      security,
      middleware: [write] as const,
      request: { params: IdParam },
      responses: { 200: { description: 'deliveries', ...json(z.object({ deliveries: z.array(Delivery) })) }, ...errorResponses },
    }),
    async (c) => {
      return c.json({ deliveries: await listDeliveries(deps, c.req.valid('param')) }, 200);
    },
  );
  app.openapi(
    route({
      method: 'delete',
      path: '/webhooks/{id}',
      tags: ['alerts'],
      summary: 'Remove a webhook',
      security,
      middleware: [write] as const,
      request: { params: IdParam },
      responses: { 204: { description: 'removed' }, ...errorResponses },
    }),
    async (c) => {
      await deleteWebhook(deps, c.req.valid('param'));
      return c.body(null, 204);
    },
  );
  return app;
}
