import { sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { arrayParam, pgArrayLiteral } from './pg-array.ts';

/** What reading an item's article page gave: its text and fresh entity tags, or why it failed. */
export interface FullTextResult {
  id: number;
  ok: boolean;
  /** the article text (ok only) */
  content?: string;
  studios?: string[];
  unions?: string[];
  areas?: string[];
  relevant?: boolean;
  error?: string;
}

/**
 * Stores the outcome of full-text fetches in one statement: an article replaces the item's
 * content and entity tags; a failure is recorded and the item keeps its summary.
 */
export async function storeFullText(db: Db, results: FullTextResult[]): Promise<void> {
  const ok = results.filter((r) => r.ok);
  const failed = results.filter((r) => !r.ok);
  if (ok.length) {
    await db.execute(sql`
      update items i set content = u.content, studios = u.studios::text[], unions = u.unions::text[], areas = u.areas::text[],
        relevant = u.relevant, full_text_status = 'ok', full_text_error = null
      from unnest(${arrayParam(
        ok.map((r) => r.id),
        'bigint',
      )}, ${arrayParam(
        ok.map((r) => r.content ?? ''),
        'text',
      )},
                  ${arrayParam(
                    ok.map((r) => pgArrayLiteral(r.studios ?? [])),
                    'text',
                  )}, ${arrayParam(
                    ok.map((r) => pgArrayLiteral(r.unions ?? [])),
                    'text',
                  )},
                  ${arrayParam(
                    ok.map((r) => pgArrayLiteral(r.areas ?? [])),
                    'text',
                  )}, ${arrayParam(
                    ok.map((r) => r.relevant ?? false),
                    'boolean',
                  )})
        as u(id, content, studios, unions, areas, relevant)
      where i.id = u.id`);
  }
  if (failed.length) {
    await db.execute(sql`
      update items i set full_text_status = 'failed', full_text_error = u.error
      from unnest(${arrayParam(
        failed.map((r) => r.id),
        'bigint',
      )}, ${arrayParam(
        failed.map((r) => (r.error ?? 'failed').slice(0, 500)),
        'text',
      )}) as u(id, error)
      where i.id = u.id`);
  }
}
