import { pgEnum } from 'drizzle-orm/pg-core';
import { ITEM_STATUSES, JOB_STATUSES, KEY_SCOPES, SOURCE_KINDS, STANCES } from '../../src/labels.ts';

export const sourceKind = pgEnum('source_kind', SOURCE_KINDS);
export const keyScope = pgEnum('key_scope', KEY_SCOPES);
export const stance = pgEnum('stance', STANCES);
export const itemStatus = pgEnum('item_status', ITEM_STATUSES);
export const jobStatus = pgEnum('job_status', JOB_STATUSES);
