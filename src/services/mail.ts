import { randomBytes } from 'node:crypto';
import {
  alertsCreatedSince,
  claimMail,
  liveSubscriptions,
  markMailFailed,
  subscriptionByToken,
  unsubscribeByToken,
  upsertSubscription,
} from '../../db/queries/mail.ts';
import { alertSentence, alertTitle } from '../alerts/messages.ts';
import type { Config } from '../config.ts';
import type { MailTopic } from '../labels.ts';
import { smtpMailer, type Mailer, type MailMessage } from '../mail/mailer.ts';
import type { DbClockDeps, DbDeps, ServiceDeps } from './deps.ts';
import { invalid, notFound } from './errors.ts';
import type { DigestView } from './digests.ts';

const EMAIL = /^[^@\s<>",;]+@[^@\s<>",;]+\.[^@\s<>",;]+$/;

/** The base URL links in emails point at. */
const baseUrl = (config: Pick<Config, 'publicUrl' | 'port'>) => (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/$/, '');
export const unsubscribeUrl = (config: Pick<Config, 'publicUrl' | 'port'>, token: string) =>
  `${baseUrl(config)}/unsubscribe?token=${token}`;

/** The mailer configured by PULSE_SMTP_URL and PULSE_MAIL_FROM, or none. */
export function configuredMailer(config: Pick<Config, 'mail'>): Mailer | undefined {
  return config.mail ? smtpMailer(config.mail) : undefined;
}

/** Subscribes an address to the weekly digest or to alerts (of one studio or union, or all). */
export async function subscribe(
  deps: Pick<ServiceDeps, 'db' | 'config'>,
  p: { email: string; topic: MailTopic; entity?: string | undefined },
) {
  const email = p.email.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) throw invalid('email', 'expected an email address such as name@example.org');
  const row = await upsertSubscription(deps.db, {
    email,
    topic: p.topic,
    entity: p.entity ?? '',
    token: randomBytes(24).toString('base64url'),
  });
  return {
    id: row.id,
    email: row.email,
    topic: row.topic,
    entity: row.entity || null,
    unsubscribeUrl: unsubscribeUrl(deps.config, row.token),
  };
}

/** The subscription behind an unsubscribe link (for the confirmation page). */
export async function findSubscription(deps: DbDeps, p: { token: string }) {
  const row = await subscriptionByToken(deps.db, p.token);
  if (!row) throw notFound('subscription');
  return { email: row.email, topic: row.topic, entity: row.entity || null, active: row.unsubscribedAt === null };
}

/** Ends a subscription by the token of its link; unsubscribing twice is fine. */
export async function unsubscribe(deps: DbClockDeps, p: { token: string }) {
  const row =
    (await unsubscribeByToken(deps.db, { token: p.token, at: deps.clock.now() })) ?? (await subscriptionByToken(deps.db, p.token));
  if (!row) throw notFound('subscription');
  return { email: row.email, topic: row.topic };
}

/** Headers that let mail clients offer one-click unsubscribe (RFC 2369, RFC 8058). */
const listHeaders = (url: string) => ({ 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });

type MailDeps = DbClockDeps & Pick<ServiceDeps, 'config' | 'logger'> & { mailer: Mailer };

/** Sends one claimed message; a failure is recorded (not retried: the next digest or alert follows). */
async function sendClaimed(
  deps: MailDeps,
  claim: { subscriptionId: number; kind: string; refId: number },
  message: MailMessage,
): Promise<'sent' | 'skipped' | 'failed'> {
  const id = await claimMail(deps.db, { ...claim, at: deps.clock.now() });
  if (id === undefined) return 'skipped';
  try {
    await deps.mailer.send(message);
    return 'sent';
  } catch (err) {
    await markMailFailed(deps.db, { id, error: (err as Error).message ?? String(err) });
    deps.logger?.warn({ err, ...claim }, 'mail not sent');
    return 'failed';
  }
}

/** Emails every alert stored since `since` to the alert subscribers it concerns, each once. */
export async function mailAlerts(deps: MailDeps, p: { since: Date }) {
  const counts = { sent: 0, failed: 0 };
  const [fresh, subs] = await Promise.all([alertsCreatedSince(deps.db, p.since), liveSubscriptions(deps.db, 'alerts')]);
  for (const a of fresh) {
    for (const s of subs) {
      if (s.entity && s.entity !== a.entity) continue;
      const link =
        a.entityType === 'concern'
          ? `${baseUrl(deps.config)}/?concern=${encodeURIComponent(a.entity)}`
          : `${baseUrl(deps.config)}/${a.entityType === 'studio' ? 'studios' : 'unions'}/${encodeURIComponent(a.entity)}`;
      const off = unsubscribeUrl(deps.config, s.token);
      const text = `${alertSentence(a)}\n\nSee ${a.entity.replace(/_/g, ' ')} on Pulse: ${link}\n\nYou get this because ${s.email} subscribed to Pulse alerts${s.entity ? ` about ${s.entity}` : ''}. Unsubscribe: ${off}\n`;
      const outcome = await sendClaimed(
        deps,
        { subscriptionId: s.id, kind: 'alert', refId: a.id },
        { to: s.email, subject: alertTitle(a), text, headers: listHeaders(off) },
      );
      if (outcome === 'sent') counts.sent++;
      if (outcome === 'failed') counts.failed++;
    }
  }
  return counts;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Emails a stored digest to every digest subscriber once, with an unsubscribe link in each. */
export async function mailDigest(deps: MailDeps, p: { view: DigestView }) {
  const counts = { sent: 0, failed: 0 };
  const v = p.view;
  if (v.id === null) return counts; // only stored digests are mailed
  for (const s of await liveSubscriptions(deps.db, 'digest')) {
    const off = unsubscribeUrl(deps.config, s.token);
    const footer = `You get this because ${s.email} subscribed to the Pulse weekly digest. Unsubscribe: ${off}`;
    const html = v.html.includes('</body>')
      ? v.html.replace(
          '</body>',
          `<p style="color:#555;font-size:13px">${escapeHtml(footer).replace(escapeHtml(off), `<a href="${escapeHtml(off)}">${escapeHtml(off)}</a>`)}</p></body>`,
        )
      : `${v.html}<p>${escapeHtml(footer)}</p>`;
    const outcome = await sendClaimed(
      deps,
      { subscriptionId: s.id, kind: 'digest', refId: v.id },
      { to: s.email, subject: `Pulse weekly digest, ${v.week}`, text: `${v.markdown}\n\n--\n${footer}\n`, html, headers: listHeaders(off) },
    );
    if (outcome === 'sent') counts.sent++;
    if (outcome === 'failed') counts.failed++;
  }
  return counts;
}
