/**
 * Every closed set of labels Pulse uses, declared once. TypeScript unions, zod enums and the
 * database enums all derive from these arrays.
 */
export const STANCES = ['excitement', 'worry', 'neutral'] as const;
export type Stance = (typeof STANCES)[number];

export const CONCERNS = [
  'job_displacement',
  'consent_likeness',
  'compensation',
  'credit_attribution',
  'training_data',
  'creative_control',
] as const;
export type Concern = (typeof CONCERNS)[number];

export const SOURCE_KINDS = ['news', 'union', 'studio', 'opinion'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** How a source is read: a feed (RSS, Atom, RDF, JSON Feed), an HTML list page read with CSS
 * selectors, a query to a search service, or a file imported once (never fetched). */
export const SOURCE_TYPES = ['feed', 'page', 'search', 'import'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

export const SEARCH_PROVIDERS = ['gdelt', 'googlenews'] as const;
export type SearchProvider = (typeof SEARCH_PROVIDERS)[number];

/** How an item was found: today's fetch, or one of the ways a backfill or import walks history. */
export const DISCOVERY_METHODS = ['feed', 'page', 'search', 'paged_feed', 'sitemap', 'wayback', 'search_window', 'import'] as const;
export type DiscoveryMethod = (typeof DISCOVERY_METHODS)[number];

/** Whether an item's article page was fetched and extracted. */
export const FULL_TEXT_STATUSES = ['ok', 'failed'] as const;
export type FullTextStatus = (typeof FULL_TEXT_STATUSES)[number];

export const BACKFILL_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type BackfillStatus = (typeof BACKFILL_STATUSES)[number];

/** What a trend may be grouped by. */
export const GROUP_DIMENSIONS = ['studio', 'union', 'kind', 'concern', 'area'] as const;
export type GroupDimension = (typeof GROUP_DIMENSIONS)[number];

export const KEY_SCOPES = ['write', 'admin'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

export const ITEM_STATUSES = ['pending', 'classified', 'failed'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export const JOB_NAMES = ['ingest', 'classify', 'prune', 'rollup', 'digest', 'backfill', 'import'] as const;
export type JobName = (typeof JOB_NAMES)[number];

export const JOB_STATUSES = ['running', 'ok', 'failed', 'skipped'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
