import { pgEnum } from 'drizzle-orm/pg-core';
import {
  BACKFILL_STATUSES,
  DISCOVERY_METHODS,
  FULL_TEXT_STATUSES,
  ITEM_STATUSES,
  JOB_STATUSES,
  KEY_SCOPES,
  SOURCE_KINDS,
  SOURCE_TYPES,
  STANCES,
} from '../../src/labels.ts';

export const sourceKind = pgEnum('source_kind', SOURCE_KINDS);
export const keyScope = pgEnum('key_scope', KEY_SCOPES);
export const stance = pgEnum('stance', STANCES);
export const itemStatus = pgEnum('item_status', ITEM_STATUSES);
export const jobStatus = pgEnum('job_status', JOB_STATUSES);
export const sourceType = pgEnum('source_type', SOURCE_TYPES);
export const discoveryMethod = pgEnum('discovery_method', DISCOVERY_METHODS);
export const fullTextStatus = pgEnum('full_text_status', FULL_TEXT_STATUSES);
export const backfillStatus = pgEnum('backfill_status', BACKFILL_STATUSES);
