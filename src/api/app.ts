import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { timeout } from 'hono/timeout';
import { authenticate } from './auth.ts';
import { CostGate, expensive } from './cost-gate.ts';
import { KeyCache } from './key-cache.ts';
import { standardHeaders } from './headers.ts';
import { requestLog } from './request-log.ts';
import { rateLimit } from './rate-limit.ts';
import { refuseNul } from './nul-guard.ts';
import { fromCache, router, type AppDeps } from './env.ts';
import { AppError, errorJson, onError } from './errors.ts';
import { ResponseCache } from './response-cache.ts';
import { alertRoutes } from './routes/alerts.ts';
import { announcementRoutes } from './routes/announcements.ts';
import { classifyRoutes } from './routes/classify.ts';
import { digestRoutes } from './routes/digests.ts';
import { docsRoutes } from './routes/docs.ts';
import { assetRoutes } from '../web/assets.ts';
import { webRoutes } from '../web/routes.tsx';
import { mailRoutes } from '../web/mail-routes.tsx';
import { signInRoutes } from '../web/sign-in.tsx';
import { feedTokenRoutes } from './routes/feed-tokens.ts';
import { healthRoutes } from './routes/health.ts';
import { itemRoutes } from './routes/items.ts';
import { keyRoutes } from './routes/keys.ts';
import { jobRoutes, metricsRoute } from './routes/ops.ts';
import { sourceRoutes } from './routes/sources.ts';
import { subscriptionRoutes } from './routes/subscriptions.ts';
import { watchRoutes } from './routes/watches.ts';
import { trendRoutes } from './routes/trends.ts';
import { modelRoutes } from './routes/models.ts';
import { validationRoutes } from './routes/validation.ts';

export type { AppDeps } from './env.ts';

/** Largest request body a write route accepts... */
export const MAX_BODY_BYTES = 1024 * 1024;
/** ...except classification with a key, which takes up to 100 texts of 20,000 characters... */
export const MAX_CLASSIFY_BODY_BYTES = 10 * 1024 * 1024;
/** ...and classification without one: a dozen long texts, so no anonymous body holds the CPU long. */
export const MAX_ANON_CLASSIFY_BODY_BYTES = 256 * 1024;

/**
 * Reads that cost the database or the CPU in proportion to what is asked (not answered from
 * the cache): they share the per-client and per-process slots of the cost gate.
 */
const EXPENSIVE: readonly string[] = [
  '/',
  '/announcements/:id',
  '/unions/:name',
  '/studios/:name',
  '/api/v1/trends',
  '/api/v1/items',
  '/api/v1/items/export',
  '/api/v1/announcements/:id/reaction',
  '/api/v1/digests/*',
  // bootstrap intervals over a coded sample, and a join of two model versions' labels
  '/api/v1/validation',
  '/api/v1/models/compare',
  '/models/validation/:id',
];

/**
 * Builds the HTTP app from its dependencies. No port is opened here: tests call
 * `app.request()`, and src/server.ts listens.
 */
export function createApp(input: AppDeps) {
  const cache = input.cache ?? new ResponseCache(input.config.cacheTtlMs, { maxBytes: input.config.cacheMaxBytes });
  const gate = input.gate ?? new CostGate(input.config.expensive.perClient, input.config.expensive.total);
  const deps: AppDeps = { ...input, cache, gate, invalidate: (prefix) => cache.invalidate(prefix) };
  const app = router();
  app.use(standardHeaders());
  app.use(requestLog(deps));
  if (deps.config.corsOrigins?.length) {
    const origins = deps.config.corsOrigins;
    app.use(
      '/api/*',
      cors({
        origin: origins.includes('*') ? '*' : origins,
        allowHeaders: ['Authorization', 'Content-Type'],
        exposeHeaders: ['X-Request-Id', 'Retry-After'],
        maxAge: 600,
      }),
    );
  }
  // Every route is rate limited, before anything reads the request: a request whose key is not
  // known good (none, wrong, guessed) counts against its client's address before the key is
  // looked up. Then the key is checked (a wrong one refused, a recently refused one without the
  // database), before any body is read.
  const keys = new KeyCache();
  app.use('*', rateLimit(deps.config.rateLimit, keys));
  app.use('*', authenticate(deps, keys));
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new AppError(413, 'payload_too_large', `request body larger than ${maxSize} bytes`);
      },
    });
  const defaultLimit = limit(MAX_BODY_BYTES);
  const classifyLimit = limit(MAX_CLASSIFY_BODY_BYTES);
  const anonClassifyLimit = limit(MAX_ANON_CLASSIFY_BODY_BYTES);
  // Reads carry no body to limit, and looking for one would build a full Request object per read.
  app.use('/api/*', (c, next) =>
    c.req.method === 'GET' || c.req.method === 'HEAD'
      ? next()
      : c.req.path.startsWith('/api/v1/classify')
        ? (c.get('apiKey') ? classifyLimit : anonClassifyLimit)(c, next)
        : defaultLimit(c, next),
  );
  app.use('*', refuseNul());
  // cached reads (trends, reactions, the dashboard) are answered here, once the key and the rate are checked
  app.on(['GET', 'HEAD'], ['/api/*', '/'], fromCache(deps.cache));
  for (const path of EXPENSIVE) app.on(['GET', 'HEAD'], path, expensive(gate));
  const deadline = timeout(
    deps.config.requestTimeoutMs,
    () => new AppError(504, 'timeout', `no answer within ${deps.config.requestTimeoutMs} ms`) as never,
  );
  // exports stream for as long as they need; everything else has a deadline
  app.use('/api/*', (c, next) => (c.req.path === '/api/v1/items/export' ? next() : deadline(c, next)));

  app.route('/', healthRoutes(deps));
  app.route('/', metricsRoute(deps));
  app.route('/', docsRoutes());
  app.route('/', assetRoutes());
  app.route('/', webRoutes(deps));
  app.route('/', mailRoutes(deps));
  app.route('/', signInRoutes(deps));
  app.route('/api/v1/jobs', jobRoutes(deps));
  app.route('/api/v1/keys', keyRoutes(deps));
  app.route('/api/v1/sources', sourceRoutes(deps));
  app.route('/api/v1/items', itemRoutes(deps));
  app.route('/api/v1/classify', classifyRoutes(deps));
  app.route('/api/v1/trends', trendRoutes(deps));
  app.route('/api/v1/announcements', announcementRoutes(deps));
  app.route('/api/v1', alertRoutes(deps));
  app.route('/api/v1/digests', digestRoutes(deps));
  app.route('/api/v1/subscriptions', subscriptionRoutes(deps));
  app.route('/api/v1/watches', watchRoutes(deps));
  app.route('/api/v1/feed-tokens', feedTokenRoutes(deps));
  app.route('/api/v1/models', modelRoutes(deps));
  app.route('/api/v1', validationRoutes(deps));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Pulse API',
      version: '1',
      description:
        'How the screen industry reacts to studios using generative AI: sources, items and their stance labels, trends with honest denominators, ' +
        'announcements and the measured reaction to each, spike alerts and webhooks. Reads are public unless the server requires a key; writes need `Authorization: Bearer <key>`. ' +
        'Errors are `{"error": {"code", "message", "requestId"}}`.',
    },
  });

  app.notFound((c) => errorJson(c, 404, 'not_found', `no route for ${c.req.method} ${c.req.path}`));
  app.onError(onError(deps.logger));
  return app;
}
