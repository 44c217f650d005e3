// Every setting, read from the environment and validated here, once. A bad value stops the start
// with a message naming the variable.
import path from 'node:path';
import { repoRoot } from './paths.ts';
import { z } from 'zod';
import { isAllowListEntry } from './delivery/networkPolicy.ts';

export type Role = 'api' | 'worker' | 'all';

export interface Config {
  databaseUrl: string | null;
  port: number;
  role: Role;
  adminKey: string | null;
  secret: string | null;
  /** the secret before the last rotation: values sealed under it are re-sealed under `secret` at start */
  previousSecret: string | null;
  /** token bucket per API key, per API process: mutations other than capturePaidResponse */
  mutationsPerMinutePerKey: number;
  /** token bucket per API key, per API process: capturePaidResponse (the high-volume ingestion path) */
  capturesPerMinutePerKey: number;
  retryIntervalSeconds: number;
  backoffBaseMs: number;
  simulator: boolean;
  /** how long a worker holds a queue item it is sending before another may take it over */
  leaseSeconds: number;
  /** pg-boss heartbeat of running queue jobs: a job whose worker stops beating is retried after this */
  heartbeatSeconds: number;
  /** how often pg-boss looks for jobs whose heartbeat stopped (and other maintenance) */
  superviseSeconds: number;
  dataDir: string;
  /** host names, IPs and CIDRs destinations may reach although loopback or private */
  allowPrivateHosts: string[];
  /** the only directory tree DMP destinations may write to */
  dmpRoot: string;
  /** ApiCall records older than this are deleted */
  apiCallRetentionDays: number;
  /** a bearer token that may read /metrics besides ADMIN keys */
  metricsToken: string | null;
  /** where a worker process serves /metrics, /readyz and /healthz (API processes use `port`) */
  metricsPort: number | null;
  production: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const onOff = z.enum(['on', 'off', 'true', 'false', '1', '0']).transform((v) => ['on', 'true', '1'].includes(v));

const variables = {
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  PORT: int(0, 65535).default(4000),
  PAIDSYNC_ROLE: z.enum(['api', 'worker', 'all']).default('all'),
  PAIDSYNC_ADMIN_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
  PAIDSYNC_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  PAIDSYNC_SECRET_PREVIOUS: z.string().min(32, 'must be at least 32 characters').optional(),
  PAIDSYNC_MUTATIONS_PER_MINUTE_PER_KEY: int(1, 100_000_000).default(1200),
  PAIDSYNC_CAPTURES_PER_MINUTE_PER_KEY: int(1, 100_000_000).default(600_000),
  PAIDSYNC_RETRY_INTERVAL_SECONDS: int(1, 7 * 24 * 3600).default(1800),
  PAIDSYNC_BACKOFF_BASE_MS: int(1, 600_000).default(1000),
  PAIDSYNC_SIMULATOR: onOff.optional(),
  PAIDSYNC_LEASE_SECONDS: int(2, 3600).default(60),
  PAIDSYNC_HEARTBEAT_SECONDS: int(10, 3600).default(15),
  PAIDSYNC_SUPERVISE_SECONDS: int(1, 3600).default(15),
  PAIDSYNC_DATA_DIR: z.string().min(1).optional(),
  PAIDSYNC_ALLOW_PRIVATE_HOSTS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean),
    )
    .refine((hosts) => hosts.every(isAllowListEntry), 'must be comma-separated host names, IPs or CIDRs')
    .optional(),
  PAIDSYNC_DMP_ROOT: z.string().min(1).optional(),
  PAIDSYNC_API_CALL_RETENTION_DAYS: int(1, 3650).default(30),
  PAIDSYNC_METRICS_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  PAIDSYNC_METRICS_PORT: int(0, 65535).optional(),
  PAIDSYNC_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  NODE_ENV: z.string().optional(),
} as const;

type Raw = { [K in keyof typeof variables]: z.infer<(typeof variables)[K]> };

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = repoRoot): Config {
  const raw = {} as Record<string, unknown>;
  for (const [name, schema] of Object.entries(variables)) {
    const value = env[name] === '' ? undefined : env[name];
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const problem = parsed.error.issues[0]?.message ?? 'invalid value';
      throw new ConfigError(name, `${problem} (got ${JSON.stringify(redact(name, value))})`);
    }
    raw[name] = parsed.data;
  }
  const r = raw as Raw;
  const production = r.NODE_ENV === 'production';
  if (production && !r.PAIDSYNC_SECRET) {
    throw new ConfigError('PAIDSYNC_SECRET', 'is required when NODE_ENV=production');
  }
  if (r.PAIDSYNC_SECRET_PREVIOUS && !r.PAIDSYNC_SECRET) {
    throw new ConfigError('PAIDSYNC_SECRET_PREVIOUS', 'is only used together with PAIDSYNC_SECRET (the new secret)');
  }
  if (r.PAIDSYNC_SECRET_PREVIOUS && r.PAIDSYNC_SECRET_PREVIOUS === r.PAIDSYNC_SECRET) {
    throw new ConfigError('PAIDSYNC_SECRET_PREVIOUS', 'must differ from PAIDSYNC_SECRET');
  }
  const databaseUrl = r.DATABASE_URL ?? null;
  const dataDir = path.resolve(cwd, r.PAIDSYNC_DATA_DIR ?? '.data');
  return {
    databaseUrl,
    port: r.PORT,
    role: r.PAIDSYNC_ROLE,
    adminKey: r.PAIDSYNC_ADMIN_KEY ?? null,
    secret: r.PAIDSYNC_SECRET ?? null,
    previousSecret: r.PAIDSYNC_SECRET_PREVIOUS ?? null,
    mutationsPerMinutePerKey: r.PAIDSYNC_MUTATIONS_PER_MINUTE_PER_KEY,
    capturesPerMinutePerKey: r.PAIDSYNC_CAPTURES_PER_MINUTE_PER_KEY,
    retryIntervalSeconds: r.PAIDSYNC_RETRY_INTERVAL_SECONDS,
    backoffBaseMs: r.PAIDSYNC_BACKOFF_BASE_MS,
    // the simulator is the embedded, try-it-out default; against a real database, or in production
    // (where it would answer anyone on every interface), it is opt-in
    simulator: r.PAIDSYNC_SIMULATOR ?? (databaseUrl === null && !production),
    leaseSeconds: r.PAIDSYNC_LEASE_SECONDS,
    heartbeatSeconds: r.PAIDSYNC_HEARTBEAT_SECONDS,
    superviseSeconds: r.PAIDSYNC_SUPERVISE_SECONDS,
    dataDir,
    allowPrivateHosts: r.PAIDSYNC_ALLOW_PRIVATE_HOSTS ?? [],
    dmpRoot: path.resolve(cwd, r.PAIDSYNC_DMP_ROOT ?? path.join(dataDir, 'dmp')),
    apiCallRetentionDays: r.PAIDSYNC_API_CALL_RETENTION_DAYS,
    metricsToken: r.PAIDSYNC_METRICS_TOKEN ?? null,
    metricsPort: r.PAIDSYNC_METRICS_PORT ?? null,
    production,
    logLevel: r.PAIDSYNC_LOG_LEVEL,
  };
}

function redact(name: string, value: unknown) {
  if (typeof value !== 'string') return value;
  if (
    name === 'PAIDSYNC_ADMIN_KEY' ||
    name === 'PAIDSYNC_SECRET' ||
    name === 'PAIDSYNC_SECRET_PREVIOUS' ||
    name === 'PAIDSYNC_METRICS_TOKEN'
  )
    return '[redacted]';
  if (name === 'DATABASE_URL') return value.replace(/\/\/[^@/]*@/, '//[redacted]@');
  return value;
}
