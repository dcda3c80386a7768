import { and, asc, eq, gte, isNull, sql } from 'drizzle-orm';
import type { MailTopic } from '../../src/labels.ts';
import type { Db } from '../client.ts';
import { alerts, mailDeliveries, mailSubscriptions } from '../schema/index.ts';

export type MailSubscriptionRow = typeof mailSubscriptions.$inferSelect;

/** Adds a subscription, or brings back one that was unsubscribed (with a new token). */
export async function upsertSubscription(
  db: Db,
  s: { email: string; topic: MailTopic; entity: string; token: string },
): Promise<MailSubscriptionRow> {
  const [row] = await db
    .insert(mailSubscriptions)
    .values(s)
    .onConflictDoUpdate({
      target: [mailSubscriptions.email, mailSubscriptions.topic, mailSubscriptions.entity],
      set: {
        unsubscribedAt: null,
        token: sql`case when ${mailSubscriptions.unsubscribedAt} is null then ${mailSubscriptions.token} else excluded.token end`,
      },
    })
    .returning();
  return row!;
}

/** Ends the subscription with this token; undefined when no live one has it. */
export async function unsubscribeByToken(db: Db, p: { token: string; at: Date }): Promise<MailSubscriptionRow | undefined> {
  const [row] = await db
    .update(mailSubscriptions)
    .set({ unsubscribedAt: p.at })
    .where(and(eq(mailSubscriptions.token, p.token), isNull(mailSubscriptions.unsubscribedAt)))
    .returning();
  return row;
}

export async function subscriptionByToken(db: Db, token: string): Promise<MailSubscriptionRow | undefined> {
  const [row] = await db.select().from(mailSubscriptions).where(eq(mailSubscriptions.token, token));
  return row;
}

export async function liveSubscriptions(db: Db, topic: MailTopic): Promise<MailSubscriptionRow[]> {
  return db
    .select()
    .from(mailSubscriptions)
    .where(and(eq(mailSubscriptions.topic, topic), isNull(mailSubscriptions.unsubscribedAt)))
    .orderBy(asc(mailSubscriptions.id));
}

/** Claims one message (subscription, kind, ref): true the first time only, so nothing is sent twice. */
export async function claimMail(db: Db, p: { subscriptionId: number; kind: string; refId: number; at: Date }): Promise<number | undefined> {
  const [row] = await db
    .insert(mailDeliveries)
    .values({ subscriptionId: p.subscriptionId, kind: p.kind, refId: p.refId, sentAt: p.at })
    .onConflictDoNothing()
    .returning({ id: mailDeliveries.id });
  return row?.id;
}

export async function markMailFailed(db: Db, p: { id: number; error: string }): Promise<void> {
  await db
    .update(mailDeliveries)
    .set({ status: 'failed', error: p.error.slice(0, 500) })
    .where(eq(mailDeliveries.id, p.id));
}

/** Alerts stored since a time (new ones to mail). */
export async function alertsCreatedSince(db: Db, since: Date) {
  return db.select().from(alerts).where(gte(alerts.createdAt, since)).orderBy(asc(alerts.id));
}
