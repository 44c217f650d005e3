// Makes sure the audience exists in the network, once: the audience row is locked while it is
// created, so two jobs for one audience never create it twice. `stale` is an external id the
// network said is gone (deleted or unshared): it is forgotten and the audience recreated.
// An audience that already exists is read without the lock: every delivery passes here, and the
// row lock would make each one wait for any other delivery's settlement (which updates the row).
import type pg from 'pg';
import type { AdapterContext } from '../destinations/adapter.ts';
import type { LoadedDestination } from './loadDestination.ts';
import { withInRunRetries } from './withInRunRetries.ts';

export async function ensureAudience(options: {
  pool: pg.Pool;
  destination: LoadedDestination;
  adapterContext: AdapterContext;
  audienceId: number;
  backoffBaseMs: number;
  stale?: string;
}): Promise<{ name: string; externalId: string }> {
  const { pool, destination, audienceId } = options;
  const known = await pool.query<{ name: string; external_id: string | null }>('SELECT name, external_id FROM audiences WHERE id = $1', [
    audienceId,
  ]);
  const existing = known.rows[0];
  if (existing?.external_id && existing.external_id !== options.stale) return { name: existing.name, externalId: existing.external_id };
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ name: string; external_id: string | null }>(
      'SELECT name, external_id FROM audiences WHERE id = $1 FOR UPDATE',
      [audienceId],
    );
    const audience = rows[0]!;
    let externalId = audience.external_id === options.stale ? null : audience.external_id;
    if (!externalId) {
      externalId = await withInRunRetries(
        { pool, destinationId: destination.id, requestsPerSecond: destination.requestsPerSecond, backoffBaseMs: options.backoffBaseMs },
        () => destination.adapter.ensureAudience(options.adapterContext, { name: audience.name, externalId: null }),
      );
      await client.query('UPDATE audiences SET external_id = $2, updated_at = now() WHERE id = $1', [audienceId, externalId]);
    }
    await client.query('COMMIT');
    return { name: audience.name, externalId };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
