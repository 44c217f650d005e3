// COPY (query) TO STDOUT takes no bind parameters, so a parameterised predicate is inlined for it.
// Strings are escaped by the driver (pg's escapeLiteral doubles quotes and backslashes and marks the
// literal E'…'), which reads the same whether standard_conforming_strings is on or off: a quoting
// of our own would be safe only while it is on.
import { escapeLiteral } from 'pg';

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('non-finite number in an inlined parameter');
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (Array.isArray(value)) return `ARRAY[${value.map(literal).join(', ')}]`;
  const text = value instanceof Date ? value.toISOString() : String(value);
  if (text.includes('\0')) throw new Error('NUL byte in an inlined parameter');
  return escapeLiteral(text);
}

/** Replaces $1..$n in `sql` with the escaped literals of `params`. */
export function inlineParams(sql: string, params: unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_match, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= params.length) throw new Error(`no parameter $${n}`);
    const value = params[index];
    // an empty array has no element type for ARRAY[]; the predicate's own cast gives it one
    return Array.isArray(value) && value.length === 0 ? `'{}'` : literal(value);
  });
}
