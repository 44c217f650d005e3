// A fresh database per test file, migrated, dropped at the end.
import pg from 'pg';
import { inject } from 'vitest';
import { applyMigrations } from '../../src/db/applyMigrations.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../src/db/createScratchDatabase.ts';
import { createLogger } from '../../src/logger.ts';
import { migrationsDir } from '../../src/paths.ts';

export type TestDatabase = ScratchDatabase;

/** `migrate: false` leaves it empty, for a test that migrates it step by step. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const database = await createScratchDatabase({ adminUrl: inject('adminDatabaseUrl'), prefix: 'paidsync_test' });
  if (options.migrate !== false) {
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    await applyMigrations({ pool, dir: migrationsDir, logger: createLogger({ level: 'warn' }) });
    await pool.end();
  }
  return database;
}
