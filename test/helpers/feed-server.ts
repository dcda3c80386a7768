import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A feed server on 127.0.0.1 with one handler per path; counts requests per path. */
export async function startFeedServer(routes: Record<string, Handler> = {}) {
  const hits = new Map<string, number>();
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    requests.push(req);
    const handler = routes[path];
    if (!handler) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    handler(req, res);
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    url: (path: string) => base + path,
    routes,
    hits: (path: string) => hits.get(path) ?? 0,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Serves a fixed body with a content type. */
export const body =
  (content: string | Buffer, contentType = 'application/rss+xml; charset=utf-8', headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'Content-Type': contentType, ...headers }).end(content);
  };

export interface FeedItem {
  title: string;
  link: string;
  description?: string;
  guid?: string;
  pubDate?: string;
  creator?: string;
  content?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An RSS 2.0 document. */
export function rss(items: FeedItem[], opts: { title?: string; encoding?: string } = {}): string {
  return `<?xml version="1.0" encoding="${opts.encoding ?? 'UTF-8'}"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>${esc(opts.title ?? 'Test feed')}</title><link>http://example.test/</link><description>test</description><language>en-gb</language>
${items
  .map(
    (
      i,
    ) => `<item><title>${esc(i.title)}</title><link>${esc(i.link)}</link>${i.guid ? `<guid isPermaLink="false">${esc(i.guid)}</guid>` : ''}
<description>${esc(i.description ?? '')}</description>${i.content ? `<content:encoded><![CDATA[${i.content}]]></content:encoded>` : ''}
${i.creator ? `<dc:creator>${esc(i.creator)}</dc:creator>` : ''}${i.pubDate ? `<pubDate>${i.pubDate}</pubDate>` : ''}</item>`,
  )
  .join('\n')}
</channel></rss>`;
}

/** n distinct items whose links live under `prefix`. */
export function manyItems(n: number, prefix: string, start = 0): FeedItem[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + start;
    return {
      title: `Story ${i}: studio AI tools and the crews who use them`,
      link: `${prefix}/story-${i}`,
      guid: `${prefix}/story-${i}`,
      description: `Item ${i} from ${prefix} reports on generative AI in visual effects at Netflix and what the IATSE local said about jobs, case ${i}.`,
      pubDate: new Date(Date.UTC(2025, 6, 1) + i * 60_000).toUTCString(),
    };
  });
}
