import type { ItemCursor } from '../../db/queries/items.ts';

/**
 * Opaque cursor: base64url of the last row's position (rank or published time, then id); a search
 * cursor also carries the oldest of the matches the first page ranked, so later pages rank the
 * same ones (and any newer) however many arrive meanwhile.
 */
export function encodeCursor(c: ItemCursor): string {
  const body =
    'rank' in c
      ? ['r', c.rank, c.id, ...(c.floor ? [c.floor.publishedAt.toISOString(), c.floor.id] : [])]
      : ['t', c.publishedAt.toISOString(), c.id];
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** The position a cursor names, or undefined when it is not one this API made for this kind of query. */
export function decodeCursor(raw: string, withQuery: boolean): ItemCursor | undefined {
  try {
    const [kind, pos, id, floorAt, floorId] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as [
      string,
      unknown,
      number,
      unknown,
      unknown,
    ];
    if (!Number.isSafeInteger(id) || id < 0) return undefined;
    if (kind === 'r' && withQuery && typeof pos === 'number' && Number.isFinite(pos)) {
      if (floorAt === undefined && floorId === undefined) return { rank: pos, id };
      const at = typeof floorAt === 'string' ? new Date(floorAt) : undefined;
      if (!at || Number.isNaN(at.getTime()) || typeof floorId !== 'number' || !Number.isSafeInteger(floorId) || floorId < 0)
        return undefined;
      return { rank: pos, id, floor: { publishedAt: at, id: floorId } };
    }
    if (kind === 't' && !withQuery && typeof pos === 'string') {
      const publishedAt = new Date(pos);
      return Number.isNaN(publishedAt.getTime()) ? undefined : { publishedAt, id };
    }
    return undefined;
  } catch {
    return undefined;
  }
}
