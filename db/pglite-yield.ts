import type { PGlite } from '@electric-sql/pglite';

/**
 * PGlite runs each query synchronously on this thread, and its promise settles in a microtask, so
 * a route that runs query after query (an export's batches, a page's several reads) never lets the
 * event loop in: every other request, cached answers and /health included, waits for all of them
 * (an export of 50,000 rows held the loop for 1.2 s at a stretch). Here queries run one after
 * another (as PGlite runs them anyway), each after a turn of the event loop that begins once the
 * one before it has finished, so sockets and timers get in between and the longest hold is the
 * longest single query. Queries inside a transaction run on its own handle and are not delayed;
 * a transaction and close() take their place in the same line.
 */
export function yieldBeforeQueries(client: PGlite): void {
  let tail: Promise<unknown> = Promise.resolve();
  const inTurn = <A extends unknown[], R>(run: (...args: A) => Promise<R>) =>
    ((...args: A) => {
      const result = tail.then(turn).then(() => run(...args));
      tail = result.catch(() => {});
      return result;
    }) as (...args: A) => Promise<R>;
  client.query = inTurn(client.query.bind(client)) as PGlite['query'];
  client.exec = inTurn(client.exec.bind(client)) as PGlite['exec'];
  // in call order with the queries: those asked before close() or a transaction still run first
  client.transaction = inTurn(client.transaction.bind(client)) as PGlite['transaction'];
  client.close = inTurn(client.close.bind(client)) as PGlite['close'];
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
