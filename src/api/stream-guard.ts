import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import type { Logger } from '../logger.ts';
import type { AppEnv } from './env.ts';

export interface StreamGuard {
  logger: Logger;
  /** the stream is cut when it runs longer than this */
  deadlineMs: number;
  /** called once when the stream ends, fails, is cut or is cancelled */
  onDone?: (() => void) | undefined;
}

/**
 * A response body that reads `source` and never errors toward @hono/node-server, whose default
 * handler would print the raw error (SQL, query values) to stderr and send its message to the
 * client. A failure, or running past the deadline, is logged as one JSON line with the request
 * id; the connection is then closed without the final chunk, so the client sees a broken
 * transfer, never a complete-looking truncated file. In-process (app.request) the body errors
 * with a fixed message instead.
 */
export function guardedBody(c: Context<AppEnv>, source: ReadableStream<Uint8Array>, g: StreamGuard): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  const requestId = c.get('requestId');
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  const done = () => {
    if (finished) return false;
    finished = true;
    clearTimeout(timer);
    g.onDone?.();
    return true;
  };
  let cut: ((why: 'failed' | 'deadline') => void) | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      cut = (why) => {
        if (!done()) return;
        reader.cancel().catch(() => {});
        if (outgoing && typeof outgoing.destroy === 'function') {
          outgoing.destroy();
          try {
            controller.close();
          } catch {
            // already closed
          }
        } else
          controller.error(new Error(why === 'deadline' ? 'response cut: deadline passed' : 'response cut: the server failed mid-stream'));
      };
      timer = setTimeout(() => {
        g.logger.warn({ requestId, path: c.req.path, deadlineMs: g.deadlineMs }, 'stream cut at its deadline');
        cut?.('deadline');
      }, g.deadlineMs);
      timer.unref?.();
    },
    async pull(controller) {
      if (finished) return;
      try {
        const { done: end, value } = await reader.read();
        if (finished) return;
        if (end) {
          done();
          controller.close();
        } else controller.enqueue(value);
      } catch (err) {
        g.logger.error({ err, requestId, path: c.req.path }, 'stream failed mid-way');
        cut?.('failed');
      }
    },
    cancel() {
      if (done()) reader.cancel().catch(() => {});
    },
  });
}
