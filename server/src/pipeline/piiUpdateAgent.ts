// The PII-update agent: finds audiences holding customers whose PII changed after the network
// confirmed them, and syncs just those customers again with their new identifiers (PII_UPDATE).
// One open PII job per audience: while one is unfinished (failed ones included: their items wait for
// the automatic resend, or their Retry), the agent makes no other, so a failing network does not
// gather a new job every run. Customers changed meanwhile are found once it completes or is withdrawn.
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { withTransaction } from '../db/withTransaction.ts';
import { createSyncJobs } from './createSyncJobs.ts';

export const PII_AGENT_NAME = 'PII update agent';

export async function runPiiUpdateAgent(deps: { pool: pg.Pool; boss: PgBoss }): Promise<number[]> {
  return withTransaction(deps.pool, async (tx) => {
    const { rows } = await tx.query<{ audience_id: number; destination_id: number }>(
      `SELECT a.id AS audience_id, a.destination_id FROM audiences a
         JOIN destinations d ON d.id = a.destination_id AND d.enabled
        WHERE EXISTS (SELECT 1 FROM memberships m JOIN customers c ON c.id = m.customer_id
                       WHERE m.audience_id = a.id AND c.pii_updated_at > m.confirmed_at)
          AND NOT EXISTS (SELECT 1 FROM sync_jobs j WHERE j.audience_id = a.id AND j.sync_type = 'PII_UPDATE'
                           AND j.status NOT IN ('COMPLETED', 'WITHDRAWN'))
        ORDER BY a.id`,
    );
    return createSyncJobs(
      deps.boss,
      tx,
      rows.map((r) => ({
        destinationId: r.destination_id,
        syncType: 'PII_UPDATE',
        triggeredBy: PII_AGENT_NAME,
        scopeKey: `pii:${r.audience_id}`,
        fullDiff: false,
        audience: { id: r.audience_id },
      })),
    );
  });
}
