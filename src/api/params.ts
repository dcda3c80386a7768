import { z } from '@hono/zod-openapi';
import { isTimeZone } from '../config.ts';
import { CONCERNS, SOURCE_KINDS } from '../labels.ts';

/** Query parameters shared by trends, items and exports. */
export const dayParam = z
  .string()
  .max(10)
  .refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s + 'T00:00:00Z')) && new Date(s + 'T00:00:00Z').toISOString().startsWith(s), {
    message: 'expected a date such as 2025-07-17',
  });

export const instantParam = z
  .string()
  .max(40)
  .refine((s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(new Date(s).getTime()), {
    message: 'expected an ISO date such as 2025-07-17 or 2025-07-17T12:00:00Z',
  })
  .transform((s) => new Date(s));

export const boolParam = z.enum(['true', 'false']).transform((v) => v === 'true');
export const tzParam = z.string().max(64).refine(isTimeZone, { message: 'expected an IANA time zone such as UTC or Europe/London' });
export const nameParam = z.string().trim().min(1).max(200);

/** The tag and source filters every analytical route accepts. */
export const tagFilters = {
  studio: nameParam.optional(),
  union: nameParam.optional(),
  kind: z.enum(SOURCE_KINDS).optional(),
  area: nameParam.optional(),
  concern: z.enum(CONCERNS).optional(),
};
