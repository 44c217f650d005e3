// COPY (query) TO STDOUT takes no bind parameters, so a parameterised predicate is inlined for it
// as SQL literals. Values come from validated input; strings are quoted the standard way.
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('non-finite number in SQL literal');
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (Array.isArray(value)) return `ARRAY[${value.map(sqlLiteral).join(', ')}]`;
  const text = String(value);
  if (text.includes('\0')) throw new Error('NUL byte in SQL literal');
  return `'${text.replace(/'/g, "''")}'`;
}

/** Replaces $1..$n in `sql` with the literals of `params`. */
export function inlineParams(sql: string, params: unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_match, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= params.length) throw new Error(`no parameter $${n}`);
    const value = params[index];
    // an empty array has no element type for ARRAY[]; the predicate's own cast gives it one
    return Array.isArray(value) && value.length === 0 ? `'{}'` : sqlLiteral(value);
  });
}
