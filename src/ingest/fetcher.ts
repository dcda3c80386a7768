import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { isForbiddenAddress } from './address-check.ts';
import { decodeBody } from './charset.ts';

/**
 * The User-Agent feeds see: Pulse, its version, and the URL of this deployment (PULSE_PUBLIC_URL)
 * so a publisher can find out who is reading and how to reach them.
 */
export function userAgentFor(publicUrl?: string): string {
  return `Pulse/0.1 (+${publicUrl ?? 'http://localhost'}; feed reader for screen-industry research on generative AI)`;
}

export const USER_AGENT = userAgentFor();

export interface FetchOptions {
  /** whole fetch, redirects included */
  timeoutMs: number;
  /** until the TCP (and TLS) connection is up */
  connectTimeoutMs: number;
  /** largest body accepted, counted on the wire and again after decompression */
  maxBytes: number;
  /** true lifts the private-address check everywhere; a function lifts it for the hosts it accepts */
  allowPrivate: boolean | ((hostname: string) => boolean);
  etag?: string | null;
  lastModified?: string | null;
  maxRedirects?: number;
  userAgent?: string;
  signal?: AbortSignal;
}

export interface FetchResult {
  status: number;
  /** the URL finally fetched, after redirects */
  url: string;
  notModified: boolean;
  text: string;
  charset: string;
  contentType: string;
  etag: string | null;
  lastModified: string | null;
  bytes: number;
  redirects: number;
}

export type FetchFailure =
  | 'bad_url'
  | 'blocked_address'
  | 'dns'
  | 'connect_timeout'
  | 'timeout'
  | 'too_large'
  | 'too_many_redirects'
  | 'http_status'
  | 'network'
  | 'decode';

/** Why a fetch failed, with the HTTP status and Retry-After when the server sent them. */
export class FetchError extends Error {
  constructor(
    readonly reason: FetchFailure,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

/**
 * Fetches a feed with the safety a long-running reader needs: real connect and total timeouts,
 * a body cap enforced while streaming and after decompression, at most five redirects, each hop
 * re-checked against private addresses after DNS resolution (the checked address is the one
 * connected to), and conditional GET. Non-2xx answers other than 304 throw a FetchError.
 */
export async function fetchFeed(rawUrl: string, opts: FetchOptions): Promise<FetchResult> {
  const maxRedirects = opts.maxRedirects ?? 5;
  const deadline = Date.now() + opts.timeoutMs;
  let url = parseHttpUrl(rawUrl);
  for (let hop = 0; ; hop++) {
    const res = await request(url, opts, deadline, hop === 0);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && status !== 304 && res.headers.location) {
      res.resume();
      if (hop >= maxRedirects) throw new FetchError('too_many_redirects', `more than ${maxRedirects} redirects`, status);
      let next: URL;
      try {
        next = new URL(res.headers.location, url);
      } catch {
        throw new FetchError('bad_url', `redirect to an invalid URL: ${res.headers.location.slice(0, 200)}`, status);
      }
      url = parseHttpUrl(next.toString());
      continue;
    }
    const headers = {
      contentType: String(res.headers['content-type'] ?? ''),
      etag: header(res, 'etag'),
      lastModified: header(res, 'last-modified'),
    };
    if (status === 304) {
      res.resume();
      return { status, url: url.toString(), notModified: true, text: '', charset: '', bytes: 0, redirects: hop, ...headers };
    }
    if (status < 200 || status >= 300) {
      res.resume();
      const retryAfterMs = parseRetryAfter(header(res, 'retry-after'), Date.now());
      throw new FetchError('http_status', `HTTP ${status}${res.statusMessage ? ' ' + res.statusMessage : ''}`, status, retryAfterMs);
    }
    const bytes = await readBody(res, opts.maxBytes, deadline);
    const { text, charset } = decodeBody(bytes, headers.contentType);
    return { status, url: url.toString(), notModified: false, text, charset, bytes: bytes.length, redirects: hop, ...headers };
  }
}

function header(res: IncomingMessage, name: string): string | null {
  const v = res.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

function parseHttpUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new FetchError('bad_url', `not a URL: ${raw.slice(0, 200)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new FetchError('bad_url', `only http and https are fetched, not ${u.protocol}`);
  return u;
}

/** A DNS lookup that refuses forbidden addresses, so the address checked is the one used. */
function privateAllowed(allow: FetchOptions['allowPrivate'], hostname: string): boolean {
  return typeof allow === 'function' ? allow(hostname) : allow;
}

function guardedLookup(allowPrivate: FetchOptions['allowPrivate']): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const bad = addresses.find((a) => isForbiddenAddress(a.address));
      if (bad && !privateAllowed(allowPrivate, hostname)) {
        return callback(new FetchError('blocked_address', `${hostname} resolves to ${bad.address}, a private or reserved address`), '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

interface Outgoing {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

function request(
  url: URL,
  opts: FetchOptions,
  deadline: number,
  first: boolean,
  out: Outgoing = { method: 'GET' },
): Promise<IncomingMessage> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && isForbiddenAddress(host) && !privateAllowed(opts.allowPrivate, host)) {
    return Promise.reject(new FetchError('blocked_address', `${host} is a private or reserved address`));
  }
  const remaining = deadline - Date.now();
  if (remaining <= 0) return Promise.reject(new FetchError('timeout', 'timed out'));
  const headers: Record<string, string> = {
    'User-Agent': opts.userAgent ?? USER_AGENT,
    Accept: 'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5',
    'Accept-Encoding': 'gzip, deflate, br',
  };
  Object.assign(headers, out.headers);
  if (first && opts.etag) headers['If-None-Match'] = opts.etag;
  if (first && opts.lastModified) headers['If-Modified-Since'] = opts.lastModified;
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, {
      method: out.method,
      headers,
      agent: false,
      lookup: guardedLookup(opts.allowPrivate),
      signal: opts.signal,
    });
    const connectTimer = setTimeout(
      () => req.destroy(new FetchError('connect_timeout', `no connection within ${opts.connectTimeoutMs} ms`)),
      Math.min(opts.connectTimeoutMs, remaining),
    );
    const totalTimer = setTimeout(() => req.destroy(new FetchError('timeout', 'no answer within the time limit')), remaining);
    req.on('socket', (socket) => {
      socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
    });
    req.on('response', (res) => {
      // From here readBody owns the deadline, so a slow trickle is cut there.
      clearTimeout(connectTimer);
      clearTimeout(totalTimer);
      resolve(res);
    });
    req.on('error', (err) => {
      clearTimeout(connectTimer);
      clearTimeout(totalTimer);
      reject(asFetchError(err));
    });
    req.end(out.body);
  });
}

/**
 * POSTs a JSON body with the same address checks and timeouts as feed fetches. Redirects are
 * not followed (a webhook that moves must be registered again). Resolves with the status and
 * the first 4 KB of the answer; network failures throw a FetchError.
 */
export async function postJson(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  opts: Omit<FetchOptions, 'etag' | 'lastModified'>,
): Promise<{ status: number; text: string }> {
  const url = parseHttpUrl(rawUrl);
  const deadline = Date.now() + opts.timeoutMs;
  const res = await request(url, opts, deadline, false, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), Accept: '*/*', ...headers },
  });
  const bytes = await readBody(res, 4096, deadline).catch((err) => {
    if (err instanceof FetchError && err.reason === 'too_large') return new Uint8Array();
    throw err;
  });
  return { status: res.statusCode ?? 0, text: Buffer.from(bytes).toString('utf8') };
}

function asFetchError(err: unknown): FetchError {
  if (err instanceof FetchError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e?.name === 'AbortError') return new FetchError('timeout', 'aborted');
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') return new FetchError('dns', `DNS lookup failed (${e.code})`);
  const cause = (e as { cause?: unknown })?.cause;
  if (cause instanceof FetchError) return cause;
  return new FetchError('network', e?.code ? `${e.message}` : String(e?.message ?? err));
}

async function readBody(res: IncomingMessage, maxBytes: number, deadline: number): Promise<Uint8Array> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    throw new FetchError('too_large', `body of ${declared} bytes is over the ${maxBytes}-byte limit`);
  }
  let wire = 0;
  // The first failure wins: destroying the response also emits 'aborted', which must not mask it.
  let failure: FetchError | undefined;
  const counted = new Readable({ read() {} });
  const fail = (err: FetchError) => {
    if (failure) return;
    failure = err;
    counted.destroy(err);
    res.destroy();
  };
  const timer = setTimeout(
    () => fail(new FetchError('timeout', 'no complete answer within the time limit')),
    Math.max(0, deadline - Date.now()),
  );
  res.on('data', (chunk: Buffer) => {
    wire += chunk.length;
    if (wire > maxBytes) return fail(new FetchError('too_large', `body over the ${maxBytes}-byte limit`));
    counted.push(chunk);
  });
  res.on('end', () => counted.push(null));
  res.on('error', (err) => fail(asFetchError(err)));
  res.on('aborted', () => fail(new FetchError('network', 'connection closed before the body ended')));
  res.on('close', () => {
    if (!res.complete) fail(new FetchError('network', 'connection closed before the body ended'));
  });

  const encoding = String(res.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const decoded =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? counted.pipe(zlib.createGunzip())
      : encoding === 'deflate'
        ? counted.pipe(zlib.createInflate())
        : encoding === 'br'
          ? counted.pipe(zlib.createBrotliDecompress())
          : counted;
  if (decoded !== counted) counted.on('error', (err) => decoded.destroy(err));

  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of decoded as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        fail(new FetchError('too_large', `body over the ${maxBytes}-byte limit after decompression`));
        break;
      }
      chunks.push(chunk);
    }
  } catch (err) {
    clearTimeout(timer);
    res.destroy();
    decoded.destroy();
    if (failure) throw failure;
    if (err instanceof FetchError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code?.startsWith('Z_') || e.code === 'ERR__ERROR') throw new FetchError('decode', `cannot decode ${encoding} body: ${e.message}`);
    throw asFetchError(err);
  }
  clearTimeout(timer);
  if (failure) throw failure;
  return Buffer.concat(chunks);
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
