// A fresh database per test file, migrated, dropped at the end.
import pg from 'pg';
import { inject } from 'vitest';
import { applyMigrations } from "../../src/db/applyMigrations.js";
import { createScratchDatabase } from "../../src/db/createScratchDatabase.js";
import { createLogger } from "../../src/logger.js";
import { migrationsDir } from "../../src/paths.js";
/** `migrate: false` leaves it empty, for a test that migrates it step by step. */
export async function createTestDatabase(options = {}) {
    const database = await createScratchDatabase({ adminUrl: inject('adminDatabaseUrl'), prefix: 'paidsync_test' });
    if (options.migrate !== false) {
        const pool = new pg.Pool({ connectionString: database.url, max: 1 });
        await applyMigrations({ pool, dir: migrationsDir, logger: createLogger({ level: 'warn' }) });
        await pool.end();
    }
    return database;
}
