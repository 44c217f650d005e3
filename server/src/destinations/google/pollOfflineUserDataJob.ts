// Waits for a run offline user data job to finish: reads the job with GAQL (the REST API has no GET
// on it) until SUCCESS or FAILED, with growing pauses between polls. Customer Match can take hours on
// the real network, so a failed poll is retried here rather than thrown (throwing would make the
// engine upload the batch again).
import { sleep } from '../../sleep.ts';
import { DeliveryError, isDeliveryError } from '../deliveryError.ts';
import type { AdapterContext } from '../adapter.ts';
import { gaqlString, googleSearch } from './googleApi.ts';

export const googlePolling = {
  /** first pause after :run, doubled each poll up to maxDelayMs */
  firstDelayMs: 200,
  maxDelayMs: 30_000,
  /** how long a job may stay PENDING/RUNNING before the batch is left to the retry schedule */
  timeoutMs: 6 * 3600 * 1000,
  /** polls in a row that may fail (network, throttling) before giving up */
  maxFailedPolls: 5,
};

export interface FinishedJob {
  status: 'SUCCESS' | 'FAILED';
  failureReason: string | null;
  matchRateRange: string | null;
}

/** `results[i].offlineUserDataJob` as the REST API answers it (camelCase; unset fields left out) */
interface JobResource {
  resourceName?: string;
  status?: string;
  failureReason?: string;
  operationMetadata?: { matchRateRange?: string };
}

export function jobStatusQuery(resourceName: string): string {
  return (
    'SELECT offline_user_data_job.resource_name, offline_user_data_job.status, offline_user_data_job.failure_reason, ' +
    'offline_user_data_job.operation_metadata.match_rate_range FROM offline_user_data_job ' +
    `WHERE offline_user_data_job.resource_name = ${gaqlString(resourceName)}`
  );
}

export async function pollOfflineUserDataJob(ctx: AdapterContext, resourceName: string): Promise<FinishedJob> {
  const started = Date.now();
  let delay = googlePolling.firstDelayMs;
  let failed = 0;
  for (;;) {
    await sleep(delay, ctx.signal);
    // shutting down: leave the item to its lease, another worker takes it over
    if (ctx.signal?.aborted) throw new Error(`stopped while polling ${resourceName}`);
    delay = Math.min(delay * 2, googlePolling.maxDelayMs);
    let job: JobResource | undefined;
    try {
      const rows = await googleSearch<{ offlineUserDataJob?: JobResource }>(ctx, 'pollJob', jobStatusQuery(resourceName));
      job = rows.find((r) => r.offlineUserDataJob?.resourceName === resourceName)?.offlineUserDataJob;
      // a job we just ran that search does not know: lost, like a 404 was; counted as a failed poll
      if (!job) throw new DeliveryError('external', `Google Ads search returned no offline user data job ${resourceName}`);
      failed = 0;
    } catch (error) {
      if (!isDeliveryError(error) || (error.kind !== 'external' && error.kind !== 'throttled') || ++failed >= googlePolling.maxFailedPolls)
        throw error;
      if (error.waitMs) delay = Math.max(delay, error.waitMs);
      continue;
    }
    if (job.status === 'SUCCESS' || job.status === 'FAILED') {
      return {
        status: job.status,
        failureReason: job.failureReason ?? null,
        matchRateRange: job.operationMetadata?.matchRateRange ?? null,
      };
    }
    if (Date.now() - started > googlePolling.timeoutMs) {
      throw new DeliveryError(
        'external',
        `Google Ads offline user data job ${resourceName} still ${job.status ?? 'unknown'} after ${Math.round(googlePolling.timeoutMs / 60_000)} minutes`,
      );
    }
  }
}
