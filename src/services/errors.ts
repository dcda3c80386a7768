/**
 * The errors a service verb throws. Each says what went wrong in terms of the request, never of
 * the storage: callers map the kind to their own medium in one place (HTTP status in
 * src/api/errors.ts, an exit code and one line in the CLI).
 */
export type ServiceErrorKind = 'invalid' | 'not_found' | 'conflict' | 'unavailable' | 'too_large' | 'forbidden';

export class ServiceError extends Error {
  constructor(
    readonly kind: ServiceErrorKind,
    message: string,
    /** the request field the error is about, when there is one */
    readonly field?: string,
  ) {
    super(field ? `${field}: ${message}` : message);
    this.name = 'ServiceError';
  }
}

/** A request value that cannot be served (range, format, combination); names the field. */
export const invalid = (field: string, message: string) => new ServiceError('invalid', message, field);
/** Nothing stored under that identifier. */
export const notFound = (what: string) => new ServiceError('not_found', `${what} not found`);
/** The change would clash with something stored (a unique URL, say). */
export const conflict = (message: string, field?: string) => new ServiceError('conflict', message, field);
/** A dependency (database, remote service) cannot answer now; retrying later may work. */
export const unavailable = (message: string) => new ServiceError('unavailable', message);
/** The input is larger than the verb accepts. */
export const tooLarge = (message: string, field?: string) => new ServiceError('too_large', message, field);
/** The caller's key may not do this. */
export const forbidden = (message: string) => new ServiceError('forbidden', message);

/** True when a database error is a unique-constraint violation (SQLSTATE 23505). */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
