// A throwaway database on a PostgreSQL server: created with a random name, dropped (connections and
// all, once those closing have had a moment to close) when done. Tests and benchmarks each make their
// own this way.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createScratchDatabase(options: { adminUrl: string; prefix: string }): Promise<ScratchDatabase> {
  const { adminUrl } = options;
  const name = `${options.prefix}_${randomBytes(6).toString('hex')}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const drop = async () => {
    // Clients that were just told to end may not have closed yet; forcing them off now would make
    // their PostgreSQL answer a "terminating connection" error after their owner stopped listening.
    // So wait a moment for them to leave, and only then force off what remains.
    await run(`DO $$
      BEGIN
        FOR i IN 1..40 LOOP
          EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = '${name}');
          PERFORM pg_sleep(0.05);
        END LOOP;
      END $$`);
    await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  return { url: url.toString(), drop };
}
