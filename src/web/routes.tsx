/** @jsxImportSource hono/jsx */
import { z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { explorerData } from '../services/explorer.ts';
import { getAnnouncement } from '../services/announcements.ts';
import { announcementReaction } from '../services/reactions.ts';
import type { AppDeps, AppEnv } from '../api/env.ts';
import { cachedRead } from '../api/env.ts';
import { badRequest } from '../api/errors.ts';
import { dayParam, entityParam, itemLevelFilters, langParam } from '../api/params.ts';
import { GRANULARITIES } from '../analytics/buckets.ts';
import { CONCERNS, SOURCE_KINDS } from '../labels.ts';
import { entityPage } from '../services/explorer.ts';
import { listDigests } from '../services/digests.ts';
import { itemPage } from '../services/items.ts';
import { sourceHealth } from '../services/sources.ts';
import { getValidation, listSamples } from '../services/validation.ts';
import { DigestsPage, EntityPage, ItemPage, SourcesPage } from './detail-pages.tsx';
import { ExplorerPage } from './explorer.tsx';
import { ReactionPage } from './pages.tsx';
import { CodingPage, ModelCardPage } from './validation-pages.tsx';

const explorerShape = {
  from: dayParam.optional(),
  to: dayParam.optional(),
  granularity: z.enum(GRANULARITIES).default('week'),
  studio: entityParam('studio').optional(),
  union: entityParam('union').optional(),
  kind: z.enum(SOURCE_KINDS).optional(),
  concern: z.enum(CONCERNS).optional(),
  area: entityParam('area').optional(),
  lang: langParam.optional(),
  ...itemLevelFilters,
  adjust: z.enum(['true', 'false']).optional(),
};
const Filters = z.strictObject(explorerShape, {
  error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown parameter; expected ${Object.keys(explorerShape).join(', ')}` : undefined),
});

/** The server-rendered pages: the explorer at `/`, items, unions, studios, digests, sources and each announcement's reaction. */
export function webRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''));
    const parsed = Filters.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw badRequest(issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : String(issue.path[0]), issue.message);
    }
    const { adjust, ...f } = parsed.data;
    const q = { ...f, adjust: adjust === 'true' };
    // cached like the API's answers, under the validated filters
    return cachedRead(
      c,
      deps.cache!,
      async () => {
        const page = <ExplorerPage d={await explorerData(deps, q)} state={f} />;
        return { body: (await page.toString()) as string, contentType: 'text/html; charset=UTF-8' };
      },
      { path: '/', query: { ...f, adjust: String(q.adjust) } },
    );
  });

  const idOf = (raw: string) => {
    const id = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(id) || id < 1 || id > 2_147_483_647)
      throw badRequest('id', 'expected a positive whole number');
    return id;
  };
  const noQuery = (c: { req: { query(): Record<string, string> } }) => {
    const keys = Object.keys(c.req.query());
    if (keys.length) throw badRequest(keys.join(', '), 'unknown parameter; this page takes none');
  };

  app.get('/items/:id', async (c) => {
    noQuery(c);
    return c.html(<ItemPage item={await itemPage(deps, { id: idOf(c.req.param('id')) })} />);
  });
  for (const [path, kind] of [
    ['/unions/:name', 'union'],
    ['/studios/:name', 'studio'],
  ] as const) {
    app.get(path, async (c) => {
      noQuery(c);
      const name = c.req.param('name');
      if (name.length > 200) throw badRequest('name', 'at most 200 characters');
      return c.html(<EntityPage e={await entityPage(deps, { kind, name })} />);
    });
  }
  app.get('/digests', async (c) => {
    noQuery(c);
    return c.html(
      <DigestsPage digests={await listDigests(deps, { limit: 60 })} subscribe={deps.config.mail ? { action: '/subscribe' } : undefined} />,
    );
  });
  app.get('/sources', async (c) => {
    noQuery(c);
    return c.html(<SourcesPage sources={await sourceHealth(deps)} />);
  });

  app.get('/announcements/:id', async (c) => {
    const id = idOf(c.req.param('id'));
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
