import { sql, type Expression, type SqlBool } from 'kysely';

/**
 * Codes are digits and `D` (DOMAIN.md §3), all of which sort below `E` in byte order and in every
 * collation PostgreSQL offers for them, so the codes under prefix p are exactly [p, p + 'E').
 */
const AFTER_EVERY_CODE_CHARACTER = 'E';

/**
 * `column` lies under one of the org-code prefixes: a subtree is a prefix (DOMAIN.md §3), so this
 * is how every repository keeps to a caller's scope. No prefix matches nothing; the empty prefix (the
 * system's scope) matches every non-null code.
 *
 * Written as a range rather than `LIKE 'p%'`: a range is what a B-tree index on the column (or on
 * (column, id)) can seek to on both databases, whatever the collation, so a scoped page reads only its
 * own rows, in index order. (`LIKE` uses an index only with SQLite's case-sensitive LIKE or a C collation.)
 */
export function underPrefixes(column: string, prefixes: readonly string[]): Expression<SqlBool> {
  return prefixRanges(sql.ref(column), prefixes);
}

/**
 * `underPrefixes` that no index on the column serves, for a query another index should drive: the
 * planner is then not tempted by a code range whose size it cannot know (SQLite keeps no statistics
 * here, and a district's range holds every row). It matches exactly the same rows.
 */
export function underPrefixesUnindexed(column: string, prefixes: readonly string[]): Expression<SqlBool> {
  return prefixRanges(unindexed(column), prefixes);
}

/**
 * A text column as an expression no index serves, comparing exactly as the column does: `(column ||
 * '')`, the same value (null stays null) on SQLite and PostgreSQL. SQLite's own idiom, the unary `+`,
 * is not valid for text on PostgreSQL.
 */
export function unindexed(column: string): Expression<string> {
  return sql<string>`(${sql.ref(column)} || '')`;
}

function prefixRanges(ref: Expression<unknown>, prefixes: readonly string[]): Expression<SqlBool> {
  if (prefixes.length === 0) return sql<SqlBool>`1 = 0`;
  if (prefixes.includes('')) return sql<SqlBool>`${ref} is not null`;
  return sql<SqlBool>`(${sql.join(
    prefixes.map((prefix) => sql`(${ref} >= ${prefix} and ${ref} < ${prefix + AFTER_EVERY_CODE_CHARACTER})`),
    sql` or `,
  )})`;
}

/**
 * The part of the subtrees `scope` that lies under `within`, as prefixes: two subtrees either nest
 * (the deeper one is their intersection) or are apart. A scope that does not reach `within` gives none.
 */
export function prefixesWithin(scope: readonly string[], within: string): string[] {
  const narrowed = scope.flatMap((prefix) => (within.startsWith(prefix) ? [within] : prefix.startsWith(within) ? [prefix] : []));
  return [...new Set(narrowed)];
}

/**
 * `underPrefixes`, in (column, idColumn) order and strictly after the cursor row: keyset pagination in
 * the order of a (column, id) index. Each range gets exactly one lower bound, the cursor's row value
 * where it falls inside the range: with two lower bounds on the column SQLite may seek with the wrong
 * one and walk the whole subtree up to the cursor.
 */
export function underPrefixesAfter(
  column: string,
  idColumn: string,
  prefixes: readonly string[],
  cursor: { code: string; id: string },
): Expression<SqlBool> {
  const ref = sql.ref(column);
  const ranges = prefixes.flatMap((prefix) => {
    const end = prefix + AFTER_EVERY_CODE_CHARACTER;
    if (cursor.code >= end) return [];
    if (cursor.code < prefix) return [sql`(${ref} >= ${prefix} and ${ref} < ${end})`];
    return [sql`((${ref}, ${sql.ref(idColumn)}) > (${cursor.code}, ${cursor.id}) and ${ref} < ${end})`];
  });
  if (ranges.length === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`(${sql.join(ranges, sql` or `)})`;
}
