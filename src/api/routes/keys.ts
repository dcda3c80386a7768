import { z } from '@hono/zod-openapi';
import { createKey, listKeys, revokeKey, type PublicKey } from '../../services/keys.ts';
import { KEY_SCOPES } from '../../labels.ts';
import { requireScope } from '../auth.ts';
import { bearerSecurity, errorResponses, IdParam, router, type AppDeps, route } from '../env.ts';

const Key = z
  .object({
    id: z.number().int(),
    name: z.string(),
    scope: z.enum(KEY_SCOPES),
    prefix: z.string().openapi({ description: 'the first characters of the secret, to tell keys apart' }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revoked: z.boolean(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiKey');

const CreateKey = z.object({
  name: z.string().trim().min(1).max(200),
  scope: z.enum(KEY_SCOPES).default('write'),
});

const security = bearerSecurity;
const admin = requireScope('admin');

const present = (k: PublicKey) => ({
  id: k.id,
  name: k.name,
  scope: k.scope,
  prefix: k.prefix,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revoked: k.revokedAt !== null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

/** API key management; every route needs an admin key. */
export function keyRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    route({
      method: 'get',
      path: '/',
      tags: ['keys'],
      summary: 'List API keys (never their secrets)',
      security,
      middleware: [admin] as const,
      responses: {
        200: { description: 'keys', content: { 'application/json': { schema: z.object({ keys: z.array(Key) }) } } },
        ...errorResponses,
      },
    }),
    async (c) => c.json({ keys: (await listKeys(deps)).map(present) }, 200),
  );
  app.openapi(
    route({
      method: 'post',
      path: '/',
      tags: ['keys'],
      summary: 'Create a key; the secret is in this response only',
      security,
      middleware: [admin] as const,
      request: { body: { content: { 'application/json': { schema: CreateKey } }, required: true } },
      responses: {
        201: { description: 'created', content: { 'application/json': { schema: Key.extend({ secret: z.string() }) } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const { key, secret } = await createKey(deps, body);
      return c.json({ ...present(key), secret }, 201);
    },
  );
  app.openapi(
    route({
      method: 'delete',
      path: '/{id}',
      tags: ['keys'],
      summary: 'Revoke a key (it stays listed, marked revoked)',
      security,
      middleware: [admin] as const,
      request: { params: IdParam },
      responses: { 200: { description: 'revoked', content: { 'application/json': { schema: Key } } }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      return c.json(present(await revokeKey(deps, { id })), 200);
    },
  );
  return app;
}
