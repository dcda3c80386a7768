import { createRoute, OpenAPIHono, z, type RouteConfig } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler, TypedResponse } from 'hono';
import type { Database } from '../../db/client.ts';
import type { Db } from '../../db/client.ts';
import type { PublicKey } from '../services/keys.ts';
import type { StanceModel } from '../classify/model.ts';
import type { ServiceDeps } from '../services/deps.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { acceptsEncoding, etagMatches, MIN_COMPRESS_BYTES } from './compression.ts';
import { inlineStandardHeaders } from './headers.ts';
import type { CostGate } from './cost-gate.ts';
import { ResponseCache, type CachedResponse } from './response-cache.ts';
import { errorJson } from './errors.ts';

/** What the HTTP app needs from the outside world; tests pass their own. Routes hand it to
 * service verbs as their ServiceDeps. */
export interface AppDeps extends ServiceDeps {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  /** the classifier the app labels with (POST /classify, digests name its version) */
  model: StanceModel;
  /** Lets /ready tell a reachable database; defaults to a `select 1` on db. */
  database?: Pick<Database, 'driver'>;
  /** when set, requests are measured and GET /metrics reports them */
  metrics?: Metrics;
  /** reused answers for expensive reads; built from config.cacheTtlMs and cacheMaxBytes when absent */
  cache?: ResponseCache;
  /** slots for expensive reads per client and per process; built from config.expensive when absent */
  gate?: CostGate;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    apiKey: PublicKey | undefined;
    headersInline?: boolean;
    /** the rate-limit identity: `key:<id>` for a key known good, else `ip:<address or /64>` */
    client?: string;
    /** the SHA-256 of the presented key, computed once */
    keyHash?: string;
    /** frees the request's expensive-read slot; a streaming route takes it to free it at the end */
    releaseSlot?: (() => void) | undefined;
  };
}

/** A router for one resource, with the validation hook every router shares. */
export function router() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

/** Turns a failed zod validation into a 400 naming the first bad parameter (or the unknown ones). */
export const validationHook = (result: { success: boolean; error?: unknown; target?: string }, c: Context) => {
  if (result.success) return;
  const err = result.error as z.ZodError;
  const issue = err.issues[0];
  let where = issue?.path.length ? issue.path.join('.') : (result.target ?? 'request');
  if (issue?.code === 'unrecognized_keys') where = [...issue.keys].map((k) => k.slice(0, 60)).join(', ');
  const message = issue ? `${where}: ${issue.message}` : 'invalid request';
  return errorJson(c, 400, 'invalid_parameter', message);
};

/**
 * A closed copy of an object schema (its refinements kept): a key it does not name is an error
 * listing the ones it does.
 */
function closed(schema: z.ZodType, what: 'parameter' | 'field'): z.ZodType {
  if (!(schema instanceof z.ZodObject)) return schema;
  const known = Object.keys(schema.shape);
  const list = known.length ? `expected ${known.join(', ')}` : 'this route takes none';
  const message = (keys: readonly PropertyKey[]) => `unknown ${what}${keys.length > 1 ? 's' : ''}; ${list}`;
  // clone keeps the definition's checks (refine), unlike rebuilding from the shape
  return schema.clone({
    ...schema._zod.def,
    catchall: z.never(),
    error: (iss: { code?: string; keys?: readonly PropertyKey[] }) =>
      iss.code === 'unrecognized_keys' ? message(iss.keys ?? []) : undefined,
  } as typeof schema._zod.def);
}

/**
 * createRoute, with every query and JSON body closed: a misspelt parameter (stnce=worry,
 * group-by=studio) or an unknown body field is a 400 that names it, never a silently unfiltered
 * answer. Routes with no query declared get an empty closed one.
 */
export function route<R extends RouteConfig>(config: R): R & { getRoutingPath(): string } {
  const request = { ...(config.request ?? {}) } as NonNullable<RouteConfig['request']>;
  request.query = closed((request.query as z.ZodType | undefined) ?? z.object({}), 'parameter') as typeof request.query;
  const json = request.body?.content?.['application/json'] as { schema?: unknown } | undefined;
  if (json?.schema instanceof z.ZodType)
    request.body = {
      ...request.body!,
      content: { ...request.body!.content, 'application/json': { ...json, schema: closed(json.schema, 'field') } },
    } as typeof request.body;
  return createRoute({ ...config, request }) as R & { getRoutingPath(): string };
}

/** The standard error body, for OpenAPI documents. */
export const ErrorSchema = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), requestId: z.string() }),
  })
  .openapi('Error');

export const errorResponses = {
  400: { description: 'Invalid input; the message names the parameter', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Missing, unknown or revoked key', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'The key lacks the needed scope', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorSchema } } },
} as const;

/**
 * Answers a read from the response cache, before the route validates its parameters or reads
 * anything: only answers to valid requests are stored, under the same normalised query. Put it
 * first in a cached route's middleware.
 */
export function fromCache(cache: ResponseCache | undefined): MiddlewareHandler {
  return async (c, next) => {
    const entry = cache?.enabled ? cache.get(ResponseCache.key(c.req.url)) : undefined;
    if (entry) return serveCached(c, cache!, entry);
    await next();
  };
}

/**
 * Serves a read from the response cache (304 when the client's ETag matches) or computes,
 * stores and serves it; concurrent requests for an answer being computed wait for that one
 * computation. Only successful answers are cached. The answer is stored under the validated
 * query (`key.query`: what the route read with c.req.valid) and `key.path`, the canonical path
 * when several spellings reach one resource (/announcements/07/...), so that invalidating it
 * reaches every spelling of its URL; the raw URL is remembered as an alias so the next request
 * spelt the same way is answered before validation.
 */
export async function cachedRead<T = unknown>(
  c: Context,
  cache: ResponseCache,
  compute: () => Promise<{ body: string; contentType: string; headers?: Record<string, string> }>,
  key: { path?: string; query?: Record<string, unknown> } = {},
): Promise<TypedResponse<T, 200, 'json'>> {
  const raw = ResponseCache.key(c.req.url);
  const path = key.path ?? c.req.path;
  const stored = key.query
    ? ResponseCache.validatedKey(path, key.query)
    : key.path === undefined
      ? raw
      : raw.includes('?')
        ? path + raw.slice(raw.indexOf('?'))
        : path;
  const entry = cache.get(stored) ?? (await cache.fill(stored, compute));
  cache.alias(raw, stored);
  // The body is the JSON of a T that `compute` serialised (or its CSV form); the response test
  // checks real answers against /openapi.json.
  return serveCached(c, cache, entry) as unknown as TypedResponse<T, 200, 'json'>;
}

function serveCached(c: Context, cache: ResponseCache, entry: CachedResponse): Response {
  const gzip = entry.body.byteLength >= MIN_COMPRESS_BYTES && acceptsEncoding(c.req.header('accept-encoding'), 'gzip');
  // A Response with plain headers, built once, not c.body(): Hono would build undici Headers for
  // them, and @hono/node-server writes plain headers straight out.
  const headers: Record<string, string> = {
    ...inlineStandardHeaders(c, entry.contentType),
    'Cache-Control': `public, max-age=${Math.max(1, Math.round(cache.ttlMs / 1000) || 30)}`,
    Vary: 'Accept-Encoding',
    ETag: gzip ? `W/${entry.etag}` : entry.etag,
    ...entry.headers,
  };
  if (etagMatches(c.req.header('if-none-match'), entry.etag)) return new Response(null, { status: 304, headers });
  headers['Content-Type'] = entry.contentType;
  if (!gzip) return new Response(entry.body, { status: 200, headers });
  // compressed once per cached answer, not once per request
  headers['Content-Encoding'] = 'gzip';
  return new Response(cache.gzipped(entry), { status: 200, headers });
}

/** `content` for a JSON request or response body in a route definition. */
export const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
/** Routes that need `Authorization: Bearer <key>`, for the OpenAPI document. */
export const bearerSecurity = [{ bearer: [] }];
/** A numeric `:id` path parameter (PostgreSQL serial range). */
export const IdParam = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
