import { and, arrayContains, asc, count, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Concern, SourceKind, Stance } from '../../src/labels.ts';
import { rowsOf, type Db } from '../client.ts';
import { alias } from 'drizzle-orm/pg-core';
import { itemCorrections, itemLabels, items, recentSearch, searchWindow, sightings, sources, type Explanation } from '../schema/index.ts';
import { dayCounts, type LabelView, type TrendFilters } from './rollups.ts';
import { arrayParam } from './pg-array.ts';

export interface ItemFilters {
  /** full-text query, in web-search syntax ("quoted phrases", -exclusions, or) */
  q?: string | undefined;
  source?: number | undefined;
  /** any of these sources (a union's own feeds) */
  sourceIds?: number[] | undefined;
  kind?: SourceKind | undefined;
  relevant?: boolean | undefined;
  /** true: labelled items only (what trends count); false: not yet labelled */
  labelled?: boolean | undefined;
  /** labelled at or after this time (watches: what is new since the last check) */
  labelledSince?: Date | undefined;
  /** labelled before this time */
  labelledBefore?: Date | undefined;
  stance?: Stance | undefined;
  concern?: Concern | undefined;
  studio?: string | undefined;
  union?: string | undefined;
  area?: string | undefined;
  /** ISO 639-1 language */
  lang?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** whose labels the filters and rows use; default: the current model's, no corrections */
  labels?: LabelView | undefined;
}

const versionLabels = alias(itemLabels, 'lv');

/**
 * An item's label columns under a view: the current copy on items or an earlier version's row
 * (item_labels), with the coders' consensus on top when corrections apply.
 */
function labelColumns(view: LabelView | undefined) {
  const l = view?.model
    ? {
        relevant: versionLabels.relevant,
        stance: versionLabels.stance,
        confidence: versionLabels.confidence,
        concerns: versionLabels.concerns,
        model: versionLabels.model,
        explanation: versionLabels.explanation,
      }
    : {
        relevant: items.relevant,
        stance: items.stance,
        confidence: items.confidence,
        concerns: items.concerns,
        model: items.model,
        explanation: items.explanation,
      };
  const fix = !!view?.corrections;
  return {
    relevant: fix ? sql<boolean | null>`coalesce(${itemCorrections.relevant}, ${l.relevant})` : sql<boolean | null>`${l.relevant}`,
    stance: fix ? sql<Stance | null>`coalesce(${itemCorrections.stance}, ${l.stance})` : sql<Stance | null>`${l.stance}`,
    concerns: fix
      ? sql<Concern[]>`coalesce(${itemCorrections.concerns}, ${l.concerns}, '{}'::text[])`
      : sql<Concern[]>`coalesce(${l.concerns}, '{}'::text[])`,
    confidence: sql<number | null>`${l.confidence}`,
    model: sql<string | null>`${l.model}`,
    labelSource: fix
      ? sql<
          'coders' | 'model' | null
        >`case when ${itemCorrections.itemId} is not null then 'coders' when ${l.stance} is not null then 'model' end`
      : sql<'coders' | 'model' | null>`case when ${l.stance} is not null then 'model' end`,
    sentence: sql<string | null>`${l.explanation}->>'sentence'`,
  };
}

/** Adds the joins to the label rows a view reads (items already joined to sources). */
function withLabels<T>(q: T, view: LabelView | undefined): T {
  // biome-ignore lint/suspicious/noExplicitAny: the joined tables are read only through sql<> columns, so the row type does not change
  let b = q as any;
  if (view?.model) b = b.leftJoin(versionLabels, and(eq(versionLabels.itemId, items.id), eq(versionLabels.model, view.model)));
  if (view?.corrections) b = b.leftJoin(itemCorrections, eq(itemCorrections.itemId, items.id));
  return b as T;
}

/**
 * Position after the last row of a page. Without a query: newest first by published time, then
 * id. With a query: best match first by rank, then id, among the candidates the first page ranked
 * (and any newer match): `floor` is the oldest of them. Either way the order is total, so rows
 * inserted meanwhile never make a page repeat or skip a row that was already there.
 */
export type ItemCursor =
  | { publishedAt: Date; id: number }
  | { rank: number; id: number; floor?: { publishedAt: Date; id: number } | undefined };

/**
 * Whether a page's `total` is every match ('eq') or a lower bound ('gte': a search counted in the
 * recent index only, as Elasticsearch reports hits.total.relation).
 */
export type TotalRelation = 'eq' | 'gte';

/**
 * How many matches of a full-text query are ranked: the newest ones (by publication). When more
 * items match, best-first order covers these; `total` still counts every match.
 */
export const SEARCH_CANDIDATES = 2000;
/** Rows of a search page whose snippets one query makes. */
const SNIPPETS_PER_QUERY = 50;

const tsQuery = (q: string) => sql`websearch_to_tsquery('english', ${q})`;
/** The headline and summary with matches in <mark>; the text is HTML-escaped first. */
const snippetExpr = (q: string) =>
  sql<string>`ts_headline('english', replace(replace(replace(${items.title} || ' — ' || ${items.summary}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), ${tsQuery(q)}, 'StartSel=<mark>, StopSel=</mark>, MaxWords=40, MinWords=15, MaxFragments=2')`;

const baseColumns = {
  id: items.id,
  url: items.url,
  title: items.title,
  summary: items.summary,
  author: items.author,
  publishedAt: items.publishedAt,
  publishedEstimated: items.publishedEstimated,
  fetchedAt: items.fetchedAt,
  language: items.language,
  studios: items.studios,
  unions: items.unions,
  areas: items.areas,
  status: items.status,
  sourceId: sources.id,
  sourceName: sources.name,
  sourceKind: sources.kind,
};

const itemColumns = (view: LabelView | undefined) => {
  const { sentence: _s, ...labels } = labelColumns(view);
  return { ...baseColumns, ...labels };
};

/** The WHERE clause for a set of filters; `to` is exclusive. */
export function itemWhere(f: ItemFilters): SQL | undefined {
  const l = labelColumns(f.labels);
  return and(
    f.q ? sql`${items.search} @@ ${tsQuery(f.q)}` : undefined,
    f.source !== undefined ? eq(items.sourceId, f.source) : undefined,
    f.sourceIds ? (f.sourceIds.length ? inArray(items.sourceId, f.sourceIds) : sql`false`) : undefined,
    f.kind ? eq(sources.kind, f.kind) : undefined,
    f.relevant !== undefined ? sql`${l.relevant} = ${f.relevant}` : undefined,
    f.labelled === undefined ? undefined : f.labelled ? isNotNull(items.stance) : isNull(items.stance),
    f.labelledSince ? gte(items.classifiedAt, f.labelledSince) : undefined,
    f.labelledBefore ? lt(items.classifiedAt, f.labelledBefore) : undefined,
    f.stance ? sql`${l.stance} = ${f.stance}` : undefined,
    f.concern ? sql`${f.concern} = any(${l.concerns})` : undefined,
    f.studio ? arrayContains(items.studios, [f.studio]) : undefined,
    f.union ? arrayContains(items.unions, [f.union]) : undefined,
    f.area ? arrayContains(items.areas, [f.area]) : undefined,
    f.lang ? eq(items.language, f.lang) : undefined,
    f.from ? gte(items.publishedAt, f.from) : undefined,
    f.to ? lt(items.publishedAt, f.to) : undefined,
  );
}

/**
 * The newest `wanted` matches from the recent search index, or null when it cannot tell them:
 * every item published at or after the window's start is in that index, so when `wanted` of its
 * rows match, or everything asked for (the range, or the candidates after the cursor's floor)
 * lies inside the window, no older item can be among the newest. Otherwise the full index is
 * read. Both reads happen in one snapshot, so the window cannot move between them.
 */
async function recentCandidates(
  db: Db,
  p: {
    filters: ItemFilters;
    q: string;
    atOrAfterFloor: SQL | undefined;
    floor: { publishedAt: Date; id: number } | undefined;
    wanted: number;
  },
): Promise<{ rows: { id: number; publishedAt: Date; rank?: number }[]; total: { n: number; relation: TotalRelation } } | null> {
  return db.transaction(
    async (tx) => {
      const [w] = await tx.select({ since: searchWindow.since }).from(searchWindow).where(eq(searchWindow.id, 1));
      if (!w) return null;
      const matching = and(
        sql`${recentSearch.search} @@ ${tsQuery(p.q)}`,
        sql`${recentSearch.publishedAt} >= (select since from search_window where id = 1)`,
        itemWhere({ ...p.filters, q: undefined }),
      );
      // with nothing but the text asked for, items need not be read at all (joining them for
      // 6,000 matches took 80 of a search's 110 ms at 10M items)
      // (whose labels are read changes nothing then: they are left joins, and no filter reads one)
      const textOnly = !itemWhere({ ...p.filters, q: undefined }) && !p.atOrAfterFloor;
      // (a text-only search reads recent_search alone, below)
      const base = <T extends Record<string, unknown>>(cols: T) =>
        withLabels(
          tx
            .select(cols as never)
            .from(recentSearch)
            .innerJoin(items, eq(items.id, recentSearch.itemId))
            .innerJoin(sources, eq(items.sourceId, sources.id)),
          p.filters.labels,
        );
      // text-only: ranked and counted in the same read, ranks for the newest `wanted` only (the
      // full index's path ranks in a second query; counting apart cost 15 of a search's 60 ms at
      // 10M items, ranking every match before the limit 9 more)
      type Row = { id: number; publishedAt: Date; rank?: number; matches?: number };
      const rows: Row[] = textOnly
        ? rowsOf<{ id: number | string; published_at: string | Date; rank: number | string; n: number | string }>(
            await tx.execute(sql`
              select id, published_at, ts_rank(search, ${tsQuery(p.q)}) as rank, n from (
                select item_id as id, published_at, search, count(*) over () as n from recent_search
                where search @@ ${tsQuery(p.q)} and published_at >= (select since from search_window where id = 1)
                order by published_at desc, item_id desc
                limit ${p.wanted}) c
              order by published_at desc, id desc`),
          ).map((r) => ({ id: Number(r.id), publishedAt: new Date(r.published_at), rank: Number(r.rank), matches: Number(r.n) }))
        : ((await base({ id: recentSearch.itemId, publishedAt: recentSearch.publishedAt })
            .where(and(matching, p.atOrAfterFloor))
            .orderBy(desc(recentSearch.publishedAt), desc(recentSearch.itemId))
            .limit(p.wanted)) as unknown as Row[]);
      const since = new Date(w.since).getTime();
      // a window that holds every item ('-infinity') reads as an invalid date
      const all = Number.isNaN(since);
      const inside = (d: Date | undefined) => !!d && (all || d.getTime() >= since);
      const rangeInside = inside(p.filters.from);
      if (!(rows.length === p.wanted || all || rangeInside || inside(p.floor?.publishedAt))) return null;
      // the matches inside the window; all of them when the window holds everything asked for
      const n = textOnly
        ? Number(rows[0]?.matches ?? 0)
        : Number(((await base({ n: count() }).where(matching)) as unknown as [{ n: number | string }])[0].n);
      return { rows, total: { n, relation: all || rangeInside ? 'eq' : 'gte' } };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** True when a coders' correction exists for an item the model has not labelled. */
async function correctsUnlabelled(db: Db): Promise<boolean> {
  const [row] = rowsOf<{ any: boolean }>(
    await db.execute(sql`select exists (select 1 from item_corrections c join items i on i.id = c.item_id where i.stance is null) as any`),
  );
  return Boolean(row?.any);
}

/**
 * Filters the daily rollups can count, as trend filters: labelled items, relevant or any, whole
 * UTC days, a source kind and at most one tag, under the current labels with or without the
 * coders' corrections. Null for anything else (text, sources, stance, language, label times).
 */
function rollupCountFilters(f: ItemFilters): TrendFilters | null {
  const { relevant, labelled, from, to, kind, studio, union, area, concern, labels, ...rest } = f;
  if (Object.values(rest).some((v) => v !== undefined)) return null;
  if (labelled !== true || relevant === false || labels?.model) return null;
  if ([studio, union, area, concern].filter((v) => v !== undefined).length > 1) return null;
  const day = (d: Date | undefined) => (d && d.getTime() % 86_400_000 === 0 ? d.toISOString().slice(0, 10) : null);
  const fromDay = day(from);
  const toDay = day(to);
  if (!fromDay || !toDay) return null;
  return {
    from: fromDay,
    to: toDay,
    tz: 'UTC',
    relevant,
    kind,
    studio,
    union,
    area,
    concern,
    labels: labels?.corrections ? { corrections: true } : undefined,
  };
}

/**
 * How many items match the filters. Counts the daily rollups can make (rollupCountFilters) are
 * read from them, with dirty days from items: at 10M items, counting a quarter's labelled items
 * row by row took 2.4-4.3 s. `mode` 'direct' always counts rows (the tests compare the two).
 */
export async function countMatching(db: Db, filters: ItemFilters, mode: 'rollup' | 'direct' = 'rollup'): Promise<number> {
  const viaRollups = mode === 'rollup' ? rollupCountFilters(filters) : null;
  // the coders' corrections count an item the model never labelled, where rows (labelled: the
  // model's stance) do not: with such a correction, count rows
  if (viaRollups && !(viaRollups.labels?.corrections && (await correctsUnlabelled(db)))) {
    if (viaRollups.from >= viaRollups.to) return 0;
    return (await dayCounts(db, viaRollups, 'rollup')).reduce((sum, c) => sum + c.n, 0);
  }
  const [{ n }] = (await withLabels(
    db.select({ n: count() }).from(items).innerJoin(sources, eq(items.sourceId, sources.id)),
    filters.labels,
  ).where(itemWhere(filters))) as [{ n: number }];
  return Number(n);
}

/**
 * One page of items (newest first, or best match first with `q`) and the total that match.
 * `countTotal` lets a caller reuse a recent count (the same for every page of one filter).
 */
export async function listItems(
  db: Db,
  p: { filters: ItemFilters; limit: number; cursor?: ItemCursor; countTotal?: (filters: ItemFilters) => Promise<number> },
) {
  const where = itemWhere(p.filters);
  const q = p.filters.q;
  const cols = itemColumns(p.filters.labels);
  const countAll = p.countTotal ?? ((f: ItemFilters) => countMatching(db, f));
  const searchPage = async (q: string) => {
    // Only the newest SEARCH_CANDIDATES matches are ranked (ranking every match costs a rank per
    // match: 50,000 of them took 0.3 s on the embedded database, holding its thread).
    // A later page ranks the first page's candidates (and any newer match) again: the oldest of
    // them travels in the cursor, so matches arriving meanwhile never push one out of the set.
    const c = p.cursor && 'rank' in p.cursor ? p.cursor : undefined;
    const floor = c?.floor;
    const atOrAfterFloor = floor
      ? or(gt(items.publishedAt, floor.publishedAt), and(eq(items.publishedAt, floor.publishedAt), gte(items.id, floor.id)))
      : undefined;
    // (later pages take up to as many again that arrived meanwhile: the cost stays bounded)
    const wanted = floor ? 2 * SEARCH_CANDIDATES : SEARCH_CANDIDATES;
    const recent = await recentCandidates(db, { filters: p.filters, q, atOrAfterFloor, floor, wanted });
    // from the full index: every match is counted, at the same time as the candidates are read
    const counting = recent ? undefined : countAll(p.filters);
    counting?.catch(() => {});
    const total = async () => recent?.total ?? { n: await counting!, relation: 'eq' as TotalRelation };
    const chosen =
      recent?.rows ??
      (await withLabels(
        db.select({ id: items.id, publishedAt: items.publishedAt }).from(items).innerJoin(sources, eq(items.sourceId, sources.id)),
        p.filters.labels,
      )
        .where(and(where, atOrAfterFloor))
        .orderBy(desc(items.publishedAt), desc(items.id))
        .limit(wanted));
    if (!chosen.length) return { rows: [], floor: undefined, total: await total() };
    // ranks are computed for the candidates alone (in the candidates' own query, PostgreSQL
    // computed one for every match before keeping the newest)
    const rank = sql<number>`ts_rank(${items.search}, ${tsQuery(q)})`;
    const ranked = recent?.rows[0]?.rank !== undefined ? (recent.rows as { id: number; rank: number }[]) : undefined;
    const top = ranked
      ? ranked
          .map((r) => ({ id: r.id, rank: Number(r.rank) }))
          .filter((r) => !c || r.rank < c.rank || (r.rank === c.rank && r.id < c.id))
          .sort((a, b) => b.rank - a.rank || b.id - a.id)
          .slice(0, p.limit + 1)
      : await db
          .select({ id: items.id, rank })
          .from(items)
          .where(
            and(
              // one array parameter, not 2,000: binding that many values cost PostgreSQL tens of ms
              sql`${items.id} = any(${arrayParam(
                chosen.map((r) => r.id),
                'bigint',
              )})`,
              c ? sql`(${rank} < ${c.rank}::real or (${rank} = ${c.rank}::real and ${items.id} < ${c.id}))` : undefined,
            ),
          )
          .orderBy(desc(rank), desc(items.id))
          .limit(p.limit + 1);
    // The page's columns and snippets, by id, a piece at a time: 200 snippets in one query held
    // the embedded database's thread (and every other request) for 0.1 s.
    const rows = [];
    for (let i = 0; i < top.length; i += SNIPPETS_PER_QUERY) {
      const piece = top.slice(i, i + SNIPPETS_PER_QUERY);
      const found = await withLabels(
        db
          .select({ ...cols, snippet: sql<string | null>`${snippetExpr(q)}` })
          .from(items)
          .innerJoin(sources, eq(items.sourceId, sources.id)),
        p.filters.labels,
      ).where(
        inArray(
          items.id,
          piece.map((t) => t.id),
        ),
      );
      const byId = new Map(found.map((r) => [r.id, r]));
      for (const t of piece) {
        const r = byId.get(t.id);
        if (r) rows.push({ ...r, rank: t.rank as number | null });
      }
    }
    // where the candidates end (the oldest of them), for the next page's cursor
    return { rows, floor: floor ?? chosen.at(-1), total: await total() };
  };
  const newestPage = async () => {
    const c = p.cursor && 'publishedAt' in p.cursor ? p.cursor : undefined;
    const after = c ? or(lt(items.publishedAt, c.publishedAt), and(eq(items.publishedAt, c.publishedAt), lt(items.id, c.id))) : undefined;
    const rows = await withLabels(
      db
        .select({ ...cols, rank: sql<number | null>`null::real`, snippet: sql<string | null>`null::text` })
        .from(items)
        .innerJoin(sources, eq(items.sourceId, sources.id)),
      p.filters.labels,
    )
      .where(and(where, after))
      .orderBy(desc(items.publishedAt), desc(items.id))
      .limit(p.limit + 1);
    return { rows, floor: undefined, total: undefined };
  };
  // The page and the total are independent: ask for both at once (two pool connections). A
  // search whose newest matches came from the recent index counts there too (counting every
  // match in the full index took 0.4-3 s at 10M items): at least that many match.
  let total: { n: number; relation: TotalRelation } | undefined;
  let rows: Awaited<ReturnType<typeof newestPage>>['rows'];
  let floor: { publishedAt: Date; id: number } | undefined;
  if (q) {
    const page = await searchPage(q);
    ({ rows, floor } = page);
    total = page.total;
  } else {
    const [page, n] = await Promise.all([newestPage(), countAll(p.filters)]);
    ({ rows, floor } = page);
    total = { n, relation: 'eq' };
  }
  const page = rows.slice(0, p.limit);
  const last = page.at(-1);
  let next: ItemCursor | null = null;
  if (rows.length > p.limit && last)
    next = q ? { rank: Number(last.rank), id: last.id, floor } : { publishedAt: last.publishedAt, id: last.id };
  return { rows: page, next, total: Number(total.n), totalRelation: total.relation };
}

export type ItemListRow = Awaited<ReturnType<typeof listItems>>['rows'][number];

/** Explanations of several items at once (the list query leaves them out: they are large). */
export async function explanationsOf(db: Db, ids: number[]): Promise<Map<number, Explanation | null>> {
  if (!ids.length) return new Map();
  const rows = await db.select({ id: items.id, explanation: items.explanation }).from(items).where(inArray(items.id, ids));
  return new Map(rows.map((r) => [r.id, r.explanation ?? null]));
}

/** One item with its labels, explanation, entities, source and every place it was seen. */
export async function getItem(db: Db, id: number) {
  // both at once: the sightings query needs only the id
  const [[row], seen] = await Promise.all([
    db
      .select({
        item: items,
        source: { id: sources.id, name: sources.name, kind: sources.kind, url: sources.url, organisation: sources.organisation },
      })
      .from(items)
      .innerJoin(sources, eq(items.sourceId, sources.id))
      .where(eq(items.id, id)),
    db
      .select({ sourceId: sightings.sourceId, sourceName: sources.name, url: sightings.url, firstSeenAt: sightings.firstSeenAt })
      .from(sightings)
      .innerJoin(sources, eq(sightings.sourceId, sources.id))
      .where(eq(sightings.itemId, id))
      .orderBy(asc(sightings.firstSeenAt)),
  ]);
  if (!row) return undefined;
  return { ...row, sightings: seen };
}

/** Rows for an export, by id, one batch at a time (keyset: constant memory whatever the size). */
export async function exportBatch(db: Db, p: { filters: ItemFilters; afterId: number; limit: number }) {
  const view = p.filters.labels;
  const classifiedAt = view?.model ? versionLabels.classifiedAt : items.classifiedAt;
  return withLabels(
    db
      .select({
        ...itemColumns(view),
        sentence: labelColumns(view).sentence,
        classifiedAt: sql<Date | null>`${classifiedAt}`.mapWith(classifiedAt),
      })
      .from(items)
      .innerJoin(sources, eq(items.sourceId, sources.id)),
    view,
  )
    .where(and(itemWhere(p.filters), gt(items.id, p.afterId)))
    .orderBy(asc(items.id))
    .limit(p.limit);
}

/** The text and tags of a batch of items by id (for re-tagging). */
export async function itemTexts(db: Db, p: { afterId: number; limit: number }) {
  return db
    .select({
      id: items.id,
      title: items.title,
      summary: items.summary,
      content: items.content,
      studios: items.studios,
      unions: items.unions,
      areas: items.areas,
    })
    .from(items)
    .where(gt(items.id, p.afterId))
    .orderBy(asc(items.id))
    .limit(p.limit);
}

/** Replaces the entity tags of some items; labels (stance, concerns, relevance) are left alone. */
export async function setItemTags(db: Db, rows: { id: number; studios: string[]; unions: string[]; areas: string[] }[]): Promise<void> {
  for (const r of rows) await db.update(items).set({ studios: r.studios, unions: r.unions, areas: r.areas }).where(eq(items.id, r.id));
}
