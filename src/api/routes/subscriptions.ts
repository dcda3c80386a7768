import { z } from '@hono/zod-openapi';
import { MAIL_TOPICS } from '../../labels.ts';
import { subscribe } from '../../services/mail.ts';
import { requireScope } from '../auth.ts';
import { bearerSecurity, errorResponses, json, router, type AppDeps, route } from '../env.ts';
import { entityParam } from '../params.ts';

const Subscription = z
  .object({
    id: z.number().int(),
    email: z.string(),
    topic: z.enum(MAIL_TOPICS),
    entity: z.string().nullable(),
    unsubscribeUrl: z.string(),
  })
  .openapi('MailSubscription');

/** Email subscriptions: the weekly digest, or alerts (of one studio or union, or all). */
export function subscriptionRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    route({
      method: 'post',
      path: '/',
      tags: ['alerts'],
      summary:
        'Subscribe an email address to the weekly digest or to alerts (sent when PULSE_SMTP_URL is set); every email carries an unsubscribe link',
      security: bearerSecurity,
      middleware: [requireScope('write')] as const,
      request: {
        body: {
          ...json(
            z.object({
              email: z.string().max(254),
              topic: z.enum(MAIL_TOPICS),
              entity: entityParam('studio', 'union').optional().openapi({ description: 'alerts about this studio or union only' }),
            }),
          ),
          required: true,
        },
      },
      responses: { 201: { description: 'subscribed (again, if it had been unsubscribed)', ...json(Subscription) }, ...errorResponses },
    }),
    async (c) => c.json(await subscribe(deps, c.req.valid('json')), 201),
  );
  return app;
}
