/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppDeps, AppEnv } from '../api/env.ts';
import { AppError } from '../api/errors.ts';
import { findSubscription, subscribe, unsubscribe } from '../services/mail.ts';
import { Layout } from './pages.tsx';

const small = bodyLimit({
  maxSize: 4096,
  onError: () => {
    throw new AppError(413, 'payload_too_large', 'form larger than 4096 bytes');
  },
});

const tokenOf = (raw: unknown) => {
  const t = typeof raw === 'string' ? raw : '';
  if (!/^[A-Za-z0-9_-]{10,64}$/.test(t)) throw new AppError(400, 'invalid_parameter', 'token: expected the token of an unsubscribe link');
  return t;
};

/** Email subscriptions from the digests page, and the unsubscribe link every email carries. */
export function mailRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  app.post('/subscribe', small, async (c) => {
    if (!deps.config.mail) throw new AppError(404, 'not_found', 'email is not configured on this server (PULSE_SMTP_URL)');
    const form = await c.req.parseBody();
    const s = await subscribe(deps, { email: typeof form.email === 'string' ? form.email : '', topic: 'digest' });
    return c.html(
      <Layout title="Subscribed — Pulse">
        <h2 id="subscribed">Subscribed</h2>
        <p>
          {s.email} will get the weekly digest every Monday. Each email has an unsubscribe link; this is yours:{' '}
          <a href={s.unsubscribeUrl}>unsubscribe</a>.
        </p>
        <p>
          <a href="/digests">← Digests</a>
        </p>
      </Layout>,
      201,
    );
  });

  // the link in every email: a page with one button (mail scanners that follow links unsubscribe nobody)
  app.get('/unsubscribe', async (c) => {
    const token = tokenOf(c.req.query('token'));
    const s = await findSubscription(deps, { token });
    return c.html(
      <Layout title="Unsubscribe — Pulse">
        <h2>Unsubscribe</h2>
        {s.active ? (
          <form method="post" action={`/unsubscribe?token=${token}`}>
            <p>
              Stop sending {s.topic === 'digest' ? 'the weekly digest' : `alerts${s.entity ? ` about ${s.entity}` : ''}`} to {s.email}?
            </p>
            <button type="submit" id="unsubscribe">
              Unsubscribe
            </button>
          </form>
        ) : (
          <p id="unsubscribed">{s.email} is not subscribed any more.</p>
        )}
      </Layout>,
    );
  });

  // the button above, and one-click unsubscribe from mail clients (RFC 8058 posts to the link)
  app.post('/unsubscribe', small, async (c) => {
    const s = await unsubscribe(deps, { token: tokenOf(c.req.query('token')) });
    return c.html(
      <Layout title="Unsubscribed — Pulse">
        <h2 id="unsubscribed">Unsubscribed</h2>
        <p>
          {s.email} will get no more {s.topic === 'digest' ? 'digests' : 'alerts'} from Pulse.
        </p>
      </Layout>,
    );
  });
  return app;
}
