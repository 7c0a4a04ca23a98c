import { sql, type Expression, type SqlBool } from 'kysely';

/**
 * `column` lies under one of the org-code prefixes: a subtree is a prefix (DOMAIN.md §3), so this
 * is how every repository keeps to a caller's scope. No prefix matches nothing. Codes are digits and
 * `D`, so the pattern needs no LIKE escaping.
 */
export function underPrefixes(column: string, prefixes: readonly string[]): Expression<SqlBool> {
  if (prefixes.length === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`(${sql.join(
    prefixes.map((prefix) => sql`${sql.ref(column)} like ${`${prefix}%`}`),
    sql` or `,
  )})`;
}
