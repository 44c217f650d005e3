// What a set of tables holds, read with plain `pg`, so a test can show that a refused request
// changed nothing.
import pg from 'pg';

export const WRITABLE_TABLES = [
  'customers',
  'segments',
  'segment_members',
  'segment_destinations',
  'destinations',
  'api_keys',
  'paid_configuration',
  'conversion_destinations',
  'sync_jobs',
  'queue_items',
] as const;

export async function snapshotTables(databaseUrl: string, tables: readonly string[] = WRITABLE_TABLES) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const snapshot: Record<string, { rows: number; digest: string | null }> = {};
    for (const table of tables) {
      const { rows } = await client.query<{ rows: string; digest: string | null }>(
        `SELECT count(*) AS rows, md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest FROM "${table}" t`,
      );
      snapshot[table] = { rows: Number(rows[0]!.rows), digest: rows[0]!.digest };
    }
    return snapshot;
  } finally {
    await client.end();
  }
}
