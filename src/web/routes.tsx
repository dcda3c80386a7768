/** @jsxImportSource hono/jsx */
import { z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { listAlerts } from '../../db/queries/alerts.ts';
import { getAnnouncement, listAnnouncements, reactionItems } from '../../db/queries/announcements.ts';
import { filterOptions, latestLabelledAt } from '../../db/queries/dashboard.ts';
import { listDigests } from '../../db/queries/digests.ts';
import { explanationsOf, listItems } from '../../db/queries/items.ts';
import { dayCounts } from '../../db/queries/rollups.ts';
import { addDays, bucketStart, formatDay } from '../analytics/buckets.ts';
import { buildReaction, momentOf } from '../analytics/reaction.ts';
import { buildSeries } from '../analytics/trends.ts';
import type { AppDeps, AppEnv } from '../api/env.ts';
import { badRequest, notFound } from '../api/errors.ts';
import { CONCERNS, SOURCE_KINDS } from '../labels.ts';
import { Dashboard, ReactionPage } from './pages.tsx';

const WEEKS = 12;
const Filters = z.object({
  studio: z.string().trim().min(1).max(200).optional(),
  union: z.string().trim().min(1).max(200).optional(),
  kind: z.enum(SOURCE_KINDS).optional(),
  concern: z.enum(CONCERNS).optional(),
});

/** The server-rendered dashboard at `/` and the reaction view of each announcement. */
export function webRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''));
    const parsed = Filters.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw badRequest(String(issue.path[0]), issue.message);
    }
    const f = parsed.data;
    // open on the data: the twelve weeks up to the newest labelled item (or up to today)
    const latest = (await latestLabelledAt(deps.db)) ?? deps.clock.now();
    const to = addDays(bucketStart(formatDay(latest.getTime()), 'week'), 7);
    const from = addDays(to, -7 * WEEKS);
    const rows = await dayCounts(deps.db, { from, to, tz: 'UTC', relevant: true, ...f }, 'rollup');
    const buckets = buildSeries(rows, { from, to, granularity: 'week', grouped: false })[0]!.buckets;
    const page = await listItems(deps.db, { filters: { ...f, relevant: true }, limit: 15 });
    const explanations = await explanationsOf(deps.db, page.rows.map((i) => i.id));
    const announcements = (await listAnnouncements(deps.db)).filter((a) => a.date >= from && a.date < to);
    return c.html(
      <Dashboard
        from={from}
        to={to}
        filters={f as Record<'studio' | 'union' | 'kind' | 'concern', string | undefined>}
        options={await filterOptions(deps.db)}
        buckets={buckets}
        items={page.rows}
        explanations={explanations}
        announcements={announcements.map((a) => ({ id: a.id, title: a.title, date: a.date, studio: a.studio }))}
        alerts={await listAlerts(deps.db, { from: addDays(to, -14), limit: 10 })}
        digests={(await listDigests(deps.db, 8)).map((d) => ({ week: d.week, studio: d.studio, union: d.union, version: d.version }))}
      />,
    );
  });

  app.get('/announcements/:id', async (c) => {
    const id = Number(c.req.param('id'));
    if (!Number.isSafeInteger(id) || id < 1 || id > 2_147_483_647) throw badRequest('id', 'expected a positive whole number');
    const a = await getAnnouncement(deps.db, id);
    if (!a) throw notFound(`announcement ${id}`);
    const moment = momentOf(a);
    const windowDays = 14;
    const span = windowDays * 86_400_000;
    const items = await reactionItems(deps.db, { start: new Date(moment.getTime() - span), end: new Date(moment.getTime() + span), studio: a.studio, keywords: a.keywords });
    const reaction = buildReaction({ moment, windowDays, now: deps.clock.now(), items });
    return c.html(<ReactionPage announcement={{ id: a.id, title: a.title, date: a.date, studio: a.studio, description: a.description }} reaction={reaction} />);
  });
  return app;
}
