import { z } from '@hono/zod-openapi';
import { isTimeZone } from '../config.ts';
import { resolveEntity, type EntityKind } from '../ingest/entities.ts';
import { CONCERNS, SOURCE_KINDS } from '../labels.ts';

/** Years a date parameter may name: nothing Pulse reads is older, and the database's range is far wider. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2200;
const inYears = (s: string) => Number(s.slice(0, 4)) >= MIN_YEAR && Number(s.slice(0, 4)) <= MAX_YEAR;

/** Query parameters shared by trends, items and exports. */
export const dayParam = z
  .string()
  .max(10)
  .superRefine((s, ctx) => {
    if (
      !/^\d{4}-\d{2}-\d{2}$/.test(s) ||
      Number.isNaN(Date.parse(s + 'T00:00:00Z')) ||
      !new Date(s + 'T00:00:00Z').toISOString().startsWith(s)
    ) {
      ctx.addIssue({ code: 'custom', message: 'expected a date such as 2025-07-17' });
    } else if (!inYears(s)) ctx.addIssue({ code: 'custom', message: `expected a year from ${MIN_YEAR} to ${MAX_YEAR}` });
  });

export const instantParam = z
  .string()
  .max(40)
  .superRefine((s, ctx) => {
    const d = new Date(s);
    if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) || Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'expected an ISO date such as 2025-07-17 or 2025-07-17T12:00:00Z' });
    } else if (!inYears(d.toISOString())) ctx.addIssue({ code: 'custom', message: `expected a year from ${MIN_YEAR} to ${MAX_YEAR}` });
  })
  .transform((s) => new Date(s));

export const boolParam = z.enum(['true', 'false']).transform((v) => v === 'true');
export const tzParam = z.string().max(64).refine(isTimeZone, { message: 'expected an IANA time zone such as UTC or Europe/London' });
export const nameParam = z.string().trim().min(1).max(200);

/**
 * A studio, union or area filter: any case, or an alias ("wbd", "HBO", "screen actors guild"),
 * resolved to the canonical name stored on items. A value Pulse does not know is a 400 that lists
 * the ones it does, never an empty answer that looks like "no coverage". With several kinds
 * (an alert's entity), the first that matches wins.
 */
export function entityParam(...kinds: EntityKind[]) {
  return nameParam.transform((value, ctx) => {
    const known: string[] = [];
    for (const kind of kinds) {
      const r = resolveEntity(kind, value);
      if (r.name) return r.name;
      known.push(...r.known);
    }
    ctx.addIssue({ code: 'custom', message: `unknown ${kinds.join(' or ')} "${value.slice(0, 80)}"; known: ${known.join(', ')}` });
    return z.NEVER;
  });
}

/** An ISO 639-1 language code (items are labelled with the language detected in them). */
export const langParam = z
  .string()
  .regex(/^[a-z]{2}$/, { message: 'expected an ISO 639-1 code such as en or es' })
  .openapi({ description: 'language of the items, ISO 639-1 (en, es; others are stored and flagged as unsupported)' });

/** The tag and source filters every analytical route accepts. */
export const tagFilters = {
  studio: entityParam('studio').optional(),
  union: entityParam('union').optional(),
  kind: z.enum(SOURCE_KINDS).optional(),
  area: entityParam('area').optional(),
  concern: z.enum(CONCERNS).optional(),
  lang: langParam.optional(),
};

/** Item-level filters the rollups cannot answer (trends then count items directly). */
export const itemLevelFilters = {
  q: z.string().trim().min(1).max(500).optional().openapi({ description: 'full-text search: words, "phrases", -exclusions, or' }),
  source: z.coerce.number().int().positive().max(2_147_483_647).optional().openapi({ description: 'one source (its id)' }),
};

/** Whose labels an answer counts: a model version, and whether coders' corrections apply. */
export const labelParams = {
  model: z.string().trim().min(1).max(200).optional().openapi({
    description: "a model version (GET /api/v1/models): count that version's labels, to reproduce its numbers; default: the current model",
  }),
  labels: z
    .enum(['best', 'model'])
    .default('best')
    .openapi({ description: "best (default): a hand-coded item counts with its coders' consensus label; model: the model's labels alone" }),
};
