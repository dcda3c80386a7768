/**
 * The `pulse` command. Each subcommand lives in src/cli/<name>.ts; this file only dispatches and
 * turns errors into exit codes: 2 for a usage mistake, 1 for a failure, 0 otherwise.
 */
import { DatabaseUnavailableError, describe } from '../db/client.ts';
import { ConfigError } from './config.ts';
import { ServiceError } from './services/errors.ts';
import { DataDirBusyError, readLock } from '../db/data-dir-lock.ts';
import { forwardToServer, LOCAL_COMMANDS } from './cli/admin-channel.ts';
import { loadConfig } from './config.ts';
import { BackupFileError } from './services/backup.ts';
import { CommandError, setCurrentCommand, stdio, UsageError, type Io } from './cli/common.ts';
import { commandHelp, usageErrorText } from './cli/help.ts';
import * as u from './cli/usage.ts';

type Command = (args: string[], io: Io) => Promise<number>;

/** Each command's module is imported only when it runs: `pulse keys list` never loads the server. */
const commands: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./cli/serve.ts')).serveCommand,
  worker: async () => (await import('./cli/serve.ts')).workerCommand,
  migrate: async () => (await import('./cli/migrate.ts')).migrateCommand,
  keys: async () => (await import('./cli/keys.ts')).keysCommand,
  sources: async () => (await import('./cli/sources.ts')).sourcesCommand,
  ingest: async () => (await import('./cli/ingest.ts')).ingestCommand,
  classify: async () => (await import('./cli/classify.ts')).classifyCommand,
  train: async () => (await import('./cli/train.ts')).trainCommand,
  eval: async () => (await import('./cli/eval.ts')).evalCommand,
  topic: async () => (await import('./cli/topic.ts')).topicCommand,
  reclassify: async () => (await import('./cli/reclassify.ts')).reclassifyCommand,
  digest: async () => (await import('./cli/digest.ts')).digestCommand,
  demo: async () => (await import('./cli/demo.ts')).demoCommand,
  backup: async () => (await import('./cli/backup.ts')).backupCommand,
  restore: async () => (await import('./cli/backup.ts')).restoreCommand,
  'move-to': async () => (await import('./cli/backup.ts')).moveCommand,
  backfill: async () => (await import('./cli/backfill.ts')).backfillCommand,
  import: async () => (await import('./cli/import.ts')).importCommand,
  entities: async () => (await import('./cli/entities.ts')).entitiesCommand,
  retag: async () => (await import('./cli/entities.ts')).retagCommand,
  sample: async () => (await import('./cli/validation.ts')).sampleCommand,
  annotations: async () => (await import('./cli/validation.ts')).annotationsCommand,
};

/** Every command `pulse` runs (each has its own --help). */
export const COMMAND_NAMES = Object.keys(commands);

export const usage = `Pulse: how the screen industry reacts to studios' use of generative AI.

Usage:
${[u.serveUsage, u.migrateUsage, u.keysUsage, u.sourcesUsage, u.ingestUsage, u.backfillUsage, u.importUsage, u.classifyUsage, u.trainUsage, u.evalUsage, u.topicUsage, u.reclassifyUsage, u.sampleUsage, u.annotationsUsage, u.digestUsage, u.backupUsage, u.demoUsage, u.entitiesUsage, u.retagUsage].join('\n')}
pulse --help                                             this text
pulse COMMAND --help                                     one command: every flag and an example

Configuration comes from environment variables; see README.md.`;

/** Runs one command line and returns the exit code. */
export async function main(argv: string[], io: Io = stdio): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(usage);
    return name === undefined ? 2 : 0;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  try {
    if (!load) throw new UsageError(`unknown command "${name}"`);
    if (args.includes('--help') || args.includes('-h')) {
      io.out(commandHelp(name) ?? usage);
      return 0;
    }
    // One process per embedded data directory: while a server holds it, a command that needs
    // the database runs inside that server; while anything else holds it, it says so and stops.
    setCurrentCommand(name);
    if (!LOCAL_COMMANDS.has(name)) {
      const config = loadConfig();
      const holder = config.databaseUrl ? undefined : readLock(config.dataDir);
      if (holder && holder.pid !== process.pid) {
        if (holder.socket) return await forwardToServer(holder.socket, [name, ...args], io);
        throw new DataDirBusyError(config.dataDir, holder);
      }
    }
    return await (await load())(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      // one line and where to read more, not the whole usage again
      io.err(usageErrorText(load ? name : undefined, err.message));
      return 2;
    }
    if (
      err instanceof ConfigError ||
      err instanceof CommandError ||
      err instanceof DatabaseUnavailableError ||
      err instanceof ServiceError ||
      err instanceof BackupFileError ||
      err instanceof DataDirBusyError
    ) {
      io.err(`pulse: ${err.message}`);
      return 1;
    }
    io.err(`pulse: ${describe(err)}`);
    return 1;
  }
}

/** Runs the process's own command line and sets the exit code. */
export async function run(): Promise<void> {
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
  // A failed command may leave a pool or timer open; do not let it hold the exit.
  if (code !== 0) setTimeout(() => process.exit(code), 200).unref();
}
