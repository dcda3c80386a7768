import { context, parse, withDatabase, type Io } from './common.ts';

/** `pulse migrate`: opening the database applies the migrations; say where. */
export async function migrateCommand(args: string[], io: Io): Promise<number> {
  parse(args, {});
  const ctx = context({ quiet: true });
  const where = await withDatabase(ctx, async (d) => `${d.driver} at ${d.where}`);
  io.out(`migrations applied (${where})`);
  return 0;
}
