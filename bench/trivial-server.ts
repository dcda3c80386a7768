// A bare Hono JSON route on the given port: the yardstick bench/trends.ts compares against.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.get('/', (c) => c.json({ ok: true, at: 'trivial' }));
const port = Number(process.argv[2] ?? 3991);
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => console.log(`ready ${port}`));
