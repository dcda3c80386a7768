import {
  deleteAnnouncement as deleteRow,
  getAnnouncement as getRow,
  insertAnnouncement,
  listAnnouncements as listRows,
  seedAnnouncementsOnce as seedRows,
  updateAnnouncement as updateRow,
  type AnnouncementRow,
  type NewAnnouncement,
} from '../../db/queries/announcements.ts';
import type { SeedAnnouncement } from '../../db/seed/announcements.ts';
import { momentOf } from '../analytics/reaction.ts';
import type { DbDeps, ServiceDeps } from './deps.ts';
import { invalid, notFound } from './errors.ts';

export type { AnnouncementRow } from '../../db/queries/announcements.ts';

/** An announcement as every caller shows it, with the instant its reaction windows split at. */
export function presentAnnouncement(a: AnnouncementRow) {
  return {
    id: a.id,
    title: a.title,
    studio: a.studio,
    date: a.date,
    time: a.time ? a.time.slice(0, 5) : null,
    timeZone: a.timeZone,
    url: a.url,
    description: a.description,
    keywords: a.keywords,
    moment: momentOf(a).toISOString(),
  };
}
export type AnnouncementView = ReturnType<typeof presentAnnouncement>;

export interface AnnouncementInput {
  title: string;
  studio?: string | null | undefined;
  date: string;
  time?: string | null | undefined;
  timeZone?: string | null | undefined;
  url?: string | null | undefined;
  description?: string | undefined;
  keywords?: string[] | undefined;
}

/** Only web links: an announcement's URL is shown as a link on pages and in digests. */
function checkUrl(url: string | null | undefined) {
  if (url && !/^https?:\/\//i.test(url)) throw invalid('url', 'expected an http(s) URL');
}

/** Cached reactions change with their announcement. */
const changed = (deps: Pick<ServiceDeps, 'invalidate'>, id: number) => deps.invalidate?.(`/api/v1/announcements/${id}/`);

/** Every announcement, oldest first. */
export async function listAnnouncements(deps: DbDeps): Promise<AnnouncementRow[]> {
  return listRows(deps.db);
}

export async function getAnnouncement(deps: DbDeps, p: { id: number }): Promise<AnnouncementRow> {
  const row = await getRow(deps.db, p.id);
  if (!row) throw notFound(`announcement ${p.id}`);
  return row;
}

export async function createAnnouncement(deps: DbDeps, a: AnnouncementInput): Promise<AnnouncementRow> {
  if (a.time && !a.timeZone) throw invalid('timeZone', 'a time needs a timeZone');
  checkUrl(a.url);
  return insertAnnouncement(deps.db, {
    title: a.title,
    date: a.date,
    description: a.description ?? '',
    studio: a.studio ?? null,
    time: a.time ?? null,
    timeZone: a.timeZone ?? null,
    url: a.url ?? null,
    keywords: a.keywords ?? [],
  });
}

export async function updateAnnouncement(
  deps: Pick<ServiceDeps, 'db' | 'invalidate'>,
  p: { id: number; patch: Partial<AnnouncementInput> },
): Promise<AnnouncementRow> {
  checkUrl(p.patch.url);
  const current = await getAnnouncement(deps, { id: p.id });
  const time = p.patch.time === undefined ? current.time : p.patch.time;
  const timeZone = p.patch.timeZone === undefined ? current.timeZone : p.patch.timeZone;
  if (time && !timeZone) throw invalid('timeZone', 'a time needs a timeZone');
  const row = await updateRow(deps.db, p.id, p.patch as Partial<NewAnnouncement>);
  if (!row) throw notFound(`announcement ${p.id}`);
  changed(deps, p.id);
  return row;
}

export async function deleteAnnouncement(deps: Pick<ServiceDeps, 'db' | 'invalidate'>, p: { id: number }): Promise<void> {
  if (!(await deleteRow(deps.db, p.id))) throw notFound(`announcement ${p.id}`);
  changed(deps, p.id);
}

/** Seeds the default announcements into a database that never had any; returns how many. */
export async function seedAnnouncementsOnce(deps: DbDeps, list: SeedAnnouncement[]): Promise<number> {
  return seedRows(deps.db, list);
}
