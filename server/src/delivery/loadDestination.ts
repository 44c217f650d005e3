// A destination with its settings, adapter and opened credentials, as the stages and delivery need it.
import type pg from 'pg';
import type { DestinationAdapter } from '../destinations/adapter.ts';
import { adapterFor } from '../destinations/adapters.ts';
import type { DestinationType } from '../generated/prisma/enums.ts';
import type { CredentialsCipher } from '../secrets/credentialsCipher.ts';
import { PreparationError } from './preparationError.ts';

export interface LoadedDestination {
  id: number;
  name: string;
  type: DestinationType;
  enabled: boolean;
  settings: Record<string, any>;
  credentials: Record<string, any>;
  adapter: DestinationAdapter;
  batchSize: number;
  requestsPerSecond: number;
  concurrency: number;
}

export async function loadDestination(db: pg.Pool | pg.PoolClient, cipher: CredentialsCipher, id: number): Promise<LoadedDestination> {
  const { rows } = await db.query<{
    id: number;
    name: string;
    type: DestinationType;
    enabled: boolean;
    settings: Record<string, any>;
    credentials_encrypted: string | null;
  }>('SELECT id, name, type, enabled, settings, credentials_encrypted FROM destinations WHERE id = $1', [id]);
  const row = rows[0];
  if (!row) throw new PreparationError('the destination no longer exists');
  const adapter = adapterFor(row.type);
  if (!adapter) throw new PreparationError(`no adapter for ${row.type} destinations yet`);
  let credentials: Record<string, any> = {};
  if (row.credentials_encrypted) {
    try {
      credentials = cipher.open(row.credentials_encrypted);
    } catch {
      throw new PreparationError('the destination credentials cannot be opened with the current PAIDSYNC_SECRET');
    }
  }
  const s = row.settings;
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    enabled: row.enabled,
    settings: s,
    credentials,
    adapter,
    batchSize: s.batchSize ?? adapter.defaults.batchSize,
    requestsPerSecond: s.requestsPerSecond ?? adapter.defaults.requestsPerSecond,
    concurrency: concurrencyOf(s, adapter),
  };
}

/** How many of a destination's requests may be in flight at once, across all workers. */
export const concurrencyOf = (settings: Record<string, any>, adapter: DestinationAdapter | null): number =>
  settings.concurrency ?? adapter?.defaults.concurrency ?? 1;

/** The destination's `concurrency` (or its adapter's default), without opening its credentials. */
export async function loadDestinationConcurrency(db: pg.Pool | pg.PoolClient, id: number): Promise<number> {
  const { rows } = await db.query<{ type: DestinationType; settings: Record<string, any> }>(
    'SELECT type, settings FROM destinations WHERE id = $1',
    [id],
  );
  return rows[0] ? concurrencyOf(rows[0].settings, adapterFor(rows[0].type)) : 1;
}

/** The secrets to blank out of ApiCall records for this destination. */
export function secretsOf(destination: LoadedDestination): string[] {
  return Object.values(destination.credentials).filter((v): v is string => typeof v === 'string');
}
