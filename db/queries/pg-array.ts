import { sql, type SQL } from 'drizzle-orm';

/**
 * A PostgreSQL array literal ('{"a","b",NULL}') from JS values. Both drivers accept it as one
 * text parameter, which `unnest` then spreads into rows: one parameter per column instead of one
 * per value keeps bulk inserts fast and far below the 65,535-parameter limit.
 */
export function pgArrayLiteral(values: readonly (string | number | boolean | null | undefined)[]): string {
  const parts = values.map((v) => {
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
  });
  return '{' + parts.join(',') + '}';
}

/** `$n::type[]` for a column of values. */
export function arrayParam(values: readonly (string | number | boolean | null | undefined)[], type: string): SQL {
  return sql`${pgArrayLiteral(values)}::${sql.raw(type)}[]`;
}
