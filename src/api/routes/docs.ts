import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { errorJson } from '../errors.ts';

const require = createRequire(import.meta.url);
const SWAGGER_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));

/** The only files served, so no path from the URL ever reaches the file system. */
const ASSETS: Record<string, { file: string; type: string }> = {
  'swagger-ui.css': { file: 'swagger-ui.css', type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': { file: 'swagger-ui-bundle.js', type: 'text/javascript; charset=utf-8' },
  'favicon-32x32.png': { file: 'favicon-32x32.png', type: 'image/png' },
};

const cache = new Map<string, Buffer>();
function asset(name: string): Buffer {
  let b = cache.get(name);
  if (!b) cache.set(name, (b = readFileSync(join(SWAGGER_DIR, ASSETS[name]!.file))));
  return b;
}

const INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#docs', deepLinking: true, tryItOutEnabled: false });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pulse API</title>
<link rel="icon" href="/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<noscript><p>This page needs JavaScript. The API description itself is at <a href="/openapi.json">/openapi.json</a>.</p></noscript>
<div id="docs"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
`;

/** `/docs`: the OpenAPI document rendered by Swagger UI, every asset served by Pulse (works offline). */
export function docsRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/docs', (c) => c.html(PAGE));
  app.get('/docs/assets/init.js', (c) =>
    c.body(INIT, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }),
  );
  app.get('/docs/assets/:name', (c) => {
    const name = c.req.param('name');
    const meta = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!meta) return errorJson(c, 404, 'not_found', `no asset ${name.slice(0, 100)}`);
    return c.body(new Uint8Array(asset(name)), 200, { 'Content-Type': meta.type, 'Cache-Control': 'public, max-age=86400' });
  });
  return app;
}
