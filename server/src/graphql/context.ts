import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import type { ApiKeyCache } from '../auth/apiKeyCache.ts';
import type { Principal } from '../auth/apiKeys.ts';
import type { Config } from '../config.ts';
import type { LiveEvents } from '../db/liveEvents.ts';
import type { NetworkPolicy } from '../delivery/networkPolicy.ts';
import type { Prisma } from '../db/connectDatabase.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics/createMetrics.ts';
import type { CredentialsCipher } from '../secrets/credentialsCipher.ts';

/** What every resolver may use: one per process, built in main.ts. */
export interface Services {
  config: Config;
  logger: Logger;
  prisma: Prisma;
  pool: pg.Pool;
  liveEvents: LiveEvents;
  cipher: CredentialsCipher;
  /** the pipeline's job queue: API processes put work on it, workers take it */
  boss: PgBoss;
  apiKeys: ApiKeyCache;
  /** where destinations may connect (checked when they are saved, and again on every connection) */
  networkPolicy: NetworkPolicy;
  /** this process's metrics, when it keeps them */
  metrics?: Metrics;
}

export interface GraphQLContext extends Services {
  principal: Principal | null;
}
