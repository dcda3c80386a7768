/** @jsxImportSource hono/jsx */
import { z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { dashboardData } from '../services/dashboard.ts';
import { getAnnouncement } from '../services/announcements.ts';
import { announcementReaction } from '../services/reactions.ts';
import type { AppDeps, AppEnv } from '../api/env.ts';
import { cachedRead } from '../api/env.ts';
import { badRequest } from '../api/errors.ts';
import { entityParam } from '../api/params.ts';
import { CONCERNS, SOURCE_KINDS } from '../labels.ts';
import { Dashboard, ReactionPage } from './pages.tsx';
import { CodingPage, ModelCardPage } from './validation-pages.tsx';
import { getValidation, listSamples } from '../services/validation.ts';

const Filters = z.strictObject(
  {
    studio: entityParam('studio').optional(),
    union: entityParam('union').optional(),
    kind: z.enum(SOURCE_KINDS).optional(),
    concern: z.enum(CONCERNS).optional(),
    adjust: z.enum(['true', 'false']).optional(),
  },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? 'unknown parameter; expected studio, union, kind, concern, adjust' : undefined) },
);

/** The server-rendered dashboard at `/` and the reaction view of each announcement. */
export function webRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''));
    const parsed = Filters.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw badRequest(issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : String(issue.path[0]), issue.message);
    }
    // adjust only sets the chart's toggle in the page's script: the page is the same either way
    const { adjust: _adjust, ...f } = parsed.data;
    // cached like the API's answers, under the validated filters
    return cachedRead(
      c,
      deps.cache!,
      async () => {
        const d = await dashboardData(deps, f);
        const page = (
          <Dashboard
            from={d.from}
            to={d.to}
            filters={f as Record<'studio' | 'union' | 'kind' | 'concern', string | undefined>}
            options={d.options}
            buckets={d.buckets}
            items={d.items}
            explanations={d.explanations}
            announcements={d.announcements}
            alerts={d.alerts}
            digests={d.digests}
          />
        );
        return { body: (await page.toString()) as string, contentType: 'text/html; charset=UTF-8' };
      },
      { path: '/', query: f },
    );
  });

  app.get('/announcements/:id', async (c) => {
    const id = Number(c.req.param('id'));
    if (!Number.isSafeInteger(id) || id < 1 || id > 2_147_483_647) throw badRequest('id', 'expected a positive whole number');
    const a = await getAnnouncement(deps, { id });
    const reaction = await announcementReaction(deps, { id });
    return c.html(
      <ReactionPage
        announcement={{ id: a.id, title: a.title, date: a.date, studio: a.studio, description: a.description }}
        reaction={reaction}
      />,
    );
  });
  const sampleId = (raw: string) => {
    const id = Number(raw);
    if (!Number.isSafeInteger(id) || id < 1 || id > 2_147_483_647) throw badRequest('id', 'expected a positive whole number');
    return id;
  };
  app.get('/code/:id', async (c) => {
    const id = sampleId(c.req.param('id'));
    const s = (await listSamples(deps)).find((x) => x.id === id);
    if (!s) return c.html(<p>No sample {id}.</p>, 404);
    return c.html(<CodingPage sample={s} />);
  });
  app.get('/models/validation/:id', async (c) => {
    const v = await getValidation(deps, { sampleId: sampleId(c.req.param('id')) });
    return c.html(<ModelCardPage v={v} />);
  });
  return app;
}
