// A completed sync's spare payload rows are deleted by their own queue job, sent as the job
// completes (pipeline/discardSyncRows.ts): a million-row DELETE. Whatever is measured next, a floor
// or a read, waits for it, so neither competes with it for the two cores.
import { QUEUES } from '../../src/queue/queues.ts';
import type { BenchEnvironment } from './environment.ts';

export async function waitForDiscardedRows(env: Pick<BenchEnvironment, 'pool'>, timeoutMs = 60_000): Promise<void> {
  for (let waited = 0; waited < timeoutMs; waited += 250) {
    const { rows } = await env.pool.query<{ left: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pgboss.job WHERE name = $1 AND state IN ('created', 'retry', 'active')) AS left`,
      [QUEUES.discardSyncRows],
    );
    if (!rows[0]!.left) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}
