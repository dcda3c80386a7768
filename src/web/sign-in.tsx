/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppDeps, AppEnv } from '../api/env.ts';
import { AppError } from '../api/errors.ts';
import { SESSION_COOKIE } from '../api/auth.ts';
import { signIn, signOut } from '../services/sessions.ts';
import { Layout } from './pages.tsx';

const small = bodyLimit({
  maxSize: 4096,
  onError: () => {
    throw new AppError(413, 'payload_too_large', 'form larger than 4096 bytes');
  },
});

/** Where to go after signing in: a path on this site only (never //elsewhere or a URL). */
const safeNext = (raw: unknown) => (typeof raw === 'string' && /^\/(?![/\\])[^\s]*$/.test(raw) && raw.length < 2000 ? raw : '/');

const Form = (p: { next: string; error?: string | undefined }) => (
  <Layout title="Sign in — Pulse">
    <h2 id="sign-in-title">Sign in</h2>
    <p>
      This Pulse needs an API key to read. Paste one (ask whoever runs it for a key); it is kept in a cookie-backed session on this browser
      only.
    </p>
    {p.error ? (
      <p role="alert" class="failing-text" id="sign-in-error">
        {p.error}
      </p>
    ) : (
      ''
    )}
    <form method="post" action="/sign-in" class="filters" aria-labelledby="sign-in-title">
      <input type="hidden" name="next" value={p.next} />
      <label class="wide">
        API key
        <input type="password" name="key" id="sign-in-key" required autocomplete="current-password" maxlength={512} />
      </label>
      <button type="submit">Sign in</button>
    </form>
  </Layout>
);

/** The sign-in form for browsers when reads need a key, and signing out. */
export function signInRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const secure = (deps.config.publicUrl ?? '').startsWith('https:');
  app.get('/sign-in', (c) => c.html(<Form next={safeNext(c.req.query('next'))} />));
  app.post('/sign-in', small, async (c) => {
    const form = await c.req.parseBody();
    const next = safeNext(form.next);
    const key = typeof form.key === 'string' ? form.key : '';
    const result = key ? await signIn(deps, { secret: key }) : ({ ok: false, reason: 'unknown' } as const);
    if (!result.ok)
      return c.html(
        <Form next={next} error={result.reason === 'revoked' ? 'That key has been revoked.' : 'That is not a key this Pulse knows.'} />,
        401,
      );
    setCookie(c, SESSION_COOKIE, result.cookie, { httpOnly: true, sameSite: 'Lax', secure, path: '/', maxAge: result.maxAgeSeconds });
    return c.redirect(next, 303);
  });
  app.post('/sign-out', async (c) => {
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie) await signOut(deps, { cookie });
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure });
    return c.redirect('/sign-in', 303);
  });
  return app;
}
