import { gzipSync, brotliCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError, fetchFeed, type FetchOptions } from '../src/ingest/fetcher.ts';
import { body, rss, startFeedServer } from './helpers/feed-server.ts';

let server: Awaited<ReturnType<typeof startFeedServer>>;
const opts = (o: Partial<FetchOptions> = {}): FetchOptions => ({
  timeoutMs: 2000,
  connectTimeoutMs: 1000,
  maxBytes: 64 * 1024,
  allowPrivate: true,
  ...o,
});

async function failure(p: Promise<unknown>): Promise<FetchError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof FetchError) return err;
    throw err;
  }
  throw new Error('expected a FetchError');
}

beforeAll(async () => {
  const feed = rss([{ title: 'A', link: 'http://x.test/a' }]);
  server = await startFeedServer({
    '/feed': body(feed),
    '/gzip': body(gzipSync(feed), 'application/rss+xml', { 'Content-Encoding': 'gzip' }),
    '/br': body(brotliCompressSync(Buffer.from(feed)), 'application/rss+xml', { 'Content-Encoding': 'br' }),
    '/bomb': body(gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20)), 'application/rss+xml', { 'Content-Encoding': 'gzip' }),
    '/big': body(Buffer.alloc(200 * 1024, 0x20)),
    '/big-chunked': (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/rss+xml' });
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      const timer = setInterval(() => res.write(chunk), 1);
      res.on('close', () => clearInterval(timer));
    },
    '/hang': () => {},
    '/trickle': (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/rss+xml' });
      const timer = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(timer));
    },
    '/loop': (_req, res) => res.writeHead(302, { Location: '/loop' }).end(),
    '/hop1': (_req, res) => res.writeHead(301, { Location: '/feed' }).end(),
    '/to-localhost': (_req, res) => res.writeHead(302, { Location: server.url('/feed').replace('127.0.0.1', 'localhost') }).end(),
    '/to-file': (_req, res) => res.writeHead(302, { Location: 'file:///etc/passwd' }).end(),
    '/etag': (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304, { ETag: '"v1"' }).end();
      res
        .writeHead(200, { 'Content-Type': 'application/rss+xml', ETag: '"v1"', 'Last-Modified': 'Mon, 14 Jul 2025 10:00:00 GMT' })
        .end(feed);
    },
    '/busy': (_req, res) => res.writeHead(429, { 'Retry-After': '120' }).end(),
    '/broken': (_req, res) => res.writeHead(500).end('oops'),
    '/ua': (req, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end(req.headers['user-agent']),
    '/die': (req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/rss+xml', 'Content-Length': '1000' });
      res.write('<rss>');
      setTimeout(() => req.socket.destroy(), 20);
    },
  });
});
afterAll(() => server?.close());

describe('fetchFeed', () => {
  it('fetches and decodes gzip and brotli bodies', async () => {
    for (const path of ['/feed', '/gzip', '/br']) {
      const res = await fetchFeed(server.url(path), opts());
      expect(res.status).toBe(200);
      expect(res.text).toContain('<rss version="2.0"');
    }
  });

  it('names Pulse in its User-Agent', async () => {
    const res = await fetchFeed(server.url('/ua'), opts());
    expect(res.text).toMatch(/^Pulse\/\S+ \(\+https?:\/\//);
  });

  it('follows redirects and reports the final URL', async () => {
    const res = await fetchFeed(server.url('/hop1'), opts());
    expect(res.url).toBe(server.url('/feed'));
    expect(res.redirects).toBe(1);
  });

  it('stops a redirect loop after five hops', async () => {
    const before = server.hits('/loop');
    const err = await failure(fetchFeed(server.url('/loop'), opts()));
    expect(err.reason).toBe('too_many_redirects');
    expect(server.hits('/loop') - before).toBe(6);
  });

  it('cuts off an oversized body and a decompression bomb', async () => {
    expect((await failure(fetchFeed(server.url('/big'), opts()))).reason).toBe('too_large');
    expect((await failure(fetchFeed(server.url('/big-chunked'), opts()))).reason).toBe('too_large');
    const bomb = await failure(fetchFeed(server.url('/bomb'), opts({ maxBytes: 1024 * 1024 })));
    expect(bomb.reason).toBe('too_large');
    expect(bomb.message).toMatch(/after decompression/);
  });

  it('aborts a hang and a slow trickle at the total timeout', async () => {
    const started = Date.now();
    expect((await failure(fetchFeed(server.url('/hang'), opts({ timeoutMs: 300 })))).reason).toBe('timeout');
    expect((await failure(fetchFeed(server.url('/trickle'), opts({ timeoutMs: 400 })))).reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('aborts a server whose headers never end', async () => {
    const { createServer } = await import('node:net');
    const endless = createServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\n');
      const t = setInterval(() => socket.write(`X-Filler-${Math.random().toString(36).slice(2)}: ${'a'.repeat(50)}\r\n`), 20);
      socket.on('close', () => clearInterval(t));
      socket.on('error', () => clearInterval(t));
    });
    await new Promise<void>((r) => endless.listen(0, '127.0.0.1', r));
    const port = (endless.address() as import('node:net').AddressInfo).port;
    try {
      const started = Date.now();
      const err = await failure(fetchFeed(`http://127.0.0.1:${port}/`, opts({ timeoutMs: 800 })));
      expect(['timeout', 'network']).toContain(err.reason);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      endless.close();
    }
  });

  it('times out a connection whose TLS handshake never completes', async () => {
    // A TCP listener on loopback that accepts and then says nothing: the https connection never
    // becomes ready, so only the connect timer can end it.
    const { createServer } = await import('node:net');
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as import('node:net').AddressInfo).port;
    try {
      const started = Date.now();
      const err = await failure(fetchFeed(`https://127.0.0.1:${port}/feed`, opts({ connectTimeoutMs: 200, timeoutMs: 5000 })));
      expect(err.reason).toBe('connect_timeout');
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      silent.close();
    }
  });

  it('uses conditional GET: 304 is a success with nothing new', async () => {
    const first = await fetchFeed(server.url('/etag'), opts());
    expect(first.etag).toBe('"v1"');
    expect(first.lastModified).toBe('Mon, 14 Jul 2025 10:00:00 GMT');
    const second = await fetchFeed(server.url('/etag'), opts({ etag: first.etag, lastModified: first.lastModified }));
    expect(second.notModified).toBe(true);
    expect(second.status).toBe(304);
  });

  it('reports HTTP errors with status and Retry-After', async () => {
    const busy = await failure(fetchFeed(server.url('/busy'), opts()));
    expect(busy).toMatchObject({ reason: 'http_status', status: 429, retryAfterMs: 120_000 });
    expect((await failure(fetchFeed(server.url('/broken'), opts()))).status).toBe(500);
    expect((await failure(fetchFeed(server.url('/nothing'), opts()))).status).toBe(404);
  });

  it('reports a server dying mid-body', async () => {
    const err = await failure(fetchFeed(server.url('/die'), opts()));
    expect(err.reason).toBe('network');
  });

  it('refuses private addresses unless allowed, on the first hop and on redirects', async () => {
    expect((await failure(fetchFeed(server.url('/feed'), opts({ allowPrivate: false })))).reason).toBe('blocked_address');
    expect((await failure(fetchFeed('http://169.254.169.254/latest/meta-data/', opts({ allowPrivate: false })))).reason).toBe(
      'blocked_address',
    );
    // 127.0.0.1 is trusted here, but the redirect goes to "localhost", which resolves to loopback
    // after DNS and is not: the check runs again on that hop.
    const onlyFirst = (host: string) => host === '127.0.0.1';
    expect((await fetchFeed(server.url('/feed'), opts({ allowPrivate: onlyFirst }))).status).toBe(200);
    const err = await failure(fetchFeed(server.url('/to-localhost'), opts({ allowPrivate: onlyFirst })));
    expect(err.reason).toBe('blocked_address');
    expect(err.message).toMatch(/localhost resolves to/);
  });

  it('refuses non-http schemes, also in redirects', async () => {
    expect((await failure(fetchFeed('file:///etc/passwd', opts()))).reason).toBe('bad_url');
    expect((await failure(fetchFeed('gopher://x', opts()))).reason).toBe('bad_url');
    expect((await failure(fetchFeed(server.url('/to-file'), opts()))).reason).toBe('bad_url');
  });
});
