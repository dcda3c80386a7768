import { chmodSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { SOCKET_FILE, type HeldDataDirLock } from '../../db/data-dir-lock.ts';
import type { Logger } from '../logger.ts';
import type { Io } from './common.ts';

/**
 * The local admin channel of a server that holds an embedded data directory. PGlite serves one
 * process, so a CLI command run while `pulse serve` holds the directory (`pulse keys create`,
 * `pulse ingest`, ...) is not run on a second copy of the database: it is sent here, runs inside
 * the server on the server's open database, and its output streams back. The effect is visible
 * in the API at once. The socket lives in the data directory with mode 0600, so only the user
 * who owns the data can reach it.
 */

/** Commands that never touch the database, or own the directory themselves: always run locally. */
export const LOCAL_COMMANDS = new Set(['serve', 'worker', 'demo', 'classify', 'train', 'eval', 'topic', 'help', '--help', '-h']);

const MAX_REQUEST_BYTES = 64 * 1024;

interface RunRequest {
  argv: string[];
  /** the caller's working directory: relative paths in its arguments mean files there */
  cwd: string;
}

type Line = { out: string } | { err: string } | { exit: number };

/** Starts the channel; `run` executes one command line with the given output and returns its exit code. */
export async function startAdminChannel(opts: {
  dataDir: string;
  lock: HeldDataDirLock;
  logger: Logger;
  run: (argv: string[], io: Io) => Promise<number>;
}): Promise<{ socket: string; close(): Promise<void> }> {
  const socket = join(opts.dataDir, SOCKET_FILE);
  rmSync(socket, { force: true }); // left by a process that died
  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/run') {
      res.writeHead(404).end();
      return;
    }
    let body = '';
    let size = 0;
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) req.destroy();
      else body += chunk;
    });
    req.on('end', async () => {
      let call: RunRequest;
      try {
        call = JSON.parse(body) as RunRequest;
        if (!Array.isArray(call.argv) || !call.argv.every((a) => typeof a === 'string') || typeof call.cwd !== 'string')
          throw new Error('bad request');
      } catch {
        res.writeHead(400).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      const send = (line: Line) => res.write(JSON.stringify(line) + '\n');
      const [name] = call.argv;
      if (name === undefined || LOCAL_COMMANDS.has(name)) {
        send({ err: `pulse: ${name ?? '(none)'} is not run through the server` });
        send({ exit: 2 });
        res.end();
        return;
      }
      opts.logger.info({ command: name }, 'running a command for a local CLI');
      let code: number;
      try {
        code = await opts.run(call.argv, {
          out: (l) => send({ out: l }),
          err: (l) => send({ err: l }),
          write: (t) => send({ out: t.replace(/\n$/, '') }),
          cwd: call.cwd,
        });
      } catch (err) {
        send({ err: `pulse: ${(err as Error).message}` });
        code = 1;
      }
      send({ exit: code });
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  chmodSync(socket, 0o600);
  opts.lock.setSocket(socket);
  return {
    socket,
    close: () =>
      new Promise<void>((resolve) => {
        opts.lock.setSocket(undefined);
        server.close(() => {
          rmSync(socket, { force: true });
          resolve();
        });
        server.closeAllConnections?.();
      }),
  };
}

/** Sends a command line to a running server's admin channel; prints what it prints; returns its exit code. */
export function forwardToServer(socket: string, argv: string[], io: Io): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path: '/run', method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`the running server refused the command (HTTP ${res.statusCode})`));
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      let buffered = '';
      let exit: number | undefined;
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = JSON.parse(buffered.slice(0, nl)) as Line;
          buffered = buffered.slice(nl + 1);
          if ('out' in line) io.out(line.out);
          else if ('err' in line) io.err(line.err);
          else exit = line.exit;
        }
      });
      res.on('end', () =>
        exit === undefined ? reject(new Error('the running server closed the channel before the command finished')) : resolve(exit),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify({ argv, cwd: process.cwd() } satisfies RunRequest));
  });
}
