import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Database } from '../db/client.ts';
import { createApp } from './api/app.ts';
import { clientBucket } from './api/rate-limit.ts';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import type { StanceModel } from './classify/model.ts';

export interface RunningServer {
  server: ServerType;
  url: string;
  close(): Promise<void>;
}

/**
 * node:http limits: a client gets `headersTimeoutMs` (10 s by default, Node's own is 60 s) to
 * send its request head and twice that for the whole request (Node's own: 300 s), so slow-header
 * connections are dropped within seconds, not held for 90; an idle keep-alive connection is
 * closed after 5 s.
 */
export function httpServerOptions(config: Config): ServerOptions {
  const headersTimeout = config.http.headersTimeoutMs;
  // Node enforces both timeouts on a sweep (every 30 s by default): sweep often enough that the
  // limit means what it says
  return {
    headersTimeout,
    requestTimeout: headersTimeout * 2,
    keepAliveTimeout: 5_000,
    maxHeaderSize: 16 * 1024,
    connectionsCheckingInterval: Math.min(2_000, headersTimeout),
  };
}

/**
 * Refuses a client's connections beyond `max` at once (IPv6 by /64): connections it holds open
 * slowly cannot use up the process's sockets. Off (0) behind a proxy, where every connection
 * comes from the proxy.
 */
export function capConnections(server: Server, max: number, logger: Logger): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  let warned = 0;
  server.on('connection', (socket: Socket) => {
    const client = clientBucket(socket.remoteAddress ?? 'unknown');
    const n = (open.get(client) ?? 0) + 1;
    if (n > max) {
      socket.destroy();
      if (Date.now() - warned > 60_000) {
        warned = Date.now();
        logger.warn({ client, max }, 'connection refused: the client holds the most connections allowed');
      }
      return;
    }
    open.set(client, n);
    socket.once('close', () => {
      const left = (open.get(client) ?? 1) - 1;
      if (left <= 0) open.delete(client);
      else open.set(client, left);
    });
  });
}

/** Starts the HTTP API on config.host:config.port; resolves once it is listening. */
export async function startServer(opts: {
  config: Config;
  database: Database;
  logger: Logger;
  clock?: Clock;
  metrics?: Metrics;
  model: StanceModel;
}): Promise<RunningServer> {
  const { config, database, logger } = opts;
  const app = createApp({
    db: database.db,
    ...(database.readDb ? { readDb: database.readDb } : {}),
    database,
    config,
    logger,
    clock: opts.clock ?? systemClock,
    metrics: opts.metrics,
    model: opts.model,
  });
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: config.port, hostname: config.host, serverOptions: httpServerOptions(config) },
      (info) => {
        const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        const shown = host === '0.0.0.0' || host === '[::]' ? 'localhost' : host;
        const url = `http://${shown}:${info.port}`;
        resolve({
          server,
          url,
          close: () =>
            new Promise<void>((done) => {
              server.close(() => done());
              // Keep-alive connections would hold close() open; end idle ones now.
              (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
            }),
        });
      },
    );
    capConnections(server as Server, config.rateLimit.trustProxy > 0 ? 0 : config.http.maxConnectionsPerClient, logger);
    server.once('error', reject);
  });
}
