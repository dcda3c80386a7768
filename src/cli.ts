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
import { keysCommand, keysUsage } from './cli/keys.ts';
import { serveCommand, serveUsage, workerCommand } from './cli/serve.ts';
import { migrateCommand, migrateUsage } from './cli/migrate.ts';
import { sourcesCommand, sourcesUsage } from './cli/sources.ts';
import { ingestCommand, ingestUsage } from './cli/ingest.ts';
import { classifyCommand, classifyUsage } from './cli/classify.ts';
import { trainCommand, trainUsage } from './cli/train.ts';
import { evalCommand, evalUsage } from './cli/eval.ts';
import { topicCommand, topicUsage } from './cli/topic.ts';
import { reclassifyCommand, reclassifyUsage } from './cli/reclassify.ts';
import { digestCommand, digestUsage } from './cli/digest.ts';
import { demoCommand, demoUsage } from './cli/demo.ts';
import { backupCommand, backupUsage, moveCommand, restoreCommand } from './cli/backup.ts';
import { backfillCommand, backfillUsage } from './cli/backfill.ts';
import { importCommand, importUsage } from './cli/import.ts';
import { entitiesCommand, entitiesUsage, retagCommand, retagUsage } from './cli/entities.ts';
import { commandHelp, usageErrorText } from './cli/help.ts';
import { annotationsCommand, annotationsUsage, sampleCommand, sampleUsage } from './cli/validation.ts';

type Command = (args: string[], io: Io) => Promise<number>;

const commands: Record<string, Command> = {
  serve: serveCommand,
  worker: workerCommand,
  migrate: migrateCommand,
  keys: keysCommand,
  sources: sourcesCommand,
  ingest: ingestCommand,
  classify: classifyCommand,
  train: trainCommand,
  eval: evalCommand,
  topic: topicCommand,
  reclassify: reclassifyCommand,
  digest: digestCommand,
  demo: demoCommand,
  backup: backupCommand,
  restore: restoreCommand,
  'move-to': moveCommand,
  backfill: backfillCommand,
  import: importCommand,
  entities: entitiesCommand,
  retag: retagCommand,
  sample: sampleCommand,
  annotations: annotationsCommand,
};

/** Every command `pulse` runs (each has its own --help). */
export const COMMAND_NAMES = Object.keys(commands);

export const usage = `Pulse: how the screen industry reacts to studios' use of generative AI.

Usage:
${[serveUsage, migrateUsage, keysUsage, sourcesUsage, ingestUsage, backfillUsage, importUsage, classifyUsage, trainUsage, evalUsage, topicUsage, reclassifyUsage, sampleUsage, annotationsUsage, digestUsage, backupUsage, demoUsage, entitiesUsage, retagUsage].join('\n')}
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
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`);
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
    return await command(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      // one line and where to read more, not the whole usage again
      io.err(usageErrorText(command ? name : undefined, err.message));
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
