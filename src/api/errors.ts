import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../logger.ts';
import { ServiceError, type ServiceErrorKind } from '../services/errors.ts';

/** The one error type routes throw: an HTTP status, a stable machine code and a readable message. */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (param: string, message: string) => new AppError(400, 'invalid_parameter', `${param}: ${message}`);
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'timeout',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
  504: 'timeout',
};

export interface ErrorBody {
  error: { code: string; message: string; requestId: string };
}

/** Builds the standard error body `{error: {code, message, requestId}}`. */
export function errorJson<S extends ContentfulStatusCode>(c: Context, status: S, code: string, message: string) {
  const requestId = (c.get('requestId' as never) as string | undefined) ?? '';
  return c.json<ErrorBody, S>({ error: { code, message, requestId } }, status);
}

/** How each kind of service error reads over HTTP: the one place the mapping lives. */
const SERVICE_STATUS: Record<ServiceErrorKind, { status: ContentfulStatusCode; code: string }> = {
  invalid: { status: 400, code: 'invalid_parameter' },
  not_found: { status: 404, code: 'not_found' },
  conflict: { status: 409, code: 'conflict' },
  unavailable: { status: 503, code: 'unavailable' },
  too_large: { status: 413, code: 'payload_too_large' },
  forbidden: { status: 403, code: 'forbidden' },
};

/** The HTTP status and code of a service error. */
export function httpOf(err: ServiceError): { status: ContentfulStatusCode; code: string } {
  return SERVICE_STATUS[err.kind];
}

/** The single error handler: known errors keep their status, everything else is a bare 500. */
export function onError(logger: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof AppError) return errorJson(c, err.status, err.code, err.message);
    if (err instanceof ServiceError) {
      const { status, code } = httpOf(err);
      if (status === 503) c.header('Retry-After', '5');
      return errorJson(c, status, code, err.message);
    }
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      const message = err.message || defaultMessage(status);
      return errorJson(c, status, CODES[status] ?? 'error', message);
    }
    logger.error({ err, requestId: c.get('requestId' as never), path: c.req.path }, 'unhandled error');
    return errorJson(c, 500, 'internal', 'internal error; the request id identifies it in the logs');
  };
}

function defaultMessage(status: number): string {
  if (status === 413) return 'request body too large';
  if (status === 400) return 'malformed request';
  return `HTTP ${status}`;
}
