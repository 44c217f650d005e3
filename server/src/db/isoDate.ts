// A Date read from PostgreSQL's text can keep the ISO-8601 text it was made from
// (syncJobRows.parseTimestamptz), in the very form toISOString() gives: the DateTime scalar sends it
// as it is rather than formatting the date again, once per date of a page. It stays a plain Date
// (a symbol-keyed property), so it compares, serialises and computes as Prisma's Dates do.
const ISO = Symbol('iso');
type WithIso = Date & { [ISO]?: string };

/** `iso` must be what toISOString() returns for it: YYYY-MM-DDTHH:mm:ss.sssZ */
export function dateFromIso(iso: string): Date {
  const date: WithIso = new Date(iso);
  date[ISO] = iso;
  return date;
}

export function isoString(date: Date): string {
  return (date as WithIso)[ISO] ?? date.toISOString();
}
