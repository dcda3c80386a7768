import { createKey, listKeys, revokeKey } from '../services/keys.ts';
import { KEY_SCOPES, type KeyScope } from '../labels.ts';
import { context, parse, parseId, table, UsageError, withServices, type Io } from './common.ts';

/** `pulse keys create|list|revoke`. */
export async function keysCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const ctx = context({ quiet: true });
  switch (sub) {
    case 'create': {
      const { values } = parse(rest, { name: { type: 'string' }, scope: { type: 'string', default: 'write' } });
      if (!values.name?.trim()) throw new UsageError('--name is required');
      if (!KEY_SCOPES.includes(values.scope as KeyScope)) throw new UsageError(`--scope must be one of ${KEY_SCOPES.join(', ')}`);
      const { key, secret } = await withServices(ctx, (d) => createKey(d, { name: values.name!.trim(), scope: values.scope as KeyScope }));
      io.err(`created key ${key.id} "${key.name}" with ${key.scope} scope; the secret below is shown only once`);
      io.out(secret);
      return 0;
    }
    case 'list': {
      parse(rest, {});
      const keys = await withServices(ctx, (d) => listKeys(d));
      if (!keys.length) {
        io.out('no keys yet: pulse keys create --name NAME --scope admin');
        return 0;
      }
      const rows = [['ID', 'NAME', 'SCOPE', 'PREFIX', 'CREATED', 'LAST USED', 'STATE']];
      for (const k of keys)
        rows.push([
          String(k.id),
          k.name,
          k.scope,
          k.prefix,
          k.createdAt.toISOString(),
          k.lastUsedAt?.toISOString() ?? '-',
          k.revokedAt ? 'revoked' : 'active',
        ]);
      table(rows).forEach(io.out);
      return 0;
    }
    case 'revoke': {
      const { positionals } = parse(rest, {}, true);
      if (positionals.length !== 1) throw new UsageError('pulse keys revoke takes one key id');
      const id = parseId(positionals[0], 'key id');
      const key = await withServices(ctx, (d) => revokeKey(d, { id }));
      io.out(`revoked key ${key.id} "${key.name}"`);
      return 0;
    }
    default:
      throw new UsageError(sub ? `unknown keys command "${sub}"` : 'keys needs a subcommand');
  }
}
