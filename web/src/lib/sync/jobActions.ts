// Retry and withdraw for a sync job, and running a segment now (or as a dry run).
import type { Client } from '@urql/core';
import { errorMessage } from '$lib/format';
import { graphql } from '$lib/gql';

const RetrySyncJob = graphql(`
  mutation RetrySyncJob($id: ID!) {
    retrySyncJob(id: $id) {
      ...SyncJobRow
    }
  }
`);

const WithdrawSyncJob = graphql(`
  mutation WithdrawSyncJob($id: ID!) {
    withdrawSyncJob(id: $id) {
      ...SyncJobRow
    }
  }
`);

const TriggerSegmentSync = graphql(`
  mutation TriggerSegmentSync($segmentId: ID!, $dryRun: Boolean) {
    triggerSegmentSync(segmentId: $segmentId, dryRun: $dryRun) {
      id
    }
  }
`);

export type ActionResult = { ok: true } | { ok: false; message: string };

// the row itself updates through the syncJobUpdated subscription
export async function retrySyncJob(client: Client, id: string): Promise<ActionResult> {
  const result = await client.mutation(RetrySyncJob, { id }).toPromise();
  return result.error ? { ok: false, message: errorMessage(result.error) } : { ok: true };
}

export async function withdrawSyncJob(client: Client, id: string): Promise<ActionResult> {
  const result = await client.mutation(WithdrawSyncJob, { id }).toPromise();
  return result.error ? { ok: false, message: errorMessage(result.error) } : { ok: true };
}

export async function triggerSegmentSync(
  client: Client,
  segmentId: string,
  dryRun: boolean,
): Promise<{ ok: true; jobs: number } | { ok: false; message: string }> {
  const result = await client.mutation(TriggerSegmentSync, { segmentId, dryRun }).toPromise();
  if (result.error) return { ok: false, message: errorMessage(result.error) };
  return { ok: true, jobs: result.data?.triggerSegmentSync.length ?? 0 };
}
