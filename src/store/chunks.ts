/**
 * Splits the rows of a multi-row insert so that no statement passes the databases' parameter
 * limits (SQLite 32,766, PostgreSQL 65,535): 500 rows of the widest table, fourteen columns, stay
 * well under both.
 */
export function chunks<T>(rows: readonly T[], size = 500): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < rows.length; start += size) result.push(rows.slice(start, start + size));
  return result;
}
