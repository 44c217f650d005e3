// One pg pool per process, shared by Prisma (reads and simple writes) and by the set-based SQL of
// the pipeline. A dropped connection is logged and replaced; it never crashes the process.
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../logger.ts';

export type Prisma = PrismaClient;

export interface Database {
  url: string;
  pool: pg.Pool;
  prisma: PrismaClient;
  close(): Promise<void>;
}

export function connectDatabase(options: {
  url: string;
  logger: Logger;
  max?: number;
  /** a statement running longer is cancelled by PostgreSQL (the API's: a client's query cannot hold a connection for long) */
  statementTimeoutMs?: number;
}): Database {
  const { url, logger } = options;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    idleTimeoutMillis: 30_000,
    // while PostgreSQL restarts a connection attempt must fail, not wait forever (pg-boss's own
    // pool does the same with 10 s; this also bounds waiting for a free client), and a peer that
    // vanished is noticed by TCP keepalive
    connectionTimeoutMillis: 30_000,
    keepAlive: true,
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
  });
  pool.on('error', (error) => logger.warn('idle database connection lost', { error }));
  // pg-pool listens for errors only on idle clients: a connection that drops while checked out
  // (a transaction's client when PostgreSQL restarts) would emit 'error' with no listener, which
  // ends the process. Its query rejects anyway and the pool discards it on release; this listener
  // keeps the process alive.
  pool.on('connect', (client) => {
    client.on('error', (error) => logger.warn('database connection lost while in use', { error }));
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closed = false;
  return {
    url,
    pool,
    prisma,
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}
