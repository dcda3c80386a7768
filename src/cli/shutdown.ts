import type { Logger } from '../logger.ts';

/**
 * Resolves after SIGTERM or SIGINT once `stop` has run. A second signal while stopping exits at
 * once with code 1, for when something hangs.
 */
export function onShutdown(logger: Logger, stop: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const handler = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'stopping');
      stop()
        .catch((err) => logger.error({ err }, 'error while stopping'))
        .finally(() => {
          logger.info('stopped');
          resolve();
        });
    };
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  });
}
