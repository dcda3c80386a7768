import { serve, type ServerType } from '@hono/node-server';
import type { Database } from '../db/client.ts';
import { createApp } from './api/app.ts';
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
    database,
    config,
    logger,
    clock: opts.clock ?? systemClock,
    metrics: opts.metrics,
    model: opts.model,
  });
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
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
    });
    server.once('error', reject);
  });
}
