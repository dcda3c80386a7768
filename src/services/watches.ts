import { randomBytes } from 'node:crypto';
import type { WatchQuery } from '../../db/schema/watches.ts';
import {
  deleteWatch as deleteRow,
  dueWatches,
  insertWatch,
  listWatches as listRows,
  recordWatchCheck,
  type WatchRow,
} from '../../db/queries/watches.ts';
import { chatNotice } from '../alerts/messages.ts';
import { webhookUrlProblem } from '../alerts/webhook-url.ts';
import { FetchError, postJson } from '../ingest/fetcher.ts';
import type { WebhookFormat } from '../labels.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { DbClockDeps, DbDeps, ServiceDeps } from './deps.ts';
import { invalid, notFound } from './errors.ts';
import { listItems } from './items.ts';
import { sign } from './webhooks.ts';

export type { WatchQuery } from '../../db/schema/watches.ts';

/** The shortest interval between two messages of one watch. */
export const MIN_WATCH_INTERVAL_MINUTES = 5;
const EMAIL = /^[^@\s<>",;]+@[^@\s<>",;]+\.[^@\s<>",;]+$/;

export const presentWatch = (w: WatchRow) => ({
  id: w.id,
  name: w.name,
  query: w.query,
  intervalMinutes: w.intervalMinutes,
  email: w.email,
  webhook: w.webhookUrl ? { url: w.webhookUrl, format: w.webhookFormat } : null,
  lastSentAt: w.lastSentAt?.toISOString() ?? null,
  lastError: w.lastError,
  createdAt: w.createdAt.toISOString(),
});

export interface WatchInput {
  name: string;
  query: WatchQuery;
  intervalMinutes?: number | undefined;
  email?: string | undefined;
  webhook?: { url: string; format?: WebhookFormat | undefined } | undefined;
}

/** Saves a watch; it looks at items labelled from now on. The webhook secret is in this answer only. */
export async function createWatch(deps: Pick<ServiceDeps, 'db' | 'config' | 'clock'>, p: WatchInput) {
  if (!p.email && !p.webhook) throw invalid('email', 'a watch needs an email address, a webhook, or both');
  const email = p.email?.trim().toLowerCase();
  if (email && (email.length > 254 || !EMAIL.test(email))) throw invalid('email', 'expected an email address such as name@example.org');
  if (email && !deps.config.mail) throw invalid('email', 'this server sends no email (PULSE_SMTP_URL is not set)');
  if (p.webhook) {
    const problem = await webhookUrlProblem(p.webhook.url, deps.config.allowPrivateFeeds);
    if (problem) throw invalid('webhook.url', problem);
  }
  const secret = randomBytes(32).toString('hex');
  const row = await insertWatch(deps.db, {
    name: p.name,
    query: p.query,
    intervalMinutes: p.intervalMinutes ?? 60,
    email: email ?? null,
    webhookUrl: p.webhook ? new URL(p.webhook.url).toString() : null,
    webhookFormat: p.webhook?.format ?? 'generic',
    secret,
    checkedThrough: deps.clock.now(),
  });
  return { ...presentWatch(row), secret };
}

export async function listWatches(deps: DbDeps) {
  return (await listRows(deps.db)).map(presentWatch);
}

export async function deleteWatch(deps: DbDeps, p: { id: number }): Promise<void> {
  if (!(await deleteRow(deps.db, p.id))) throw notFound(`watch ${p.id}`);
}

/** The explorer URL of a watch's query. */
function explorerUrl(base: string, q: WatchQuery): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '' && k !== 'stance') params.set(k, String(v));
  return `${base}/?${params.toString()}`;
}

type CheckDeps = DbClockDeps &
  Pick<ServiceDeps, 'config' | 'logger'> & { mailer?: Mailer | undefined; allowPrivate?: boolean | ((host: string) => boolean) };

/**
 * Looks at every due watch (its interval since the last message has passed): items labelled since
 * its last check that match its query. With any, one message goes out (email, webhook or both)
 * naming how many and the first few; either way the check moves on, so nothing is counted twice.
 * A watch that is not due keeps its items for its next message.
 */
export async function checkWatches(deps: CheckDeps): Promise<{ checked: number; sent: number; failed: number }> {
  const now = deps.clock.now();
  const base = (deps.config.publicUrl ?? `http://localhost:${deps.config.port}`).replace(/\/$/, '');
  const counts = { checked: 0, sent: 0, failed: 0 };
  for (const w of await dueWatches(deps.db, now)) {
    counts.checked++;
    const page = await listItems(deps, {
      filters: { ...w.query, relevant: true, labelled: true, labelledSince: w.checkedThrough, labelledBefore: now },
      limit: 5,
    });
    if (!page.total) {
      await recordWatchCheck(deps.db, { id: w.id, through: now });
      continue;
    }
    const title = `Pulse watch "${w.name}": ${page.total} new item${page.total === 1 ? '' : 's'}`;
    const lines = page.rows.map((i) => `- ${i.title} (${i.sourceName}, ${i.stance ?? 'unlabelled'}) ${base}/items/${i.id}`);
    if (page.total > page.rows.length) lines.push(`… and ${page.total - page.rows.length} more`);
    const link = explorerUrl(base, w.query);
    const errors: string[] = [];
    if (w.email && deps.mailer) {
      try {
        await deps.mailer.send({
          to: w.email,
          subject: title,
          text: `${lines.join('\n')}\n\nAll of them: ${link}\n\nYou get this because a Pulse watch sends to ${w.email}. Ask its owner to remove watch ${w.id}.\n`,
        });
      } catch (err) {
        errors.push(`email: ${(err as Error).message}`);
      }
    }
    if (w.webhookUrl) {
      const body = JSON.stringify(
        w.webhookFormat === 'generic'
          ? {
              event: 'watch',
              watch: { id: w.id, name: w.name, query: w.query },
              count: page.total,
              items: page.rows.map((i) => ({
                id: i.id,
                title: i.title,
                url: i.url,
                source: i.sourceName,
                stance: i.stance,
                link: `${base}/items/${i.id}`,
              })),
              link,
            }
          : chatNotice(w.webhookFormat, { title, text: lines.join('\n'), link }),
      );
      try {
        const res = await postJson(
          w.webhookUrl,
          body,
          { 'X-Pulse-Signature': sign(w.secret, body), 'X-Pulse-Event': 'watch' },
          { timeoutMs: 10_000, connectTimeoutMs: 5_000, maxBytes: 4096, allowPrivate: deps.allowPrivate ?? deps.config.allowPrivateFeeds },
        );
        if (res.status < 200 || res.status >= 300) errors.push(`webhook: HTTP ${res.status}`);
      } catch (err) {
        errors.push(`webhook: ${err instanceof FetchError ? `${err.reason}: ${err.message}` : (err as Error).message}`);
      }
    }
    await recordWatchCheck(deps.db, { id: w.id, through: now, sentAt: now, error: errors.length ? errors.join('; ') : null });
    if (errors.length) {
      counts.failed++;
      deps.logger?.warn({ watchId: w.id, errors }, 'watch message not fully delivered');
    } else counts.sent++;
  }
  return counts;
}
