import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';

const require = createRequire(import.meta.url);
const UPLOT = dirname(require.resolve('uplot/package.json'));
const HERE = dirname(fileURLToPath(import.meta.url));

/** Files the dashboard loads, all from this server: no CDN, so it works offline. */
const FILES: Record<string, { path: string; type: string }> = {
  'uplot.js': { path: join(UPLOT, 'dist/uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  'uplot.css': { path: join(UPLOT, 'dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
  'dashboard.js': { path: join(HERE, 'dashboard.client.js'), type: 'text/javascript; charset=utf-8' },
  'coding.js': { path: join(HERE, 'coding.client.js'), type: 'text/javascript; charset=utf-8' },
  'dashboard.css': { path: join(HERE, 'dashboard.css'), type: 'text/css; charset=utf-8' },
};

const cache = new Map<string, Buffer>();

export function assetRoutes() {
  const app = new Hono();
  app.get('/assets/:name', (c) => {
    const name = c.req.param('name');
    // own properties only: "constructor" or "__proto__" are not assets
    const f = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
    if (!f) return c.json({ error: { code: 'not_found', message: 'no such asset', requestId: '' } }, 404);
    let body = cache.get(f.path);
    if (!body) cache.set(f.path, (body = readFileSync(f.path)));
    return c.body(new Uint8Array(body), 200, { 'Content-Type': f.type, 'Cache-Control': 'public, max-age=3600' });
  });
  return app;
}
