// One PostgreSQL for the whole run: the machine's, through DATABASE_URL, or an embedded one started
// here. Each test file then creates a database of its own on it (testDatabase.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/db/startEmbeddedPostgres.ts';
import { createLogger } from '../../src/logger.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide('adminDatabaseUrl', process.env.DATABASE_URL);
    return;
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'paidsync-test-pg-'));
  // every test file's servers share this one cluster: on a slow machine their pools together peaked
  // at 70 connections of the default 100, and a refused connection fails whatever test asked
  const embedded = await startEmbeddedPostgres({ dir, logger: createLogger({ level: 'warn' }), database: 'postgres', maxConnections: 300 });
  project.provide('adminDatabaseUrl', embedded.url);
  return async () => {
    await embedded.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
