import { z } from '@hono/zod-openapi';
import { createFeedToken, revokeFeedToken } from '../../services/sessions.ts';
import { assertScope } from '../auth.ts';
import { bearerSecurity, errorResponses, IdParam, json, router, type AppDeps, route } from '../env.ts';

/** Read tokens for feed URLs: feed readers cannot send an Authorization header. */
export function feedTokenRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    route({
      method: 'post',
      path: '/',
      tags: ['keys'],
      summary: 'A read token for feed URLs (/api/v1/digests/feed.xml?token=…), tied to the key that asks for it; revoking either ends it',
      security: bearerSecurity,
      responses: {
        201: {
          description: 'the token, shown once',
          ...json(z.object({ id: z.number().int(), token: z.string(), createdAt: z.string(), feedUrl: z.string() }).openapi('FeedToken')),
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const key = c.get('apiKey');
      assertScope(key, 'write', 'a feed token');
      const t = await createFeedToken(deps, { keyId: key!.id });
      return c.json({ ...t, feedUrl: `/api/v1/digests/feed.xml?token=${t.token}` }, 201);
    },
  );
  app.openapi(
    route({
      method: 'delete',
      path: '/{id}',
      tags: ['keys'],
      summary: 'Revoke a feed token of this key',
      security: bearerSecurity,
      request: { params: IdParam },
      responses: { 204: { description: 'revoked' }, ...errorResponses },
    }),
    async (c) => {
      const key = c.get('apiKey');
      assertScope(key, 'write', 'revoking a feed token');
      await revokeFeedToken(deps, { id: c.req.valid('param').id, keyId: key!.id });
      return c.body(null, 204);
    },
  );
  return app;
}
